// Name lookup shared by name resolution, the type checker and the planner:
// what a name or a dotted path means as seen from one package. Only
// resolve.cc reports unknown or ambiguous names; the later stages look up
// names that resolution already accepted.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sema/catalog.h"
#include "syntax/ast.h"

namespace kpic {

class Scope {
 public:
  Scope(const Catalog& catalog, const Package* pkg) : catalog_(&catalog), pkg_(pkg) {}

  const Catalog& catalog() const { return *catalog_; }
  const Package* package() const { return pkg_; }
  void set_package(const Package* pkg) { pkg_ = pkg; }

  /// `name` as seen from the package: its own declarations, then its
  /// imports (every import that declares it goes to `imported`, when
  /// given; the first wins), then the global metric index.
  const ast::Decl* Lookup(const std::string& name,
                          std::vector<std::pair<std::string, const ast::Decl*>>* imported = nullptr) const;

  /// A dotted path (`std.retail.aov`, `r.aov`, `orders.amount`): follows
  /// package prefixes and import aliases; `next` gets the index of the
  /// first part not consumed by the declaration found.
  const ast::Decl* ResolvePath(const std::vector<const ast::Ident*>& path, size_t* next) const;

  const ast::SourceDecl* SourceByName(const std::string& name) const;
  /// A source by its catalog key, "package:source".
  const ast::SourceDecl* SourceByKey(const std::string& key) const;
  /// The catalog key "package:source" of a source declaration.
  std::string SourceKey(const ast::SourceDecl* s) const;
  /// The package that declares `d`, or nullptr.
  const Package* PackageOf(const ast::Decl* d) const;

  /// `a.b.c` as identifiers; false for anything but names and members.
  static bool FlattenPath(const ast::Expr& e, std::vector<const ast::Ident*>* out);

 private:
  const Catalog* catalog_;
  const Package* pkg_;
};

}  // namespace kpic
