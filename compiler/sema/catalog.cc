// Catalog construction: packages, declarations, imports and cycles,
// duplicate and conflicting definitions. Name resolution inside
// declarations lives in resolve.cc.
#include "sema/catalog.h"

#include <fmt/format.h>

#include <functional>

#include "base/suggest.h"
#include "sema/dialects.h"
#include "sema/resolve.h"
#include "sema/typecheck.h"

namespace kpic {

const Package* Catalog::FindPackage(const std::string& name) const {
  auto it = packages.find(name);
  return it == packages.end() ? nullptr : &it->second;
}

std::vector<const ast::AttrValue*> DialectValues(const ast::Attribute& a) {
  std::vector<const ast::AttrValue*> out;
  for (const ast::AttrValue& v : a.values) {
    if (v.kind == ast::AttrValue::Kind::kList)
      for (const ast::AttrValue& x : v.list) out.push_back(&x);
    else
      out.push_back(&v);
  }
  return out;
}

std::map<ast::DeclKind, size_t> Catalog::Counts() const {
  std::map<ast::DeclKind, size_t> counts;
  for (const auto& [name, pkg] : packages) {
    if (pkg.from_stdlib) continue;
    for (const auto& [n, d] : pkg.decls) ++counts[d->kind];
    counts[ast::DeclKind::kExpect] += pkg.expects.size();
  }
  return counts;
}

namespace {

std::string Canonical(const ast::MetricDecl& m) {
  return (m.unit ? m.unit->ToString() : std::string()) + "=" + (m.expr ? ast::DumpExpr(*m.expr) : "");
}

/// Attributes as text, in a stable order (any order of writing them is the
/// same); `value` may rewrite a value by its attribute (a calendar's
/// `working_days` names a source, compared where it leads).
std::string AttrsText(const std::vector<ast::Attribute>& attrs,
                      const std::function<std::string(const ast::Attribute&, const std::string&)>& value = {}) {
  std::function<std::string(const ast::AttrValue&)> text = [&](const ast::AttrValue& v) {
    if (v.kind != ast::AttrValue::Kind::kList) return v.text;
    std::string out = "[";
    for (const ast::AttrValue& x : v.list) out += text(x) + ",";
    return out + "]";
  };
  std::vector<std::string> parts;
  for (const ast::Attribute& a : attrs) {
    std::string p = a.key.name + (a.lang.empty() ? "" : "." + a.lang) + "=";
    for (const ast::AttrValue& v : a.values) p += (value ? value(a, text(v)) : text(v)) + ";";
    parts.push_back(std::move(p));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, "\n"));
}

/// What the catalog shows of a metric besides its formula: its labels,
/// description and attributes (owner, status, ...), in a stable order.
std::string Metadata(const ast::MetricDecl& m) {
  return fmt::format("label={}\ndoc={}\n{}", m.label.value_or(""), m.doc, AttrsText(m.attrs));
}

/// The plain names a formula reads (a source, a function, a dimension, a
/// metric), without the fields after a dot or the arguments' names.
void NamesRead(const ast::Expr& e, std::set<std::string>* out) {
  switch (e.kind) {
    case ast::ExprKind::kName:
      out->insert(e.name.name);
      break;
    case ast::ExprKind::kMember:
      if (e.lhs) NamesRead(*e.lhs, out);
      break;
    default:
      if (e.lhs) NamesRead(*e.lhs, out);
      if (e.rhs) NamesRead(*e.rhs, out);
      for (const ast::Arg& a : e.args) {
        if (a.value) NamesRead(*a.value, out);
        for (const ast::Ident& d : a.by) out->insert(d.name);
      }
      for (const ast::ExprPtr& x : e.items)
        if (x) NamesRead(*x, out);
  }
}

class CatalogBuilder {
 public:
  CatalogBuilder(const CheckInput& input, const SourceManager& sm, DiagnosticSink& diags)
      : input_(input), diags_(diags) {}

  Catalog Run() {
    for (const ast::File* f : input_.files) AddFile(*f);
    ResolveImports();
    FindCycles();
    IndexMetrics();
    SameLabels();
    IndexRoles();
    IndexShared();
    return std::move(catalog_);
  }

 private:
  void AddFile(const ast::File& file) {
    // Package clause: first, at most once. Imports: before declarations.
    const ast::PackageDecl* pkg_decl = nullptr;
    bool seen_any = false, seen_decl = false;
    for (const auto& d : file.decls) {
      if (d->kind == ast::DeclKind::kPackage) {
        if (pkg_decl) {
          diags_.Report(DiagCode::E0109, d->span, "a file has only one `package` clause")
              .Label(pkg_decl->span, "the package is already named here")
              .span_label = "second package clause";
          continue;
        }
        if (seen_any) {
          diags_.Report(DiagCode::E0109, d->span, "`package` must be the first declaration in the file")
              .Help("move this line to the top of the file")
              .span_label = "too late";
        }
        pkg_decl = static_cast<const ast::PackageDecl*>(d.get());
      } else if (d->kind == ast::DeclKind::kImport) {
        if (seen_decl) {
          diags_.Report(DiagCode::E0109, d->span, "`import` must come before the declarations of the file")
              .Help("move the import to the top of the file, after `package`")
              .span_label = "import after a declaration";
        }
      } else {
        seen_decl = true;
      }
      seen_any = true;
    }
    std::string name = pkg_decl && !pkg_decl->path.parts.empty() ? pkg_decl->path.Joined() : kDefaultPackage;
    Package& pkg = catalog_.packages[name];
    pkg.name = name;
    pkg.files.push_back(&file);
    if (pkg_decl) {
      pkg.clauses.push_back(pkg_decl);
      for (const ast::Attribute& a : pkg_decl->attrs)
        if (a.key.name == "governed" && !a.values.empty() && a.values[0].text == "true") {
          pkg.governed = true;
        } else if (a.key.name == "dialects") {
          for (const ast::AttrValue* v : DialectValues(a)) {
            builtins::Dialect d;
            if (!builtins::FindDialect(v->text, &d)) continue;  // E0217, by the resolver
            bool seen = false;
            for (const auto& x : pkg.dialects) seen |= x.dialect == d;
            if (!seen) pkg.dialects.push_back({d, v->span});
          }
        }
    }
    if (input_.stdlib_files.count(file.id)) {
      pkg.from_stdlib = true;
    } else if (pkg_decl && (name == "std" || name.rfind("std.", 0) == 0) && !input_.stdlib_files.empty()) {
      // A user's file does not add to the standard library: its functions
      // would read as official ones (governance probe, 2026-12-07).
      diags_.Report(DiagCode::E0501, pkg_decl->path.span,
                    fmt::format("package `{}` belongs to the standard library: a file outside it cannot add to it",
                                name))
          .Help("name the package after its owner (`package finance`), and import the standard library's")
          .span_label = "the standard library's package";
    }

    for (const auto& d : file.decls) {
      if (d->kind == ast::DeclKind::kPackage) continue;
      if (d->kind == ast::DeclKind::kImport) {
        pkg.imports.push_back(static_cast<const ast::ImportDecl*>(d.get()));
        continue;
      }
      if (d->kind == ast::DeclKind::kExpect) {
        pkg.expects.push_back(static_cast<const ast::ExpectDecl*>(d.get()));
        continue;
      }
      if (d->name.name.empty()) {
        if (d->kind == ast::DeclKind::kCalendar) {
          // The anonymous calendar is the package's default calendar.
          RegisterDecl(pkg, "calendar", d.get());
        }
        continue;
      }
      RegisterDecl(pkg, d->name.name, d.get());
    }
  }

  void RegisterDecl(Package& pkg, const std::string& name, const ast::Decl* d) {
    auto [it, inserted] = pkg.decls.emplace(name, d);
    if (inserted) return;
    const ast::Decl* prev = it->second;
    Span at = d->name.span.valid() ? d->name.span : d->keyword_span;
    Span prev_at = prev->name.span.valid() ? prev->name.span : prev->keyword_span;
    std::string what = prev->kind == d->kind ? ast::DeclKindName(d->kind)
                                             : fmt::format("{} (already a {})", ast::DeclKindName(d->kind),
                                                           ast::DeclKindName(prev->kind));
    auto& diag =
        diags_.Report(DiagCode::E0202, at, fmt::format("`{}` is defined twice in package `{}`", name, pkg.name));
    diag.span_label = fmt::format("second definition, a {}", what);
    diag.Label(prev_at, "first defined here");
    diag.Help("give one of them another name; names in a package are shared by metrics, sources, dimensions and goals");
  }

  void ResolveImports() {
    std::vector<std::string> names;
    for (const auto& [n, p] : catalog_.packages) names.push_back(n);
    for (auto& [name, pkg] : catalog_.packages) {
      std::set<std::string> seen;
      for (const ast::ImportDecl* imp : pkg.imports) {
        std::string target = imp->path.Joined();
        if (target.empty()) continue;
        if (!catalog_.packages.count(target)) {
          auto& d = diags_.Report(DiagCode::E0203, imp->path.span, fmt::format("unknown package `{}`", target));
          d.span_label = "no file declares this package";
          if (auto s = Suggest(target, names)) {
            d.Help(fmt::format("did you mean `{}`?", *s));
            d.WithFix(imp->path.span, *s, fmt::format("import `{}`", *s));
          } else {
            d.Help("pass the files of that package to kpic, or check the stdlib path (--stdlib)");
          }
          continue;
        }
        if (target == name) {
          diags_.Report(DiagCode::E0204, imp->path.span, fmt::format("package `{}` imports itself", name)).span_label =
              "remove this import";
          continue;
        }
        if (!seen.insert(fmt::format("{}#{}", imp->span.file, target)).second) {
          diags_.Report(DiagCode::W0002, imp->span, fmt::format("package `{}` is imported twice", target)).span_label =
              "duplicate import";
          continue;
        }
        pkg.imported.insert(target);
        std::string alias = imp->alias ? imp->alias->name : imp->path.parts.back().name;
        pkg.aliases[alias] = target;
      }
    }
  }

  void FindCycles() {
    // Depth-first search over package imports; report each cycle once, at
    // the import that closes it.
    std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::set<std::string> reported;
    std::function<void(const std::string&)> visit = [&](const std::string& name) {
      state[name] = 1;
      stack.push_back(name);
      const Package& pkg = catalog_.packages[name];
      for (const ast::ImportDecl* imp : pkg.imports) {
        std::string target = imp->path.Joined();
        if (!pkg.imported.count(target)) continue;
        if (state[target] == 1) {
          auto pos = std::find(stack.begin(), stack.end(), target);
          std::vector<std::string> cycle(pos, stack.end());
          std::vector<std::string> sorted = cycle;
          std::sort(sorted.begin(), sorted.end());
          std::string key = fmt::format("{}", fmt::join(sorted, ","));
          if (!reported.insert(key).second) continue;
          std::string path = fmt::format("{} -> {}", fmt::join(cycle, " -> "), target);
          diags_.Report(DiagCode::E0204, imp->path.span, fmt::format("import cycle: {}", path))
              .Help("move the shared definitions into a package that both can import")
              .span_label = "this import closes the cycle";
        } else if (state[target] == 0) {
          visit(target);
        }
      }
      stack.pop_back();
      state[name] = 2;
    };
    for (const auto& [name, pkg] : catalog_.packages)
      if (state[name] == 0) visit(name);
  }

  void IndexMetrics() {
    std::map<std::string, const ast::MetricDecl*> first;
    for (const auto& [pname, pkg] : catalog_.packages) {
      for (const auto& [name, d] : pkg.decls) {
        if (d->kind != ast::DeclKind::kMetric) continue;
        auto* m = static_cast<const ast::MetricDecl*>(d);
        auto it = first.find(name);
        if (it == first.end()) {
          first[name] = m;
          catalog_.metric_home[name] = pname;
          continue;
        }
        if (m->has_syntax_error || it->second->has_syntax_error) continue;
        const std::string& home = catalog_.metric_home[name];
        const Package& first_pkg = catalog_.packages[home];
        // The same text is the same definition only when its names read
        // the same declarations: each package's own `orders` source (or
        // function, or an alias of an import) makes `sum(orders.amount)`
        // two indicators, and the first package's took the other's place,
        // in its own `aov` too (governance probe, 2026-12-07).
        std::string local;
        if (Canonical(*it->second) == Canonical(*m) && m->expr) {
          std::set<std::string> names;
          NamesRead(*m->expr, &names);
          for (const std::string& n : names) {
            if (LeadsTo(first_pkg, n) != LeadsTo(pkg, n)) {
              local = n;
              break;
            }
          }
        }
        bool same_text = Canonical(*it->second) == Canonical(*m);
        if (same_text && local.empty() && Metadata(*it->second) == Metadata(*m)) continue;
        std::string what = !same_text      ? "defined differently"
                           : !local.empty() ? fmt::format("defined over each package's own `{}`", local)
                                            : "described differently (label, description, owner or status)";
        auto& diag = diags_.Report(DiagCode::E0501, m->name.span,
                                   fmt::format("metric `{}` is {} in packages `{}` and `{}`", name, what, home, pname));
        diag.span_label = "this definition";
        diag.Label(it->second->name.span, fmt::format("the definition in `{}`", home));
        diag.Note("a metric name means one thing across the whole catalog: one indicator, one definition");
        diag.Help("rename one of them, or import the agreed definition instead of redefining it");
      }
    }
  }

  /// Two metrics that readers know by one label ("转化率" for orders per
  /// visit in one package and per session in another): each department's
  /// "conversion rate" again, under two names (governance probe,
  /// 2026-12-07). W0014 at the later one, in each language's label; the
  /// same metric declared in two packages alike (E0501 allows it) is one.
  void SameLabels() {
    std::map<std::string, std::pair<std::string, const ast::MetricDecl*>> first;  // lang + label -> metric
    auto norm = [](std::string t) {
      size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t");
      t = a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
      for (char& c : t)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      return t;
    };
    for (const auto& [pname, pkg] : catalog_.packages) {
      if (pkg.from_stdlib) continue;
      for (const auto& [name, d] : pkg.decls) {
        if (d->kind != ast::DeclKind::kMetric || d->has_syntax_error) continue;
        auto* m = static_cast<const ast::MetricDecl*>(d);
        std::vector<std::pair<std::string, std::pair<std::string, Span>>> labels;  // lang, text, where
        if (m->label) labels.push_back({"", {*m->label, m->label_span}});
        for (const ast::Attribute& a : m->attrs)
          if (a.key.name == "label" && !a.lang.empty() && !a.values.empty())
            labels.push_back({a.lang, {a.values[0].text, a.values[0].span}});
        for (const auto& [lang, lt] : labels) {
          std::string key = lang + "\n" + norm(lt.first);
          if (norm(lt.first).empty()) continue;
          auto [it, fresh] = first.emplace(key, std::make_pair(name, m));
          if (fresh || it->second.first == name) continue;
          auto& diag = diags_.Report(DiagCode::W0014, lt.second,
                                     fmt::format("metrics `{}` and `{}` are both labelled \"{}\"", it->second.first,
                                                 name, lt.first));
          diag.span_label = "the same label";
          diag.Label(it->second.second->name.span, fmt::format("`{}` has this label", it->second.first));
          diag.Note("readers know an indicator by its label: two metrics under one label are two definitions of it");
          diag.Help(fmt::format("if they mean the same, keep one metric; if not, label `{}` for what it counts",
                                name));
        }
      }
    }
  }

  /// A role's name names one role across the whole catalog: `--role NAME`
  /// must not pick, among two packages' roles, the one whose package comes
  /// first (a role is a security boundary). Identical text is no excuse:
  /// the same rule in two packages reads two packages' sources.
  void IndexRoles() {
    std::map<std::string, std::pair<std::string, const ast::Decl*>> first;
    for (const auto& [pname, pkg] : catalog_.packages) {
      for (const auto& [name, d] : pkg.decls) {
        if (d->kind != ast::DeclKind::kRole || d->has_syntax_error) continue;
        auto [it, fresh] = first.emplace(name, std::make_pair(pname, d));
        if (fresh) continue;
        auto& diag = diags_.Report(
            DiagCode::E0501, d->name.span,
            fmt::format("role `{}` is defined in packages `{}` and `{}`", name, it->second.first, pname));
        diag.span_label = "this role";
        diag.Label(it->second.second->name.span, fmt::format("the role in `{}`", it->second.first));
        diag.Note("a role is a security boundary: `--role` must name exactly one role across every package checked");
        diag.Help("rename one of them");
      }
    }
  }

  /// Names that `--goal`, `--report` and breakdowns take across every
  /// package, and the run's one calendar (governance probe, 2026-12-07):
  /// - a goal or a report named in two packages (`--goal NAME` ran the
  ///   first package's, and the other could not be reached);
  /// - a dimension declared in two packages with another type, label or
  ///   attribute (a breakdown by an int `store` beside a string one made
  ///   blank members);
  /// - two user packages' calendars that differ (the first package's by
  ///   name applied to every package, the others' were ignored).
  void IndexShared() {
    std::map<std::string, std::pair<std::string, const ast::Decl*>> first;
    auto dim_text = [&](const ast::DimensionDecl& d) {
      return fmt::format("{}({})|{}|{}", d.type ? d.type->name.name : "", d.type && d.type->scale ? *d.type->scale : -1,
                         d.label.value_or(""), AttrsText(d.attrs));
    };
    for (const auto& [pname, pkg] : catalog_.packages) {
      for (const auto& [name, d] : pkg.decls) {
        if (d->has_syntax_error) continue;
        const char* word = d->kind == ast::DeclKind::kGoal        ? "goal"
                           : d->kind == ast::DeclKind::kReport    ? "report"
                           : d->kind == ast::DeclKind::kDimension ? "dimension"
                           : d->kind == ast::DeclKind::kCalendar  ? "calendar"
                                                                  : nullptr;
        if (!word) continue;
        if (d->kind == ast::DeclKind::kCalendar && pkg.from_stdlib) continue;
        auto [it, fresh] = first.emplace(fmt::format("{}:{}", word, name), std::make_pair(pname, d));
        if (fresh) continue;
        const ast::Decl* other = it->second.second;
        std::string message, note;
        if (d->kind == ast::DeclKind::kDimension) {
          if (dim_text(static_cast<const ast::DimensionDecl&>(*other)) ==
              dim_text(static_cast<const ast::DimensionDecl&>(*d)))
            continue;
          message = fmt::format("dimension `{}` is declared differently in packages `{}` and `{}`", name,
                                it->second.first, pname);
          note = "a dimension is conformed: one type and one meaning in every package that breaks down by it";
        } else if (d->kind == ast::DeclKind::kCalendar) {
          // `working_days holidays` names each package's own `holidays`
          // when it declares one: two calendars written alike then differ
          // (review, 2026-12-07).
          auto calendar_text = [&](const ast::CalendarDecl& c, const Package& in) {
            return AttrsText(c.attrs, [&](const ast::Attribute& a, const std::string& v) {
              return a.key.name == "working_days" ? LeadsTo(in, v) : v;
            });
          };
          if (calendar_text(static_cast<const ast::CalendarDecl&>(*other), catalog_.packages[it->second.first]) ==
              calendar_text(static_cast<const ast::CalendarDecl&>(*d), pkg))
            continue;
          message = fmt::format("packages `{}` and `{}` declare different calendars", it->second.first, pname);
          note = "a run has one calendar (weeks, fiscal year, time zone) for every package it reads";
        } else {
          message = fmt::format("{} `{}` is defined in packages `{}` and `{}`", word, name, it->second.first, pname);
          note = fmt::format("`--{} {}` must name exactly one {} across every package checked", word, name, word);
        }
        auto& diag = diags_.Report(DiagCode::E0501, d->kind == ast::DeclKind::kCalendar ? d->keyword_span : d->name.span,
                                   message);
        diag.span_label = fmt::format("this {}", word);
        diag.Label(other->kind == ast::DeclKind::kCalendar ? other->keyword_span : other->name.span,
                   fmt::format("the {} in `{}`", word, it->second.first));
        diag.Note(note);
        diag.Help(d->kind == ast::DeclKind::kCalendar ? "keep one calendar declaration, in one package"
                                                      : "rename one of them, or keep one declaration");
      }
    }
  }

  /// Where a name that a metric or a calendar reads leads from package
  /// `in`: the package whose declaration (not a metric's: metrics are the
  /// catalog's) it is, by the package's own declaration, an alias of an
  /// import, or the first imported package that declares it. The same
  /// text in two packages is the same definition only where its names
  /// lead alike (each package's own `orders`, or `holidays`, do not).
  std::string LeadsTo(const Package& in, const std::string& name) const {
    if (size_t dot = name.rfind('.'); dot != std::string::npos) {
      std::string head = name.substr(0, dot);
      auto a = in.aliases.find(head);
      return (a != in.aliases.end() ? a->second : head) + "." + name.substr(dot + 1);
    }
    if (auto a = in.aliases.find(name); a != in.aliases.end()) return "alias " + a->second;
    auto declares = [&](const Package& q) {
      auto d = q.decls.find(name);
      return d != q.decls.end() && d->second->kind != ast::DeclKind::kMetric;
    };
    if (declares(in)) return in.name + "." + name;
    for (const std::string& t : in.imported)
      if (auto q = catalog_.packages.find(t); q != catalog_.packages.end() && declares(q->second))
        return t + "." + name;
    return name;
  }

  const CheckInput& input_;
  DiagnosticSink& diags_;
  Catalog catalog_;
};

}  // namespace

Catalog Check(const CheckInput& input, const SourceManager& sm, DiagnosticSink& diags) {
  Catalog catalog = CatalogBuilder(input, sm, diags).Run();
  ResolveNames(catalog, diags);
  catalog.checked = TypeCheck(catalog, sm, diags, input.check_only);
  CheckDeclaredDialects(catalog, diags);
  return catalog;
}

}  // namespace kpic
