// The commands of the kpic CLI, one function each (commands.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kpic {

struct CommonOptions {
  std::optional<std::string> stdlib_dir;
  bool no_stdlib = false;
  std::string color = "auto";
  size_t max_depth = 128;  ///< --max-depth: brackets nested in one expression (E0105)
  size_t max_errors = 50;  ///< --max-errors: diagnostics shown per file; the rest are counted
};

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "human";
  bool data = false;                ///< also read and check every source's data
  std::vector<std::string> binds;   ///< SOURCE=URI
  std::string on_bad_row = "fail";  ///< fail | skip
};

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "human";  ///< human (stderr), gcc, json or sarif (stdout)
  bool rules = false;            ///< list the lint rules and exit
  std::string version;           ///< kpic's version, for SARIF
};

struct FmtOptions {
  std::vector<std::string> paths;  ///< files or directories; `-` reads stdin and writes stdout
  bool check = false;              ///< list files that would change; exit 1 if any
};

struct ExplainOptions {
  std::string name;
  std::vector<std::string> paths;
};

struct CatalogOptions {
  std::vector<std::string> paths;
  std::string format = "json";
  std::string output;  ///< -o FILE; stdout when empty
  std::string lang;    ///< --lang zh|en, or empty: ReportLanguage decides
};

struct CompileOptions {
  std::vector<std::string> paths;
  std::string emit;
};

/// `kpic lint`: the checker's diagnostics plus the lint rules (sema/lint.h).
int RunLint(const LintOptions& options, const CommonOptions& common);
/// `kpic fmt`: rewrites files in the canonical format (syntax/format.h).
int RunFmt(const FmtOptions& options, const CommonOptions& common);
int RunCheck(const CheckOptions& options, const CommonOptions& common);
int RunExplain(const ExplainOptions& options, const CommonOptions& common);
int RunCatalog(const CatalogOptions& options, const CommonOptions& common);
int RunCompile(const CompileOptions& options, const CommonOptions& common);

}  // namespace kpic
