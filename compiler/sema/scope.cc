// Name lookup shared by the semantic stages and the planner.
#include "sema/scope.h"

namespace kpic {

const ast::Decl* Scope::Lookup(const std::string& name,
                               std::vector<std::pair<std::string, const ast::Decl*>>* imported) const {
  auto own = pkg_->decls.find(name);
  if (own != pkg_->decls.end()) return own->second;
  const ast::Decl* first = nullptr;
  for (const std::string& imp : pkg_->imported) {
    const Package* p = catalog_->FindPackage(imp);
    if (!p) continue;
    auto it = p->decls.find(name);
    if (it == p->decls.end()) continue;
    if (!first) first = it->second;
    if (!imported) break;
    imported->emplace_back(imp, it->second);
  }
  if (first) return first;
  auto m = catalog_->metric_home.find(name);
  if (m != catalog_->metric_home.end()) {
    if (const Package* p = catalog_->FindPackage(m->second)) {
      auto it = p->decls.find(name);
      if (it != p->decls.end()) return it->second;
    }
  }
  return nullptr;
}

const ast::Decl* Scope::ResolvePath(const std::vector<const ast::Ident*>& path, size_t* next) const {
  std::string prefix;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    prefix += (i ? "." : "") + path[i]->name;
    const Package* p = nullptr;
    if (i == 0 && pkg_->aliases.count(prefix) && !pkg_->decls.count(prefix))
      p = catalog_->FindPackage(pkg_->aliases.at(prefix));
    else if (!pkg_->decls.count(path[0]->name))
      p = catalog_->FindPackage(prefix);
    if (p) {
      auto it = p->decls.find(path[i + 1]->name);
      if (it != p->decls.end()) {
        *next = i + 2;
        return it->second;
      }
    }
  }
  *next = 1;
  return Lookup(path[0]->name);
}

const ast::SourceDecl* Scope::SourceByName(const std::string& name) const {
  const ast::Decl* d = Lookup(name);
  return d && d->kind == ast::DeclKind::kSource ? static_cast<const ast::SourceDecl*>(d) : nullptr;
}

const ast::SourceDecl* Scope::SourceByKey(const std::string& key) const {
  auto colon = key.rfind(':');
  const Package* p = catalog_->FindPackage(key.substr(0, colon == std::string::npos ? 0 : colon));
  if (!p) return nullptr;
  auto it = p->decls.find(key.substr(colon + 1));
  return it != p->decls.end() && it->second->kind == ast::DeclKind::kSource
             ? static_cast<const ast::SourceDecl*>(it->second)
             : nullptr;
}

const Package* Scope::PackageOf(const ast::Decl* d) const {
  for (const auto& [pname, pkg] : catalog_->packages) {
    auto it = pkg.decls.find(d->name.name);
    if (it != pkg.decls.end() && it->second == d) return &pkg;
  }
  return nullptr;
}

std::string Scope::SourceKey(const ast::SourceDecl* s) const {
  const Package* p = PackageOf(s);
  return p ? p->name + ":" + s->name.name : s->name.name;
}

bool Scope::FlattenPath(const ast::Expr& e, std::vector<const ast::Ident*>* out) {
  if (e.kind == ast::ExprKind::kName) {
    out->push_back(&e.name);
    return true;
  }
  if (e.kind == ast::ExprKind::kMember && e.lhs && FlattenPath(*e.lhs, out)) {
    out->push_back(&e.name);
    return true;
  }
  return false;
}

}  // namespace kpic
