// The catalog: every package compiled together (the user's files plus
// stdlib/), with one symbol table per package and one global index of
// metric names, because a metric name means one thing everywhere.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/source_manager.h"
#include "builtins/builtins.h"
#include "diag/diagnostic.h"
#include "sema/checked.h"
#include "syntax/ast.h"

namespace kpic {

/// The package a file belongs to when it has no `package` clause.
inline constexpr const char* kDefaultPackage = "main";

struct Package {
  std::string name;
  std::vector<const ast::File*> files;
  std::map<std::string, const ast::Decl*> decls;  ///< every named declaration
  std::vector<const ast::ImportDecl*> imports;    ///< as written, all files
  std::vector<const ast::ExpectDecl*> expects;    ///< `expect` declarations (anonymous), in file order
  std::set<std::string> imported;                 ///< resolved package names
  std::map<std::string, std::string> aliases;     ///< short name -> package
  bool from_stdlib = false;
  /// `package NAME { governed true }`: every metric needs an owner and a
  /// description (W0004).
  bool governed = false;
  /// `package NAME { dialects postgres, trino }`: the SQL dialects the
  /// package must compile to, each with where it is named (unknown names are
  /// E0217 and left out). `kpic check` reports every construct one of them
  /// refuses (E0502).
  struct DeclaredDialect {
    builtins::Dialect dialect;
    Span span;
  };
  std::vector<DeclaredDialect> dialects;
  std::vector<const ast::PackageDecl*> clauses;  ///< the package clauses of its files
};

struct Catalog {
  std::map<std::string, Package> packages;
  /// Metric name -> defining package. Identical re-definitions in several
  /// packages are allowed; different ones are E0501.
  std::map<std::string, std::string> metric_home;
  /// Units, additivity, sources and dimensions of every metric.
  CheckedModule checked;

  const Package* FindPackage(const std::string& name) const;
  /// Counts by declaration kind across the user's packages (not stdlib).
  std::map<ast::DeclKind, size_t> Counts() const;
};

/// The values of a `dialects` package setting, lists flattened
/// (`dialects postgres, trino` or `dialects [postgres, trino]`).
std::vector<const ast::AttrValue*> DialectValues(const ast::Attribute& a);

struct CheckInput {
  std::vector<const ast::File*> files;
  std::set<FileId> stdlib_files;
  /// The caller reads the diagnostics, the declarations and the IR, and no
  /// metric's formula tree or column list (`kpic check`). The checker then
  /// frees each formula tree once its metric is in the IR, which keeps a
  /// large package's trees and its IR from being held at once (a tree that
  /// failed to check is kept; MetricType::formula keeps its hash), and
  /// leaves MetricType::columns empty.
  bool check_only = false;
};

/// Builds the catalog, reports unknown and duplicate names, import
/// problems and conflicting definitions, then type-checks units,
/// additivity, dimensions and grains.
Catalog Check(const CheckInput& input, const SourceManager& sm, DiagnosticSink& diags);

}  // namespace kpic
