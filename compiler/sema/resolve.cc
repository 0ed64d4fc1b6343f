// Name resolution. One Resolver per package; lookups go: local parameters,
// the package itself, its imports, then the global metric index.
#include "sema/resolve.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "base/number_format.h"
#include "base/suggest.h"
#include "builtins/builtins.h"
#include "ir/ir.h"
#include "sema/governance.h"
#include "sema/scope.h"
#include "timezone.h"

namespace kpic {
namespace {

using builtins::ArgKind;
using builtins::Builtin;
using builtins::ColumnTypeNames;
using builtins::FindMethod;
using builtins::GrainNames;
using builtins::PeriodNames;

using ast::Decl;
using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;

const std::vector<std::string> kWeekdays = {"monday", "tuesday",  "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};
const std::vector<std::string> kPackageSettings = {"governed", "owner", "description", "languages", "lint", "dialects"};
const std::vector<std::string> kCalendarSettings = {"week_start", "fiscal_year_start", "time_zone", "pattern",
                                                    "working_days"};
const std::vector<std::string> kRetailPatterns = {"4-4-5", "4-5-4", "5-4-4"};
const std::vector<std::string> kDimensionSettings = {"description", "label", "owner", "values"};
const std::vector<std::string> kGoalSettings = {"at_risk", "phasing", "allocate"};
/// Every item a goal takes: an unknown setting is most often one of them
/// misspelt (`drills store`, `owners "x"`: the help listed the three
/// settings alone; new-user probe, 2026-12-07).
const std::vector<std::string> kGoalItems = {"metric", "period",  "grain",   "target",      "decompose",
                                             "drill",  "alert",   "owner",   "description", "label",
                                             "at_risk", "phasing", "allocate"};
const std::vector<std::string> kPhasings = {"even", "last_year"};
const std::vector<std::string> kAllocations = {"last_year"};
const std::vector<std::string> kReportSettings = {"title"};
const std::vector<std::string> kChartKinds = {"line", "bar", "area", "pie", "table", "scorecard", "waterfall"};
const std::vector<std::string> kSeverities = {"info", "warning", "critical"};
const std::vector<std::string> kRollups = {"last", "first", "avg", "min", "max"};
const std::vector<std::string> kBindingKinds = {"csv", "sqlite", "postgres", "postgresql", "parquet"};
const std::vector<std::string> kCsvOptions = {"path", "delimiter", "null", "date_format", "header", "quote"};
const std::vector<std::string> kDbOptions = {"path", "uri", "table", "schema"};
const std::vector<std::string> kParquetOptions = {"path"};
const std::vector<std::string> kDurationUnits = {"day",    "days",    "week",     "weeks", "month",
                                                 "months", "quarter", "quarters", "year",  "years"};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const char* Article(DeclKind k) {
  switch (k) {
    case DeclKind::kImport:
    case DeclKind::kFn:
      return "an";
    default:
      return "a";
  }
}

/// What a path in an expression turned out to name.
struct Ref {
  enum class Kind { kNone, kLocal, kDecl, kColumn, kMetricMember, kPackage } kind = Kind::kNone;
  const Decl* decl = nullptr;
};

class Resolver {
 public:
  Resolver(const Catalog& catalog, const Package& pkg, DiagnosticSink& diags)
      : catalog_(catalog), pkg_(pkg), diags_(diags) {}

  void Run() {
    for (const ast::ExpectDecl* x : pkg_.expects)
      if (!x->has_syntax_error) Expect(*x);
    for (const ast::PackageDecl* clause : pkg_.clauses) {
      CheckAttrs(clause->attrs, &kPackageSettings, "package setting");
      // A clause with a syntax error (`dialects` without a value, E0107)
      // holds what the parser recovered: not checked again.
      for (const ast::Attribute& a : clause->attrs)
        if (a.key.name == "dialects" && !clause->has_syntax_error) Dialects(a);
    }
    if (pkg_.governed) Governance();
    for (const auto& [name, d] : pkg_.decls) {
      if (d->has_syntax_error) continue;
      switch (d->kind) {
        case DeclKind::kDimension:
          Dimension(static_cast<const ast::DimensionDecl&>(*d));
          break;
        case DeclKind::kCalendar:
          Calendar(static_cast<const ast::CalendarDecl&>(*d));
          break;
        case DeclKind::kSource:
          Source(static_cast<const ast::SourceDecl&>(*d));
          break;
        case DeclKind::kMetric:
          Metric(static_cast<const ast::MetricDecl&>(*d));
          break;
        case DeclKind::kFn:
          Fn(static_cast<const ast::FnDecl&>(*d));
          break;
        case DeclKind::kGoal:
          Goal(static_cast<const ast::GoalDecl&>(*d));
          break;
        case DeclKind::kRole:
          Role(static_cast<const ast::RoleDecl&>(*d));
          break;
        case DeclKind::kReport:
          Report(static_cast<const ast::ReportDecl&>(*d));
          break;
        default:
          break;
      }
    }
  }

 private:
  /// In a governed package, every metric names its owner and says what it
  /// means (a `description` attribute or a `///` doc comment).
  void Governance() {
    for (const auto& [name, d] : pkg_.decls) {
      if (d->kind != DeclKind::kMetric || d->has_syntax_error) continue;
      const auto& m = static_cast<const ast::MetricDecl&>(*d);
      auto has = [&](const char* key) {
        return std::any_of(m.attrs.begin(), m.attrs.end(), [&](const ast::Attribute& a) { return a.key.name == key; });
      };
      std::vector<std::string> missing;
      if (!has("owner")) missing.push_back("an owner");
      if (!has("description") && m.doc.empty()) missing.push_back("a description");
      if (missing.empty()) continue;
      auto& diag = diags_.Report(
          DiagCode::W0004, m.name.span,
          fmt::format("metric `{}` has no {} in governed package `{}`", name,
                      missing.size() == 2 ? "owner and no description" : missing[0].substr(missing[0].find(' ') + 1),
                      pkg_.name));
      diag.span_label = "ungoverned";
      diag.Help("add `owner \"team\"` and a `///` doc comment (or `description \"...\"`) to the metric");
    }
  }

  /// `dialects postgres, trino`: names of `kpic sql` dialects (E0217 for
  /// another name, with the closest one, or a value that is not a name;
  /// E0213 for one named twice).
  void Dialects(const ast::Attribute& a) {
    std::map<std::string, Span> seen;
    for (const ast::AttrValue* v : DialectValues(a)) {
      bool name = v->kind == ast::AttrValue::Kind::kName || v->kind == ast::AttrValue::Kind::kString;
      ast::Ident id{name ? v->text : std::string(), v->span};
      if (!name || v->text.empty()) {
        diags_.Report(DiagCode::E0217, v->span, "a dialect is a name such as `postgres`")
            .Help(fmt::format("name one or more of: {}", fmt::join(builtins::DialectNames(), ", ")))
            .span_label = "not a dialect";
        continue;
      }
      if (!CheckOptionCode(id, builtins::DialectNames(), DiagCode::E0217, "SQL dialect")) continue;
      auto [it, fresh] = seen.emplace(v->text, v->span);
      if (!fresh)
        diags_.Report(DiagCode::E0213, v->span, fmt::format("dialect `{}` is named twice", v->text))
            .Label(it->second, "first named here")
            .span_label = "duplicate";
    }
  }

  // ---- lookup -------------------------------------------------------------

  /// Finds `name` as seen from this package. Reports E0205 at `at` when two
  /// imports provide it and the package itself does not.
  const Decl* Lookup(const std::string& name, Span at) {
    std::vector<std::pair<std::string, const Decl*>> found;
    const Decl* d = Scope(catalog_, &pkg_).Lookup(name, &found);
    if (found.size() > 1) {
      bool all_same_metric = true;
      for (auto& f : found) all_same_metric &= f.second->kind == DeclKind::kMetric;
      if (!all_same_metric) {
        auto& diag =
            diags_.Report(DiagCode::E0205, at,
                          fmt::format("`{}` is defined in both `{}` and `{}`", name, found[0].first, found[1].first));
        diag.span_label = "ambiguous";
        diag.Label(found[0].second->name.span, fmt::format("defined in `{}`", found[0].first));
        diag.Label(found[1].second->name.span, fmt::format("defined in `{}`", found[1].first));
        diag.Help(fmt::format("qualify the name, for example `{}.{}`", Short(found[0].first), name));
      }
    }
    return d;
  }

  static std::string Short(const std::string& pkg) {
    auto dot = pkg.rfind('.');
    return dot == std::string::npos ? pkg : pkg.substr(dot + 1);
  }

  /// Every name visible from the package (of the kinds `filter` accepts),
  /// sorted; the names outside function bodies are computed once per filter.
  std::vector<std::string> VisibleNames(bool (*filter)(DeclKind)) const {
    auto [it, fresh] = visible_.try_emplace(filter);
    std::vector<std::string>& base = it->second;
    if (fresh) {
      for (const auto& [n, d] : pkg_.decls)
        if (!filter || filter(d->kind)) base.push_back(n);
      for (const std::string& imp : pkg_.imported) {
        if (const Package* p = catalog_.FindPackage(imp))
          for (const auto& [n, d] : p->decls)
            if (!filter || filter(d->kind)) base.push_back(n);
      }
      if (!filter || filter(DeclKind::kMetric))
        for (const auto& [n, home] : catalog_.metric_home) base.push_back(n);
      std::sort(base.begin(), base.end());
      base.erase(std::unique(base.begin(), base.end()), base.end());
    }
    if (locals_.empty()) return base;
    std::vector<std::string> locals(locals_.begin(), locals_.end()), out;
    std::sort(locals.begin(), locals.end());
    std::merge(base.begin(), base.end(), locals.begin(), locals.end(), std::back_inserter(out));
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  mutable std::map<bool (*)(DeclKind), std::vector<std::string>> visible_;

  void SuggestInto(Diagnostic& d, const std::string& name, const std::vector<std::string>& candidates, Span at,
                   const char* what = "a name") {
    if (auto s = Suggest(name, candidates)) {
      if (std::string_view(what) == "a name")
        d.Help(fmt::format("did you mean `{}`?", *s));
      else
        d.Help(fmt::format("{} with a similar name exists: `{}`", what, *s));
      d.WithFix(at, *s, fmt::format("replace with `{}`", *s));
    }
  }

  /// Reports an unknown value in a closed vocabulary (grains, severities...).
  bool CheckOption(const ast::Ident& id, const std::vector<std::string>& allowed, const char* what) {
    if (id.name.empty() || Contains(allowed, id.name)) return true;
    auto& d = diags_.Report(DiagCode::E0212, id.span, fmt::format("unknown {} `{}`", what, id.name));
    d.span_label = fmt::format("not a {}", what);
    d.HelpClosest(id.name, id.span, allowed);
    return false;
  }

  const ast::SourceDecl* FindSource(const ast::Ident& id, bool report) {
    const Decl* d = Lookup(id.name, id.span);
    if (d && d->kind == DeclKind::kSource) return static_cast<const ast::SourceDecl*>(d);
    if (report && !id.name.empty()) {
      auto& diag = diags_.Report(
          DiagCode::E0209, id.span,
          d ? fmt::format("`{}` is {} {}, not a source", id.name, Article(d->kind), ast::DeclKindName(d->kind))
            : fmt::format("unknown source `{}`", id.name));
      diag.span_label = "expected a source";
      if (!d && !diag.dropped)
        SuggestInto(diag, id.name, VisibleNames([](DeclKind k) { return k == DeclKind::kSource; }), id.span,
                    "a source");
    }
    return nullptr;
  }

  void ExpectKind(const ast::Ident& id, DeclKind kind, DiagCode code, const char* what,
                  const std::vector<std::string>& also = {}, const char* suggest_as = nullptr) {
    if (id.name.empty()) return;
    const Decl* d = Lookup(id.name, id.span);
    if (d && d->kind == kind) return;
    auto& diag = diags_.Report(code, id.span,
                               d ? fmt::format("`{}` is {} {}, not {} {}", id.name, Article(d->kind),
                                               ast::DeclKindName(d->kind), Article(kind), what)
                                 : fmt::format("unknown {} `{}`", what, id.name));
    diag.span_label = fmt::format("expected {} {}", Article(kind), what);
    if (!d && !diag.dropped) {
      std::vector<std::string> cands;
      for (const auto& n : VisibleNames(nullptr)) {
        const Decl* c = Lookup(n, id.span);
        if (c && c->kind == kind) cands.push_back(n);
      }
      cands.insert(cands.end(), also.begin(), also.end());
      SuggestInto(diag, id.name, cands, id.span,
                  suggest_as ? suggest_as : fmt::format("{} {}", Article(kind), what).c_str());
    }
  }

  /// `all` is a grain where the breakdown may be the whole data at once
  /// (an expectation's `by`).
  void ExpectDimensionOrGrain(const ast::Ident& id, bool all = false) {
    if (Contains(GrainNames(), id.name) || (all && id.name == "all")) return;
    // `by mnth`: a misspelt grain is suggested as well as a dimension.
    std::vector<std::string> grains = GrainNames();
    if (all) grains.push_back("all");
    ExpectKind(id, DeclKind::kDimension, DiagCode::E0208, "dimension", grains, "a dimension or grain");
  }

  // ---- expressions ---------------------------------------------------------

  static bool FlattenPath(const Expr& e, std::vector<const ast::Ident*>* out) { return Scope::FlattenPath(e, out); }

  /// `forecast.FIELD`: a goal's outlook, read only in its alerts.
  void ForecastPath(const std::vector<const ast::Ident*>& path) {
    const ast::Ident& first = *path[0];
    std::vector<std::string> fields(std::begin(ir::kForecastFields), std::end(ir::kForecastFields));
    if (!in_alert_) {
      diags_
          .Report(DiagCode::E0220, first.span,
                  "`forecast` is read only in a goal's alert, where it is the goal's forecast at the end of its period")
          .Help("use it in an alert, e.g. `alert \"at risk\" when forecast.probability < 50%`")
          .span_label = "not in an alert";
      return;
    }
    if (path.size() != 2) {
      auto& d = diags_.Report(DiagCode::E0220, first.span,
                              fmt::format("`forecast` needs one field: {}", fmt::join(fields, ", ")));
      d.Help("e.g. `forecast.probability < 50%` or `forecast.value < sales.target`").span_label = "which field?";
      return;
    }
    const ast::Ident& f = *path[1];
    if (std::find(fields.begin(), fields.end(), f.name) != fields.end()) return;
    auto& d = diags_.Report(DiagCode::E0220, f.span,
                            fmt::format("`forecast` has no field `{}`; it has {}", f.name, fmt::join(fields, ", ")));
    d.span_label = "unknown field";
    if (!d.dropped) SuggestInto(d, f.name, fields, f.span);
  }

  void UnknownName(const ast::Ident& id) {
    auto& d = diags_.Report(DiagCode::E0201, id.span, fmt::format("unknown name `{}`", id.name));
    d.span_label = "not defined";
    if (d.dropped) return;
    if (!locals_.empty()) {
      SuggestInto(d, id.name, VisibleNames(nullptr), id.span);
      return;
    }
    // Outside a function the visible names are the package's: one search
    // per unknown name (a generated package repeats one typo thousands of
    // times, against a list of as many names).
    auto [it, fresh] = unknown_suggestions_.try_emplace(id.name);
    if (fresh) it->second = Suggest(id.name, VisibleNames(nullptr));
    std::optional<std::string> near = it->second;
    if (near && defining_ && *near == *defining_) {
      // Never the metric being defined: that would read itself (`metric
      // 销售额2 = 销售额x` suggested `销售额2`: probe, 2026-12-06).
      std::vector<std::string> names = VisibleNames(nullptr);
      names.erase(std::remove(names.begin(), names.end(), *defining_), names.end());
      near = Suggest(id.name, names);
    }
    if (near) {
      d.Help(fmt::format("did you mean `{}`?", *near));
      d.WithFix(id.span, *near, fmt::format("replace with `{}`", *near));
    }
  }
  std::map<std::string, std::optional<std::string>> unknown_suggestions_;
  const std::string* defining_ = nullptr;  ///< the metric whose formula is being resolved

  void ColumnMember(const ast::SourceDecl& src, const std::vector<const ast::Ident*>& path, size_t i) {
    const ast::SourceDecl* cur = &src;
    for (; i < path.size(); ++i) {
      const ast::Ident& part = *path[i];
      const ast::Column* col = nullptr;
      for (const auto& c : cur->columns)
        if (c.name.name == part.name) col = &c;
      if (!col) {
        auto& d = diags_.Report(DiagCode::E0206, part.span,
                                fmt::format("unknown column `{}` in source `{}`", part.name, cur->name.name));
        d.span_label = fmt::format("not a column of `{}`", cur->name.name);
        std::vector<std::string> cols;
        for (const auto& c : cur->columns) cols.push_back(c.name.name);
        SuggestInto(d, part.name, cols, part.span, "a column");
        return;
      }
      if (i + 1 < path.size()) {
        // Only a column that references another source can be followed.
        if (!col->references) {
          diags_
              .Report(DiagCode::E0206, path[i + 1]->span,
                      fmt::format("column `{}.{}` does not reference another source, so it has no column `{}`",
                                  cur->name.name, col->name.name, path[i + 1]->name))
              .Help("declare the lookup on the column: `references SOURCE`")
              .span_label = "no such column";
          return;
        }
        ast::Ident target = col->references->parts.empty() ? ast::Ident{} : col->references->parts.back();
        const Decl* d = Lookup(target.name, target.span);
        if (!d || d->kind != DeclKind::kSource) return;  // reported at the column
        cur = static_cast<const ast::SourceDecl*>(d);
      }
    }
  }

  /// Resolves a dotted path. `callee` is true when the path is called.
  void Path(const std::vector<const ast::Ident*>& path, bool callee, size_t call_args) {
    const ast::Ident& first = *path[0];
    if (locals_.count(first.name)) {
      if (callee && path.size() == 1) {
        // `x(1)` of a parameter: no type and no word, so that a goal's
        // target or alert reading it was dropped with `check` clean
        // (review, 2026-12-07).
        diags_
            .Report(DiagCode::E0207, first.span,
                    fmt::format("`{}` is a parameter, not a function", first.name))
            .span_label = "cannot be called";
        return;
      }
      // A function's parameters are metrics: they take period operators.
      if (path.size() > 1 && in_fn_) {
        MetricMemberPath(path, 1, callee, call_args);
        return;
      }
      if (path.size() > 1)
        diags_
            .Report(DiagCode::E0201, path[1]->span,
                    fmt::format("`{}` is a parameter; it has no member `{}`", first.name, path[1]->name))
            .span_label = "no such member";
      return;
    }
    if (first.name == "forecast") {
      // In a goal's alert, `forecast.FIELD` is the goal's forecast even when
      // something is declared `forecast` (reached there as `PACKAGE.forecast`).
      bool field = in_alert_ && path.size() == 2 &&
                   std::find(std::begin(ir::kForecastFields), std::end(ir::kForecastFields), path[1]->name) !=
                       std::end(ir::kForecastFields);
      const Decl* declared = Lookup(first.name, first.span);
      if (field && declared) {
        auto& d = diags_.Report(DiagCode::W0008, first.span,
                                fmt::format("`forecast.{}` here is the goal's forecast, not {} `forecast`",
                                            path[1]->name, ast::DeclKindName(declared->kind)));
        d.span_label = "the goal's forecast";
        d.Label(declared->name.span, "also declared here");
        d.Help(fmt::format("to read the declared `forecast` in an alert, qualify it: `{}.forecast`; or rename it",
                           pkg_.name.empty() ? "PACKAGE" : pkg_.name));
      }
      if (field || !declared) {
        ForecastPath(path);
        return;
      }
    }
    // Package-qualified: the longest prefix that names a package.
    const Package* qualified = nullptr;
    size_t next = 0;
    {
      std::string prefix;
      for (size_t i = 0; i + 1 < path.size(); ++i) {
        prefix += (i ? "." : "") + path[i]->name;
        if (i == 0) {
          auto alias = pkg_.aliases.find(prefix);
          if (alias != pkg_.aliases.end() && !pkg_.decls.count(prefix)) {
            qualified = catalog_.FindPackage(alias->second);
            next = 1;
            continue;
          }
        }
        if (const Package* p = catalog_.FindPackage(prefix); p && !pkg_.decls.count(path[0]->name)) {
          if (!pkg_.imported.count(prefix) && prefix != pkg_.name) {
            Span span{first.span.file, first.span.begin, path[i]->span.end};
            diags_.Report(DiagCode::E0203, span, fmt::format("package `{}` is not imported", prefix))
                .Help(fmt::format("add `import {}` at the top of the file", prefix))
                .span_label = "used here";
            return;
          }
          qualified = p;
          next = i + 1;
        }
      }
    }
    const Decl* decl = nullptr;
    if (qualified) {
      const ast::Ident& name = *path[next];
      auto it = qualified->decls.find(name.name);
      if (it == qualified->decls.end()) {
        auto& d = diags_.Report(callee && next + 1 == path.size() ? DiagCode::E0207 : DiagCode::E0201, name.span,
                                fmt::format("package `{}` has no {} `{}`", qualified->name,
                                            callee && next + 1 == path.size() ? "function" : "declaration", name.name));
        d.span_label = "not found";
        std::vector<std::string> cands;
        for (const auto& [n, x] : qualified->decls) cands.push_back(n);
        SuggestInto(d, name.name, cands, name.span);
        return;
      }
      decl = it->second;
      ++next;
    } else {
      decl = Lookup(first.name, first.span);
      next = 1;
      if (!decl) {
        if (callee && path.size() == 1) {
          UnknownFunction(first);
        } else {
          UnknownName(first);
        }
        return;
      }
    }
    if (next == path.size()) {
      if (callee && decl->kind != DeclKind::kFn) {
        diags_
            .Report(DiagCode::E0207, path.back()->span,
                    fmt::format("`{}` is {} {}, not a function", decl->name.name, Article(decl->kind),
                                ast::DeclKindName(decl->kind)))
            .span_label = "cannot be called";
      }
      if (callee && decl->kind == DeclKind::kFn) {
        CheckFnArity(static_cast<const ast::FnDecl&>(*decl), *path.back(), call_args);
      }
      return;
    }
    switch (decl->kind) {
      case DeclKind::kSource:
        if (callee) {
          diags_.Report(DiagCode::E0207, path.back()->span, "a column cannot be called").span_label = "not a function";
          return;
        }
        ColumnMember(static_cast<const ast::SourceDecl&>(*decl), path, next);
        return;
      case DeclKind::kMetric:
        MetricMemberPath(path, next, callee, call_args);
        return;
      default:
        diags_
            .Report(DiagCode::E0201, path[next]->span,
                    fmt::format("`{}` is {} {}; it has no member `{}`", decl->name.name, Article(decl->kind),
                                ast::DeclKindName(decl->kind), path[next]->name))
            .span_label = "no such member";
    }
  }

  /// Whether all parts but the last name an imported package or alias.
  bool NamesPackage(const std::vector<const ast::Ident*>& path) const {
    std::string prefix;
    for (size_t i = 0; i + 1 < path.size(); ++i) prefix += (i ? "." : "") + path[i]->name;
    if (pkg_.decls.count(path[0]->name) || locals_.count(path[0]->name)) return false;
    return catalog_.FindPackage(prefix) != nullptr || (path.size() == 2 && pkg_.aliases.count(prefix));
  }

  void MetricMemberPath(const std::vector<const ast::Ident*>& path, size_t i, bool callee, size_t call_args) {
    for (; i < path.size(); ++i) {
      const ast::Ident& m = *path[i];
      bool last = i + 1 == path.size();
      if (last && callee) {
        const Builtin* method = FindMethod(m.name);
        if (!method) {
          std::vector<std::string> names = builtins::MethodNames();
          auto& d = diags_.Report(DiagCode::E0207, m.span, fmt::format("unknown metric method `{}`", m.name));
          d.span_label = "not a method of metrics";
          SuggestInto(d, m.name, names, m.span, "a method");
          return;
        }
        CheckArity(*method, m, call_args);
        return;
      }
      if (!builtins::FindMember(m.name)) {
        auto& d = diags_.Report(DiagCode::E0201, m.span, fmt::format("unknown period operator `.{}`", m.name));
        d.span_label = "not a member of metrics";
        std::vector<std::string> names = builtins::MemberNames();
        for (const auto& n : builtins::MethodNames()) names.push_back(n);
        SuggestInto(d, m.name, names, m.span, "an operator");
        return;
      }
    }
  }

  void UnknownFunction(const ast::Ident& id) {
    auto& d = diags_.Report(DiagCode::E0207, id.span, fmt::format("unknown function `{}`", id.name));
    d.span_label = "not a function";
    if (d.dropped) return;
    std::vector<std::string> names = builtins::FunctionNames();
    for (const auto& n : VisibleNames([](DeclKind k) { return k == DeclKind::kFn; })) names.push_back(n);
    SuggestInto(d, id.name, names, id.span, "a function");
  }

  void CheckArity(const Builtin& b, const ast::Ident& at, size_t n) {
    if (static_cast<int>(n) >= b.min_args && (b.max_args < 0 || static_cast<int>(n) <= b.max_args)) return;
    std::string expected = b.max_args < 0             ? fmt::format("at least {}", b.min_args)
                           : b.min_args == b.max_args ? fmt::format("{}", b.min_args)
                                                      : fmt::format("{} to {}", b.min_args, b.max_args);
    diags_
        .Report(DiagCode::E0301, at.span,
                fmt::format("`{}` takes {} argument{}, but {} {} given", b.name, expected,
                            b.max_args == 1 && b.min_args == 1 ? "" : "s", n, n == 1 ? "was" : "were"))
        .Note(fmt::format("`{}`: {}", b.name, b.summary))
        .span_label = "wrong number of arguments";
  }

  void CheckFnArity(const ast::FnDecl& fn, const ast::Ident& at, size_t n) {
    if (n == fn.params.size()) return;
    diags_
        .Report(DiagCode::E0301, at.span,
                fmt::format("function `{}` takes {} argument{}, but {} {} given", fn.name.name, fn.params.size(),
                            fn.params.size() == 1 ? "" : "s", n, n == 1 ? "was" : "were"))
        .Label(fn.name.span, "defined here")
        .span_label = "wrong number of arguments";
  }

  void SymbolArg(const ast::Arg& a, ArgKind kind) {
    const Expr* v = a.value.get();
    if (!v) return;
    switch (kind) {
      case ArgKind::kGrain:
      case ArgKind::kPeriod:
        if (v->kind == ExprKind::kName) {
          CheckOption(v->name, kind == ArgKind::kGrain ? GrainNames() : PeriodNames(),
                      kind == ArgKind::kGrain ? "grain" : "period");
          return;
        }
        break;
      case ArgKind::kCurrency:
        if (v->kind == ExprKind::kName) return;  // units are checked by the type checker
        break;
      case ArgKind::kSource:
        if (v->kind == ExprKind::kName) {
          FindSource(v->name, true);
          return;
        }
        break;
      case ArgKind::kDuration:
        if (v->kind == ExprKind::kNumber && v->unit) {
          CheckOption(*v->unit, kDurationUnits, "duration unit");
          return;
        }
        break;
      case ArgKind::kSourceOrExpr:
        if (v->kind == ExprKind::kName && Lookup(v->name.name, v->name.span) &&
            Lookup(v->name.name, v->name.span)->kind == DeclKind::kSource)
          return;
        Resolve(*v);
        return;
      case ArgKind::kExpr:
      case ArgKind::kConstant:
        Resolve(*v);
        return;
    }
    const char* what = kind == ArgKind::kGrain      ? "a grain such as `month`"
                       : kind == ArgKind::kPeriod   ? "a period such as `last_year` or `month`"
                       : kind == ArgKind::kCurrency ? "a currency such as `USD`"
                       : kind == ArgKind::kSource   ? "a source name"
                                                    : "a duration such as `3 months`";
    diags_.Report(DiagCode::E0107, v->span, fmt::format("expected {} here", what)).span_label = "not allowed here";
  }

  void Call(const Expr& e) {
    const Expr* callee = e.lhs.get();
    if (!callee) return;
    const Builtin* builtin = nullptr;
    std::vector<const ast::Ident*> path;
    if (callee->kind == ExprKind::kName && !locals_.count(callee->name.name) && !pkg_.decls.count(callee->name.name) &&
        (builtin = builtins::FindFunction(callee->name.name))) {
      CheckArity(*builtin, callee->name, e.args.size());
    } else if (FlattenPath(*callee, &path)) {
      Path(path, true, e.args.size());
      // Methods on metrics take symbolic arguments; a package's function
      // that happens to share a method's name (`std.kpi.change`) does not.
      if (path.size() >= 2 && !NamesPackage(path)) {
        if (const Builtin* m = FindMethod(path.back()->name)) builtin = m;
      }
    } else if (callee->kind == ExprKind::kMember && callee->lhs) {
      // `(a / b).rolling(3 months)`: a method on a computed metric.
      Resolve(*callee->lhs);
      builtin = FindMethod(callee->name.name);
      if (!builtin) {
        std::vector<std::string> names = builtins::MethodNames();
        auto& d = diags_.Report(DiagCode::E0207, callee->name.span,
                                fmt::format("unknown metric method `{}`", callee->name.name));
        d.span_label = "not a method of metrics";
        SuggestInto(d, callee->name.name, names, callee->name.span, "a method");
      } else {
        CheckArity(*builtin, callee->name, e.args.size());
      }
    } else {
      diags_.Report(DiagCode::E0207, callee->span, "this expression cannot be called").span_label = "not a function";
    }
    for (size_t i = 0; i < e.args.size(); ++i) {
      const ast::Arg& a = e.args[i];
      if (a.name && builtin) {
        diags_.Report(DiagCode::E0212, a.name->span, fmt::format("`{}` takes no named arguments", builtin->name))
            .span_label = "remove the name";
      }
      if (builtin) {
        SymbolArg(a, KindOfArg(*builtin, i));
      } else if (a.value) {
        Resolve(*a.value);
      }
      for (const ast::Ident& by : a.by) ExpectDimensionOrGrain(by);
    }
  }

  void Resolve(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kName: {
        if (locals_.count(e.name.name)) return;
        std::vector<const ast::Ident*> path{&e.name};
        Path(path, false, 0);
        return;
      }
      case ExprKind::kMember: {
        std::vector<const ast::Ident*> path;
        if (FlattenPath(e, &path)) {
          Path(path, false, 0);
          return;
        }
        if (e.lhs) Resolve(*e.lhs);
        if (!builtins::FindMember(e.name.name)) {
          auto& d =
              diags_.Report(DiagCode::E0201, e.name.span, fmt::format("unknown period operator `.{}`", e.name.name));
          d.span_label = "not a member of metrics";
          SuggestInto(d, e.name.name, builtins::MemberNames(), e.name.span, "an operator");
        }
        return;
      }
      case ExprKind::kCall:
        Call(e);
        return;
      case ExprKind::kUnary:
      case ExprKind::kParen:
      case ExprKind::kIsNull:
        if (e.lhs) Resolve(*e.lhs);
        return;
      case ExprKind::kBinary:
      case ExprKind::kWhere:
        if (e.lhs) Resolve(*e.lhs);
        if (e.rhs) Resolve(*e.rhs);
        return;
      case ExprKind::kIn:
        if (e.lhs) Resolve(*e.lhs);
        for (const auto& i : e.items)
          if (i) Resolve(*i);
        return;
      default:
        return;
    }
  }

  void ResolveOpt(const ast::ExprPtr& e) {
    if (e) Resolve(*e);
  }

  // ---- declarations --------------------------------------------------------

  void CheckAttrs(const std::vector<ast::Attribute>& attrs, const std::vector<std::string>* allowed, const char* what) {
    std::map<std::string, const ast::Attribute*> seen;
    for (const ast::Attribute& a : attrs) {
      if (allowed && !CheckOption(a.key, *allowed, what)) continue;
      if (!a.lang.empty() && a.key.name != "label") {
        // `owner.en` in a block: only a label is written per language.
        diags_.Report(DiagCode::E0212, a.key.span, fmt::format("unknown {} `{}.{}`", what, a.key.name, a.lang))
            .Help(fmt::format("only `label` takes a language (`label.{} \"...\"`); write `{}` alone", a.lang,
                              a.key.name))
            .span_label = fmt::format("not a {}", what);
        continue;
      }
      std::string key = a.key.name + (a.lang.empty() ? "" : "." + a.lang);
      auto [it, inserted] = seen.emplace(key, &a);
      if (!inserted && a.key.name != "tags") {
        diags_.Report(DiagCode::E0213, a.key.span, fmt::format("`{}` is given twice", key))
            .Label(it->second->key.span, "first given here")
            .span_label = "duplicate";
      }
      if (a.key.name == "format" && !a.values.empty()) {
        std::string why;
        if (!ParseNumberFormat(a.values[0].text, &why))
          diags_
              .Report(DiagCode::E0309, a.values[0].span,
                      fmt::format("`format \"{}\"` is not a number pattern: {}", a.values[0].text, why))
              .Help("patterns are like \"#,##0.00\", \"¥#,##0\", \"0.0%\" or \"#,##0 元\" (docs/language.md, "
                    "\"Formats\")")
              .span_label = "not a pattern";
      }
    }
  }

  void CheckType(const ast::TypeRef& t) {
    if (t.name.name.empty() || Contains(ColumnTypeNames(), t.name.name)) return;
    auto& d = diags_.Report(DiagCode::E0214, t.name.span, fmt::format("unknown type `{}`", t.name.name));
    d.span_label = "not a type";
    if (auto s = Suggest(t.name.name, ColumnTypeNames())) {
      d.Help(fmt::format("did you mean `{}`?", *s));
      d.WithFix(t.name.span, *s, fmt::format("replace with `{}`", *s));
    } else {
      d.Help(fmt::format("the types are: {}", fmt::join(ColumnTypeNames(), ", ")));
    }
  }

  void Dimension(const ast::DimensionDecl& d) {
    if (d.type) CheckType(*d.type);
    // A dimension is a key of each output row (JSON, CSV, SQL): one named
    // `value`, `period` or `partial` overwrote the row's own, and verify
    // still said the numbers stood (engine probe, 2026-12-06).
    static const std::set<std::string> kReserved = {"period", "value",    "partial", "span", "lo80",
                                                    "hi80",   "lo95",     "hi95",    "forecast"};
    if (kReserved.count(d.name.name)) {
      auto& diag = diags_.Report(DiagCode::E0221, d.name.span,
                                 fmt::format("a dimension cannot be named `{}`: each output row has a `{}` of its own",
                                             d.name.name, d.name.name));
      diag.span_label = "reserved";
      diag.Help(fmt::format("name it for what it is (`{}_name`, `{}_code`), and keep its label for people",
                            d.name.name, d.name.name));
    }
    CheckAttrs(d.attrs, &kDimensionSettings, "dimension setting");
    for (const ast::Attribute& a : d.attrs)
      if (a.key.name == "label" && a.lang.empty() && !a.values.empty() && d.label && *d.label != a.values[0].text)
        diags_.Report(DiagCode::E0213, a.key.span, "`label` is given twice")
            .Help(fmt::format("dimension `{}` is labelled \"{}\" after its name: keep one", d.name.name, *d.label))
            .span_label = "duplicate";
  }

  void Calendar(const ast::CalendarDecl& c) {
    CheckAttrs(c.attrs, &kCalendarSettings, "calendar setting");
    for (const ast::Attribute& a : c.attrs) {
      if (a.key.name == "time_zone" && !a.values.empty()) {
        std::string error;
        if (!rt::TimeZone::Load(a.values[0].text, &error)) {
          diags_.Report(DiagCode::E0212, a.values[0].span,
                        fmt::format("unknown time zone `{}`: {}", a.values[0].text, error))
              .Help("use an IANA name such as \"Asia/Shanghai\", \"UTC\", or a fixed offset such as \"+08:00\"")
              .span_label = "not a time zone";
        }
      }
      if (a.key.name == "week_start" && !a.values.empty()) {
        const ast::AttrValue& v = a.values[0];
        ast::Ident id{v.text, v.span};
        CheckOption(id, kWeekdays, "weekday");
      }
      if (a.key.name == "pattern" && !a.values.empty()) RetailPattern(a.values[0]);
      if (a.key.name == "fiscal_year_start" && !a.values.empty()) {
        const ast::AttrValue& v = a.values[0];
        char* end = nullptr;
        long month = std::strtol(v.text.c_str(), &end, 10);
        if (v.kind != ast::AttrValue::Kind::kNumber || end == v.text.c_str() || *end || month < 1 || month > 12)
          diags_.Report(DiagCode::E0218, v.span, fmt::format("`fiscal_year_start` is a month from 1 to 12, not `{}`", v.text))
              .Help("e.g. `fiscal_year_start 2` for a year starting in February (the NRF retail calendar)")
              .span_label = "not a month";
      }
    }
  }

  /// `pattern "4-5-4"`: the weeks of a retail quarter's months (E0218).
  void RetailPattern(const ast::AttrValue& v) {
    if (v.kind == ast::AttrValue::Kind::kString && Contains(kRetailPatterns, v.text)) return;
    auto& d = diags_.Report(DiagCode::E0218, v.span, fmt::format("unknown retail calendar pattern `{}`", v.text));
    d.span_label = "not a pattern";
    auto s = Suggest(v.text, kRetailPatterns);
    if (s && v.kind == ast::AttrValue::Kind::kString) {
      d.Help(fmt::format("did you mean `\"{}\"`? the months of each 13-week quarter have 4-4-5, 4-5-4 or 5-4-4 weeks", *s));
      d.WithFix(v.span, fmt::format("\"{}\"", *s), fmt::format("replace with `\"{}\"`", *s));
    } else {
      d.Help("a retail pattern is one of \"4-4-5\", \"4-5-4\" or \"5-4-4\": the weeks of the months of each "
             "13-week quarter");
    }
  }

  /// The values of CSV options: a date format the reader understands, one
  /// character for a delimiter or quote, true or false for a header.
  void CsvOptionValue(const ast::Ident& key, const ast::AttrValue& v) {
    const std::string& text = v.text;
    auto bad = [&](std::string message, std::string help) {
      diags_.Report(DiagCode::E0309, v.span, std::move(message)).Help(std::move(help)).span_label = "not understood";
    };
    if (key.name == "date_format") {
      std::map<char, int> seen;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') continue;
        char f = i + 1 < text.size() ? text[i + 1] : '\0';
        if (f != 'Y' && f != 'm' && f != 'd') {
          bad(fmt::format("`%{}` is not a date field in `date_format \"{}\"`", f ? std::string(1, f) : "", text),
              "a date format has %Y (four-digit year), %m (month) and %d (day), each once, between literal "
              "characters, e.g. \"%d/%m/%Y\"");
          return;
        }
        ++seen[f];
        ++i;
      }
      if (seen['Y'] != 1 || seen['m'] != 1 || seen['d'] != 1)
        bad(fmt::format("`date_format \"{}\"` needs %Y, %m and %d exactly once each", text),
            "e.g. \"%Y-%m-%d\", \"%d/%m/%Y\" or \"%m/%d/%Y\"");
    } else if (key.name == "delimiter" || key.name == "quote") {
      if (!(text.size() == 1 || (key.name == "delimiter" && (text == "\\t" || text == "\t"))))
        bad(fmt::format("`{}` must be one character, not `{}`", key.name, text),
            key.name == "delimiter" ? "e.g. \";\", \"|\" or \"\\t\" for a tab" : "e.g. \"'\"");
    } else if (key.name == "header") {
      if (text != "true" && text != "false")
        bad(fmt::format("`header` is true or false, not `{}`", text), "false reads the columns by position");
    }
  }

  void Source(const ast::SourceDecl& s) {
    if (s.binding) {
      const ast::Binding& b = *s.binding;
      if (CheckOptionCode(b.kind, kBindingKinds, DiagCode::E0216, "data binding kind")) {
        const auto& options = b.kind.name == "csv"       ? kCsvOptions
                              : b.kind.name == "parquet" ? kParquetOptions
                                                         : kDbOptions;
        for (const ast::BindingArg& a : b.args) {
          if (!a.name) continue;
          if (CheckOption(*a.name, options, fmt::format("{} option", b.kind.name).c_str()) && b.kind.name == "csv")
            CsvOptionValue(*a.name, a.value);
        }
      }
    }
    std::map<std::string, const ast::Column*> seen, read;
    const ast::Column* time_col = nullptr;
    for (const ast::Column& c : s.columns) {
      auto [it, inserted] = seen.emplace(c.name.name, &c);
      if (!inserted) {
        diags_
            .Report(DiagCode::E0213, c.name.span,
                    fmt::format("column `{}` is declared twice in source `{}`", c.name.name, s.name.name))
            .Label(it->second->name.span, "first declared here")
            .span_label = "duplicate column";
      } else if (auto [at, first] = read.emplace(c.header.value_or(c.name.name), &c); !first) {
        // One header read as two columns: the readers fill one column per
        // header, and the other was left as garbage (governance probe,
        // 2026-12-07: 64 trillion for 150.00).
        const ast::Column& other = *at->second;
        diags_
            .Report(DiagCode::E0213, c.header ? c.header_span : c.name.span,
                    fmt::format("columns `{}` and `{}` of source `{}` both read the header `{}`", other.name.name,
                                c.name.name, s.name.name, at->first))
            .Label(other.header ? other.header_span : other.name.span,
                   fmt::format("`{}` reads it already", other.name.name))
            .Help("each column reads a header of its own: correct the header of one of them, or keep one "
                  "column and use it where the other is used")
            .span_label = "read twice";
      }
      CheckType(c.type);
      if (c.time) {
        if (time_col) {
          diags_.Report(DiagCode::E0213, c.name.span, fmt::format("source `{}` has two time columns", s.name.name))
              .Label(time_col->name.span, "the time axis is already this column")
              .Help("a source has one time axis; remove `time` from one of the columns")
              .span_label = "second time column";
        }
        time_col = &c;
      }
      if (c.dimension) ExpectKind(*c.dimension, DeclKind::kDimension, DiagCode::E0208, "dimension");
      if (c.references && !c.references->parts.empty()) {
        const ast::Ident& target = c.references->parts.back();
        ast::Ident whole{c.references->Joined(), c.references->span};
        if (c.references->parts.size() == 1) {
          if (const ast::SourceDecl* t = FindSource(target, true)) CheckLookup(s, c, *t);
        } else {
          std::vector<const ast::Ident*> path;
          for (const auto& p : c.references->parts) path.push_back(&p);
          Path(path, false, 0);
        }
      }
      if (c.rollup) CheckOption(*c.rollup, kRollups, "roll-up");
    }
  }

  /// A lookup joins many-to-one: the referenced source must have exactly one
  /// key column, of the referencing column's type; otherwise rows could fan
  /// out and be counted twice.
  void CheckLookup(const ast::SourceDecl& from, const ast::Column& c, const ast::SourceDecl& to) {
    std::vector<const ast::Column*> keys;
    for (const ast::Column& k : to.columns)
      if (k.key) keys.push_back(&k);
    if (keys.size() != 1) {
      auto& d = diags_.Report(DiagCode::E0408, c.references->span,
                              keys.empty() ? fmt::format("`{}.{}` references `{}`, which declares no `key` column",
                                                         from.name.name, c.name.name, to.name.name)
                                           : fmt::format("`{}.{}` references `{}`, which has {} key columns",
                                                         from.name.name, c.name.name, to.name.name, keys.size()));
      d.span_label = "could fan out";
      d.Help(
          fmt::format("mark the one column of `{}` that identifies a row with `key`, so that each row of `{}` "
                      "matches at most one row",
                      to.name.name, from.name.name));
      return;
    }
    const ast::Column& k = *keys[0];
    bool same = k.type.name.name == c.type.name.name && k.type.scale == c.type.scale;
    if (!same) {
      diags_
          .Report(DiagCode::E0408, c.type.span,
                  fmt::format("`{}.{}` is `{}` but the key `{}.{}` it references is `{}`", from.name.name, c.name.name,
                              c.type.name.name, to.name.name, k.name.name, k.type.name.name))
          .Label(k.type.span, "the key's type")
          .span_label = "types differ";
    }
  }

  bool CheckOptionCode(const ast::Ident& id, const std::vector<std::string>& allowed, DiagCode code, const char* what) {
    if (id.name.empty() || Contains(allowed, id.name)) return true;
    auto& d = diags_.Report(code, id.span, fmt::format("unknown {} `{}`", what, id.name));
    d.span_label = "not supported";
    d.HelpClosest(id.name, id.span, allowed);
    return false;
  }

  void Metric(const ast::MetricDecl& m) {
    defining_ = &m.name.name;
    ResolveOpt(m.expr);
    defining_ = nullptr;
    CheckAttrs(m.attrs, nullptr, "attribute");
    CheckGovernance(m.attrs, diags_);
  }

  void Fn(const ast::FnDecl& f) {
    std::map<std::string, const ast::Param*> seen;
    for (const ast::Param& p : f.params) {
      auto [it, inserted] = seen.emplace(p.name.name, &p);
      if (!inserted)
        diags_.Report(DiagCode::E0213, p.name.span, fmt::format("parameter `{}` is declared twice", p.name.name))
            .Label(it->second->name.span, "first declared here")
            .span_label = "duplicate parameter";
      locals_.insert(p.name.name);
    }
    in_fn_ = true;
    ResolveOpt(f.body);
    in_fn_ = false;
    RefuseGovernance(f.attrs, "function", diags_);
    locals_.clear();
  }

  void Goal(const ast::GoalDecl& g) {
    using K = ast::GoalItem::Kind;
    std::map<std::string, const ast::GoalItem*> once;
    for (const ast::GoalItem& it : g.items) {
      const char* single = it.kind == K::kMetric   ? "metric"
                           : it.kind == K::kPeriod ? "period"
                           : it.kind == K::kGrain  ? "grain"
                                                   : nullptr;
      if (single) {
        auto [pos, inserted] = once.emplace(single, &it);
        if (!inserted)
          diags_
              .Report(DiagCode::E0213, it.keyword_span,
                      fmt::format("goal `{}` has two `{}` lines", g.name.name, single))
              .Label(pos->second->keyword_span, "first given here")
              .span_label = "duplicate";
      }
      switch (it.kind) {
        case K::kMetric:
        case K::kTarget:
          ResolveOpt(it.expr);
          break;
        case K::kPeriod:
        case K::kGrain:
          if (it.name) CheckOption(*it.name, GrainNames(), "grain");
          break;
        case K::kDecompose:
          if (it.name) ExpectKind(*it.name, DeclKind::kMetric, DiagCode::E0210, "metric");
          ResolveOpt(it.expr);
          break;
        case K::kDrill:
          for (const ast::Ident& d : it.names) ExpectKind(d, DeclKind::kDimension, DiagCode::E0208, "dimension");
          break;
        case K::kAlert:
          in_alert_ = true;
          ResolveOpt(it.expr);
          in_alert_ = false;
          if (it.severity) CheckOption(*it.severity, kSeverities, "severity");
          break;
        case K::kAttr:
          break;
        case K::kSetting:
          if (!it.attr.key.name.empty() && !Contains(kGoalSettings, it.attr.key.name)) {  // (empty: recovery)
            auto& d = diags_.Report(DiagCode::E0212, it.attr.key.span,
                                    fmt::format("unknown goal item `{}`", it.attr.key.name));
            d.span_label = "not a goal item";
            d.HelpClosest(it.attr.key.name, it.attr.key.span, kGoalItems);
          }
          if (it.attr.key.name == "phasing" && !it.attr.values.empty()) {
            ast::Ident v{it.attr.values[0].text, it.attr.values[0].span};
            CheckOption(v, kPhasings, "phasing");
          }
          if (it.attr.key.name == "allocate" && !it.attr.values.empty()) {
            ast::Ident v{it.attr.values[0].text, it.attr.values[0].span};
            CheckOption(v, kAllocations, "way to allocate");
          }
          break;
      }
    }
    std::vector<ast::Attribute> attrs;
    for (const ast::GoalItem& it : g.items)
      if (it.kind == K::kAttr) attrs.push_back(it.attr);
    CheckAttrs(attrs, nullptr, "attribute");
    RefuseGovernance(attrs, "goal", diags_);
  }

  void Role(const ast::RoleDecl& r) {
    std::map<std::string, const ast::Param*> seen;
    for (const ast::Param& p : r.params) {
      auto [it, inserted] = seen.emplace(p.name.name, &p);
      if (!inserted)
        diags_.Report(DiagCode::E0213, p.name.span, fmt::format("parameter `{}` is declared twice", p.name.name))
            .Label(it->second->name.span, "first declared here")
            .span_label = "duplicate parameter";
      if (p.type) CheckType(*p.type);
      locals_.insert(p.name.name);
    }
    std::map<std::string, const ast::RoleItem*> sources;
    for (const ast::RoleItem& it : r.items) {
      for (const ast::QualifiedName& q : it.hidden) {
        if (q.parts.size() != 2) {
          diags_
              .Report(DiagCode::E0206, q.span,
                      fmt::format("`hide {}` names no column; write `hide SOURCE.COLUMN`", q.Joined()))
              .span_label = "expected `SOURCE.COLUMN`";
          continue;
        }
        if (const ast::SourceDecl* s = FindSource(q.parts[0], true)) ColumnMember(*s, {&q.parts[1]}, 0);
      }
      if (it.source.parts.empty()) continue;
      const ast::Ident& src = it.source.parts.back();
      FindSource(src, true);
      auto [pos, inserted] = sources.emplace(src.name, &it);
      if (!inserted)
        diags_
            .Report(DiagCode::E0213, src.span, fmt::format("role `{}` lists source `{}` twice", r.name.name, src.name))
            .Label(pos->second->source.span, "first listed here")
            .Help("combine the conditions with `and` or `or`")
            .span_label = "duplicate";
      ResolveOpt(it.filter);
    }
    locals_.clear();
  }

  void Report(const ast::ReportDecl& r) {
    using K = ast::ReportItem::Kind;
    for (const ast::ReportItem& it : r.items) {
      switch (it.kind) {
        case K::kGoals:
          for (const auto& n : it.names) ExpectKind(n, DeclKind::kGoal, DiagCode::E0211, "goal");
          break;
        case K::kMetrics:
          for (const auto& n : it.names) ExpectKind(n, DeclKind::kMetric, DiagCode::E0210, "metric");
          break;
        case K::kRole:
          for (const auto& n : it.names) ExpectKind(n, DeclKind::kRole, DiagCode::E0215, "role");
          break;
        case K::kChart:
          ResolveOpt(it.expr);
          for (const auto& b : it.by) ExpectDimensionOrGrain(b);
          if (it.as) CheckOption(*it.as, kChartKinds, "chart kind");
          break;
        case K::kAttr:
          RefuseGovernance({it.attr}, "report", diags_);
          break;
        case K::kSetting:
          CheckOption(it.attr.key, kReportSettings, "report setting");
          break;
      }
    }
  }

  /// `expect ...`: the source and column a source check names, or the
  /// expressions and breakdown of a metric check. Its shape (a column where
  /// one is needed) is the checker's (E0410).
  void Expect(const ast::ExpectDecl& x) {
    using C = ast::ExpectDecl::Check;
    if (x.check == C::kRange || x.check == C::kReconcile) {
      ResolveOpt(x.expr);
      ResolveOpt(x.other);
      for (const auto& b : x.by) ExpectDimensionOrGrain(b, /*all=*/true);
      return;
    }
    if (x.subject.parts.empty() || x.subject.parts.size() > 2) return;
    const ast::SourceDecl* s = FindSource(x.subject.parts[0], true);
    if (s && x.subject.parts.size() == 2) ColumnMember(*s, {&x.subject.parts[1]}, 0);
    if (x.check == C::kFound && x.target.parts.size() == 1) FindSource(x.target.parts[0], true);
  }

  const Catalog& catalog_;
  const Package& pkg_;
  DiagnosticSink& diags_;
  std::set<std::string> locals_;
  bool in_fn_ = false;
  bool in_alert_ = false;  ///< resolving a goal's alert condition (`forecast.FIELD` is known there)
};

}  // namespace

void ResolveNames(const Catalog& catalog, DiagnosticSink& diags) {
  for (const auto& [name, pkg] : catalog.packages) Resolver(catalog, pkg, diags).Run();
}

}  // namespace kpic
