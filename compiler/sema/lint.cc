// The lint rules.
#include "sema/lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "base/suggest.h"
#include "sema/governance.h"

namespace kpic {

namespace {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;

const char* kLevels[] = {"off", "warn", "error"};

/// Calls `fn` on every expression node under `e`.
void Walk(const Expr* e, const std::function<void(const Expr&)>& fn) {
  if (!e) return;
  fn(*e);
  Walk(e->lhs.get(), fn);
  Walk(e->rhs.get(), fn);
  for (const auto& a : e->args) Walk(a.value.get(), fn);
  for (const auto& i : e->items) Walk(i.get(), fn);
}

/// Names an expression refers to (the first part of each path).
void Names(const Expr* e, std::set<std::string>* out) {
  Walk(e, [&](const Expr& x) {
    if (x.kind == ExprKind::kName) out->insert(x.name.name);
    if (x.kind == ExprKind::kMember && x.lhs && x.lhs->kind == ExprKind::kName) out->insert(x.lhs->name.name);
    if (x.kind == ExprKind::kMember) out->insert(x.name.name);
  });
}

class Linter {
 public:
  Linter(const Catalog& c, DiagnosticSink& d) : c_(c), diags_(d) {}

  void Run() {
    Uses();
    for (const auto& [name, pkg] : c_.packages) {
      if (pkg.from_stdlib) continue;
      pkg_ = &pkg;
      Levels(pkg);
      for (const auto& [dname, d] : pkg.decls) {
        if (d->has_syntax_error) continue;
        switch (d->kind) {
          case DeclKind::kGoal:
            Goal(static_cast<const ast::GoalDecl&>(*d));
            break;
          case DeclKind::kSource:
            if (!used_sources_.count(name + ":" + dname))
              Report("unused-source", d->name.span,
                     fmt::format("source `{}` is read by no metric (nor through a lookup)", dname))
                  .Help("remove it, or define the metrics that read it");
            break;
          case DeclKind::kMetric:
            if (!used_metrics_.count(dname))
              Report("unused-metric", d->name.span,
                     fmt::format("metric `{}` is used by no goal, report or other metric", dname))
                  .Help("put it in a report, a goal or another metric, or remove it");
            if (pkg.governed) Unapproved(static_cast<const ast::MetricDecl&>(*d));
            break;
          default:
            break;
        }
        Labels(*d);
        Deprecated(*d);
      }
    }
  }

 private:
  /// What the catalog uses: sources read by metrics (and lookups from
  /// them), metrics named by goals, reports and other metrics.
  void Uses() {
    for (const auto& [name, m] : c_.checked.metrics) {
      used_sources_.insert(m.sources.begin(), m.sources.end());
      used_metrics_.insert(m.depends_on.begin(), m.depends_on.end());
    }
    // A source of rates (`convert(m, CUR, rates)`) is read for its rates.
    for (const ir::Node& n : c_.checked.ir.nodes)
      if (n.kind == ir::Kind::kSymbol && n.source >= 0 && static_cast<size_t>(n.source) < c_.checked.ir.sources.size())
        used_sources_.insert(c_.checked.ir.sources[static_cast<size_t>(n.source)].key);
    // The calendar's `working_days` source is read by `working_days()` and
    // the working-day grains (it was "read by no metric": probe, 2026-12-06).
    const ir::Module& ir = c_.checked.ir;
    if (ir.calendar.work_source >= 0 && static_cast<size_t>(ir.calendar.work_source) < ir.sources.size())
      used_sources_.insert(ir.sources[static_cast<size_t>(ir.calendar.work_source)].key);
    // A source referenced by a used source's column is used through lookups.
    bool grew = true;
    while (grew) {
      grew = false;
      for (const auto& [pname, pkg] : c_.packages)
        for (const auto& [dname, d] : pkg.decls) {
          if (d->kind != DeclKind::kSource || !used_sources_.count(pname + ":" + dname)) continue;
          for (const auto& col : static_cast<const ast::SourceDecl&>(*d).columns) {
            if (!col.references || col.references->parts.empty()) continue;
            std::string target = col.references->parts.back().name;
            for (const auto& [qname, q] : c_.packages)
              if (q.decls.count(target) && q.decls.at(target)->kind == DeclKind::kSource)
                grew |= used_sources_.insert(qname + ":" + target).second;
          }
        }
    }
    for (const auto& [pname, pkg] : c_.packages)
      for (const auto& [dname, d] : pkg.decls) {
        std::set<std::string> names;
        if (d->kind == DeclKind::kGoal) {
          for (const auto& it : static_cast<const ast::GoalDecl&>(*d).items) Names(it.expr.get(), &names);
        } else if (d->kind == DeclKind::kReport) {
          for (const auto& it : static_cast<const ast::ReportDecl&>(*d).items) {
            for (const auto& n : it.names) names.insert(n.name);
            Names(it.expr.get(), &names);
          }
        } else if (d->kind == DeclKind::kRole) {
          for (const auto& it : static_cast<const ast::RoleDecl&>(*d).items) Names(it.filter.get(), &names);
        }
        used_metrics_.insert(names.begin(), names.end());
      }
    for (const auto& [pname, pkg] : c_.packages)
      for (const ast::ExpectDecl* x : pkg.expects) {
        std::set<std::string> names;
        Names(x->expr.get(), &names);
        Names(x->other.get(), &names);
        used_metrics_.insert(names.begin(), names.end());
      }
  }

  /// The package's levels: the defaults, then its `lint "rule: level"` settings.
  void Levels(const Package& pkg) {
    levels_.clear();
    for (const LintRule& r : LintRules()) levels_[r.name] = r.level;
    std::vector<std::string> names;
    for (const LintRule& r : LintRules()) names.push_back(r.name);
    for (const ast::PackageDecl* clause : pkg.clauses)
      for (const auto& a : clause->attrs) {
        if (a.key.name != "lint") continue;
        for (const auto& v : a.values) {
          auto colon = v.text.find(':');
          std::string rule = v.text.substr(0, colon), level;
          if (colon != std::string::npos) level = v.text.substr(colon + 1);
          auto trim = [](std::string& s) {
            while (!s.empty() && s.front() == ' ') s.erase(0, 1);
            while (!s.empty() && s.back() == ' ') s.pop_back();
          };
          trim(rule);
          trim(level);
          if (v.kind != ast::AttrValue::Kind::kString || !levels_.count(rule)) {
            auto& d = diags_.Report(DiagCode::L0006, v.span,
                                    fmt::format("unknown lint rule `{}`; write `\"RULE: off|warn|error\"`", rule));
            if (auto s = Suggest(rule, names))
              d.Help(fmt::format("did you mean `{}`?", *s));
            else
              d.Note(fmt::format("the rules: {}", fmt::join(names, ", ")));
            continue;
          }
          if (level != "off" && level != "warn" && level != "error") {
            auto& d = diags_.Report(DiagCode::L0006, v.span,
                                    fmt::format("lint level `{}` for `{}` must be off, warn or error", level, rule));
            if (auto s = Suggest(level, {kLevels[0], kLevels[1], kLevels[2]}))
              d.Help(fmt::format("did you mean `{}`?", *s));
            continue;
          }
          levels_[rule] = level;
        }
      }
  }

  Diagnostic& Report(const std::string& rule, Span span, std::string message) {
    const std::string& level = levels_.at(rule);
    if (level == "off") return sink_;
    const LintRule* r = nullptr;
    for (const LintRule& x : LintRules())
      if (rule == x.name) r = &x;
    Diagnostic& d = diags_.Report(r->code, span, std::move(message));
    if (level == "error") d.severity = Severity::kError;
    d.Note(fmt::format("lint rule `{}` ({}); set it with `package {} {{ lint \"{}: off|warn|error\" }}`", rule, level,
                       pkg_->name, rule));
    return d;
  }

  /// `a.b.c` for a chain of names, or "".
  static std::string Dotted(const Expr& e) {
    if (e.kind == ExprKind::kName) return e.name.name;
    if (e.kind != ExprKind::kMember || !e.lhs) return "";
    std::string base = Dotted(*e.lhs);
    return base.empty() ? "" : base + "." + e.name.name;
  }

  /// The metric or function a name written in the current package means.
  const ast::Decl* Resolve(const std::string& dotted) const {
    auto dot = dotted.rfind('.');
    const Package* pkg = pkg_;
    std::string name = dotted;
    if (dot != std::string::npos) {
      std::string p = dotted.substr(0, dot);
      if (auto a = pkg_->aliases.find(p); a != pkg_->aliases.end()) p = a->second;
      auto it = c_.packages.find(p);
      if (it == c_.packages.end()) return nullptr;
      pkg = &it->second;
      name = dotted.substr(dot + 1);
    }
    auto d = pkg->decls.find(name);
    if (d == pkg->decls.end()) return nullptr;
    return d->second->kind == DeclKind::kMetric || d->second->kind == DeclKind::kFn ? d->second : nullptr;
  }

  /// Uses of a metric or function marked `deprecated "..."`: an old name
  /// kept as an alias of a new one.
  void Deprecated(const ast::Decl& d) {
    std::vector<const Expr*> exprs;
    if (d.kind == DeclKind::kMetric) exprs.push_back(static_cast<const ast::MetricDecl&>(d).expr.get());
    if (d.kind == DeclKind::kFn) exprs.push_back(static_cast<const ast::FnDecl&>(d).body.get());
    if (d.kind == DeclKind::kGoal)
      for (const auto& it : static_cast<const ast::GoalDecl&>(d).items) exprs.push_back(it.expr.get());
    if (d.kind == DeclKind::kReport)
      for (const auto& it : static_cast<const ast::ReportDecl&>(d).items) exprs.push_back(it.expr.get());
    for (const Expr* root : exprs)
      Walk(root, [&](const Expr& e) {
        if (e.kind != ExprKind::kName && e.kind != ExprKind::kMember) return;
        std::string dotted = Dotted(e);
        const ast::Decl* target = dotted.empty() ? nullptr : Resolve(dotted);
        if (!target) return;
        const auto& attrs = target->kind == DeclKind::kMetric ? static_cast<const ast::MetricDecl*>(target)->attrs
                                                              : static_cast<const ast::FnDecl*>(target)->attrs;
        for (const auto& a : attrs)
          if (a.key.name == "deprecated") {
            std::string why = a.values.empty() ? "" : a.values[0].text;
            Report("deprecated", e.span, fmt::format("`{}` is deprecated{}{}", dotted, why.empty() ? "" : ": ", why));
          }
      });
  }

  /// A goal's uses of metrics whose status is `deprecated` (`status
  /// deprecated`), once per metric, at its first use: in the goal's
  /// metric, target, decompositions or alerts. A metric with a `deprecated
  /// "..."` message is left to L0007, which reports every use of it.
  void DeprecatedInGoal(const ast::GoalDecl& g) {
    std::set<const ast::Decl*> reported;
    auto check = [&](const std::string& dotted, Span span) {
      const ast::Decl* target = dotted.empty() ? nullptr : Resolve(dotted);
      if (!target || target->kind != DeclKind::kMetric) return;
      const auto& attrs = static_cast<const ast::MetricDecl*>(target)->attrs;
      if (MetricStatus(attrs) != "deprecated" || HasAttr(attrs, "deprecated")) return;
      if (!reported.insert(target).second) return;
      Report("deprecated-metric", span,
             fmt::format("goal `{}` uses `{}`, whose status is deprecated", g.name.name, dotted))
          .Help("measure the goal with the metric that replaces it, or set the metric's status back to `approved`");
    };
    for (const ast::GoalItem& it : g.items) {
      using K = ast::GoalItem::Kind;
      if (it.kind != K::kMetric && it.kind != K::kTarget && it.kind != K::kDecompose && it.kind != K::kAlert) continue;
      if (it.kind == K::kDecompose && it.name) check(it.name->name, it.name->span);
      Walk(it.expr.get(), [&](const Expr& e) {
        if (e.kind == ExprKind::kName || e.kind == ExprKind::kMember) check(Dotted(e), e.span);
      });
    }
  }

  /// A metric of a governed package whose status is not `approved` (a
  /// draft, or no status). A deprecated metric has been through review and
  /// is retired; its uses in goals are L0008's.
  void Unapproved(const ast::MetricDecl& m) {
    std::string status = MetricStatus(m.attrs);
    const auto& known = MetricStatuses();
    if (status == "approved" || status == "deprecated") return;
    if (!status.empty() && std::find(known.begin(), known.end(), status) == known.end()) return;  // E0212
    Report("unapproved-metric", m.name.span,
           status.empty() ? fmt::format("metric `{}` has no status in governed package `{}`", m.name.name, pkg_->name)
                          : fmt::format("metric `{}` is a draft in governed package `{}`", m.name.name, pkg_->name))
        .Help("once it has been reviewed, write `status approved` and `approver \"who approved it\"`");
  }

  static bool HasAttr(const std::vector<ast::Attribute>& attrs, const char* key) {
    for (const auto& a : attrs)
      if (a.key.name == key) return true;
    return false;
  }

  void Goal(const ast::GoalDecl& g) {
    DeprecatedInGoal(g);
    bool owner = false;
    for (const auto& it : g.items)
      if (it.kind == ast::GoalItem::Kind::kAttr && it.attr.key.name == "owner") owner = true;
    if (!owner)
      Report("goal-owner", g.name.span, fmt::format("goal `{}` has no owner", g.name.name))
          .Help("add `owner \"team\"`: a goal without an owner is nobody's goal");
    for (const auto& it : g.items) {
      if (it.kind != ast::GoalItem::Kind::kTarget) continue;
      Walk(it.expr.get(), [&](const Expr& e) {
        if (e.kind != ExprKind::kNumber || e.unit) return;
        double v = std::strtod(e.text().c_str(), nullptr);
        if (v == 0 || std::fabs(v) < 10) return;  // factors such as 1.28 * sales.last_year
        Report("magic-number", e.span, fmt::format("target compares with the bare number {}", e.text()))
            .Help(fmt::format("give it a unit (`{} CNY`), or make it a metric or a phased target, so that readers know "
                              "what it counts",
                              e.text()));
      });
    }
  }

  /// Labels in every language the package declares (`languages "zh", "en"`):
  /// the first is the main label, the others `label.xx` (metrics and goals;
  /// dimensions and sources have the main label only).
  void Labels(const ast::Decl& d) {
    std::vector<std::string> langs;
    for (const ast::PackageDecl* clause : pkg_->clauses)
      for (const auto& a : clause->attrs)
        if (a.key.name == "languages")
          for (const auto& v : a.values) {
            if (v.kind == ast::AttrValue::Kind::kList)
              for (const auto& x : v.list) langs.push_back(x.text);
            else
              langs.push_back(v.text);
          }
    if (langs.empty()) return;
    const std::vector<ast::Attribute>* attrs = nullptr;
    if (d.kind == DeclKind::kMetric)
      attrs = &static_cast<const ast::MetricDecl&>(d).attrs;
    else if (d.kind == DeclKind::kDimension)
      attrs = &static_cast<const ast::DimensionDecl&>(d).attrs;
    else if (d.kind != DeclKind::kGoal && d.kind != DeclKind::kSource)
      return;
    std::vector<std::string> missing;
    if (!d.label) missing.push_back(langs[0]);
    // Sources have one label (no `label.xx` attributes).
    size_t others = d.kind == DeclKind::kSource ? 1 : langs.size();
    for (size_t i = 1; i < others; ++i) {
      bool found = false;
      if (attrs)
        for (const auto& a : *attrs) found |= a.key.name == "label" && a.lang == langs[i];
      if (d.kind == DeclKind::kGoal)
        for (const auto& it : static_cast<const ast::GoalDecl&>(d).items)
          found |= it.kind == ast::GoalItem::Kind::kAttr && it.attr.key.name == "label" && it.attr.lang == langs[i];
      if (!found) missing.push_back(langs[i]);
    }
    if (missing.empty()) return;
    Report("label-language", d.name.span,
           fmt::format("{} `{}` has no label in {}", ast::DeclKindName(d.kind), d.name.name, fmt::join(missing, ", ")))
        .Help(missing[0] == langs[0]
                  ? fmt::format("write the {} label after the name: `{} \"...\"`", langs[0], d.name.name)
                  : fmt::format("add `label.{} \"...\"`", missing[0]));
  }

  const Catalog& c_;
  DiagnosticSink& diags_;
  const Package* pkg_ = nullptr;
  std::map<std::string, std::string> levels_;
  std::set<std::string> used_sources_, used_metrics_;
  Diagnostic sink_;  ///< returned for rules that are off
};

}  // namespace

const std::vector<LintRule>& LintRules() {
  static const std::vector<LintRule> rules = {
      {"goal-owner", DiagCode::L0001, "warn", "a goal names no owner"},
      {"unused-source", DiagCode::L0002, "warn", "a source that no metric reads, directly or through a lookup"},
      {"unused-metric", DiagCode::L0003, "off", "a metric that no goal, report, role or other metric uses"},
      {"label-language", DiagCode::L0004, "warn", "a label missing in one of the languages the package declares"},
      {"magic-number", DiagCode::L0005, "warn", "a goal target that compares with a bare number of 10 or more"},
      {"deprecated", DiagCode::L0007, "warn", "a metric or function marked `deprecated` (an old name kept as an alias)"},
      {"deprecated-metric", DiagCode::L0008, "warn",
       "a goal that uses a metric of `status deprecated` (in its metric, target, decompositions or alerts)"},
      {"unapproved-metric", DiagCode::L0009, "warn", "a metric of a `governed true` package that is not `status approved`"},
  };
  return rules;
}

void Lint(const Catalog& catalog, DiagnosticSink& diags) { Linter(catalog, diags).Run(); }

}  // namespace kpic
