// The parser's public interface. It hides ANTLR completely: callers get an
// AST and diagnostics, never parse trees or exceptions.
#pragma once

#include <memory>

#include "base/source_manager.h"
#include "diag/diagnostic.h"
#include "syntax/ast.h"

namespace kpic {

struct ParseLimits {
  size_t max_file_bytes = 64u << 20;  ///< E0004 above this
  size_t max_nesting = 128;           ///< brackets of any kind (E0105)
  size_t max_operators = 4000;        ///< operators in one declaration (E0106)
};

/// Parses one file. Never throws and never aborts: every problem becomes a
/// diagnostic, and recovery continues with the next declaration, so one bad
/// declaration never hides the errors of the next. Always returns a File
/// (possibly empty).
std::unique_ptr<ast::File> ParseFile(const SourceManager& sm, FileId id, DiagnosticSink& diags,
                                     const ParseLimits& limits = {});

}  // namespace kpic
