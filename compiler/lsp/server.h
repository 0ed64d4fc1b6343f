// `kpic lsp`: the JSON-RPC layer over stdio (Content-Length framing) in
// front of the LSP-agnostic core in workspace.h.
#pragma once

#include <cstdio>

#include "driver/session.h"
#include "lsp/workspace.h"

namespace kpic::lsp {

struct ServerOptions {
  int debounce_ms = 25;  ///< diagnostics wait this long after the last change
  Limits limits;
};

/// Serves until `exit` (or end of input). Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (LSP's rule).
int Serve(int in_fd, std::FILE* out, const SessionOptions& session, const ServerOptions& options);

}  // namespace kpic::lsp
