// Renderers turn diagnostics into text for one consumer each. They read
// file text from the SourceManager, never from disk, and are the only place
// where byte spans become lines and columns.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/source_manager.h"
#include "diag/diagnostic.h"

namespace kpic {

struct HumanStyle {
  bool color = false;
};

/// rustc/clang-style text with source snippets and carets.
std::string RenderHuman(const SourceManager& sm, const Diagnostic& d, const HumanStyle& style = {});

/// `file:line:col: error: message [E0201]`, columns in bytes (editors' error parsers).
std::string RenderGcc(const SourceManager& sm, const Diagnostic& d);

/// The versioned JSON document of the CLI contract (columns in code points).
std::string RenderJson(const SourceManager& sm, const std::vector<Diagnostic>& diags);

/// A SARIF 2.1.0 log (one run of tool `kpic` at `version`, every registered
/// code a rule), for code-scanning tools.
/// `off_by_default`: the codes of rules a package must turn on (lint rules
/// whose level is `off`), whose SARIF rule is `"enabled": false` (L0003
/// said "warning": LSP probe, 2026-12-07).
std::string RenderSarif(const SourceManager& sm, const std::vector<Diagnostic>& diags, const std::string& version,
                        const std::set<DiagCode>& off_by_default = {});

/// The one-line summary printed after human diagnostics, e.g.
/// "2 errors, 1 warning". Empty when there is nothing to say.
std::string RenderSummary(size_t errors, size_t warnings, size_t suppressed);

}  // namespace kpic
