// A compilation session: the inputs, their sources, ASTs, diagnostics and
// the checked catalog. Commands build one Session and render from it.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actions/actions.h"
#include "base/source_manager.h"
#include "base/errors.h"
#include "diag/diagnostic.h"
#include "sema/catalog.h"
#include "syntax/ast.h"
#include "syntax/parse.h"

namespace kpic {

struct SessionOptions {
  std::optional<std::string> stdlib_dir;  ///< overrides the default search
  bool no_stdlib = false;
  ParseLimits parse;                      ///< nesting, operators, file size
  size_t max_errors = DiagnosticSink::kMaxPerFile;  ///< diagnostics kept per file
  /// The caller reads no metric's formula tree or column list after the
  /// check (`kpic check`): see CheckInput::check_only.
  bool check_only = false;
};

struct Session {
  SourceManager sm;
  DiagnosticSink diags;
  std::vector<std::unique_ptr<ast::File>> files;
  std::set<FileId> stdlib_files;
  Catalog catalog;
  size_t user_files = 0;
  ParseLimits parse;  ///< what files are parsed with
  /// The package's action log (actions/*.action of the folders given;
  /// LoadAndCheck only).
  std::vector<actions::Action> actions;
};


/// A folder or link that could not be read while collecting inputs.
struct InputProblem {
  std::string path;
  std::string message;
};
struct Inputs {
  std::vector<std::string> files;
  std::vector<InputProblem> problems;
};

/// Expands files and directories (recursively, `.kpi` only, sorted;
/// symbolic links to folders are not followed) into a list of file paths.
/// A missing path is a UsageError; an unreadable folder, a dangling or
/// looping link to a `.kpi` file is a problem, reported as E0005.
Inputs CollectInputs(const std::vector<std::string>& paths);
/// Reports input problems as diagnostics (E0005) of the session.
void ReportInputProblems(Session& s, const std::vector<InputProblem>& problems);

/// The stdlib directory: the option, $KPIC_STDLIB, `<binary>/../stdlib`,
/// or the source tree's stdlib/ recorded at build time.
std::optional<std::string> FindStdlib(const SessionOptions& options);

/// What `check` accepts, `run` computes: for a package without errors,
/// plans each goal and report as `kpic run` would, and reports what the
/// plans refuse (E0320 on a goal, W0010 on a report's chart). Called after
/// checking, by `kpic check` and `run` (LoadAndCheck) and the language
/// server alike. With `parallel`, the goals are planned on two threads
/// (`kpic check` and the language server: a command that goes on to run
/// keeps its threads' malloc arenas as they were).
void PlanChecks(const ir::Module& ir, DiagnosticSink& diags, bool parallel = false);

/// Reads, parses and checks the inputs together with the stdlib.
std::unique_ptr<Session> LoadAndCheck(const std::vector<std::string>& paths, const SessionOptions& options);

/// Parses and checks texts held in memory (an editor's buffers), with the
/// stdlib from disk.
std::unique_ptr<Session> CheckTexts(const std::vector<std::pair<std::string, std::string>>& files,
                                    const SessionOptions& options);

/// Reads and parses only (no stdlib, no checking), for `compile --emit ast`.
std::unique_ptr<Session> LoadAndParse(const std::vector<std::string>& paths);

}  // namespace kpic
