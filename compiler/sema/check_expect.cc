// Checking `expect` declarations (data tests): a source check names a
// column of the right kind (a key-like column, a `references` column, a
// source with a time axis); a metric check types its expressions as a
// chart does, and its bounds, tolerance and the two sides of a
// reconciliation must be in the same unit (E0411). What does not fit its
// check is E0410. Names were resolved by resolve.cc (E0206, E0209, E0210...).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <set>

#include "sema/checker.h"

namespace kpic::check {

using ast::DeclKind;
using ast::ExprKind;
using C = ast::ExpectDecl::Check;

namespace {

/// A bound or tolerance as written: a number, with an optional unit, or a
/// percentage, optionally negated.
struct Bound {
  bool ok = false;
  double value = 0;
  bool percent = false;
  std::string unit;  ///< `0 CNY`: CNY; empty for a plain number
  std::string text;
};

Bound ReadBound(const ast::Expr* e) {
  Bound b;
  if (!e) return b;
  bool neg = false;
  if (e->kind == ExprKind::kUnary && e->uop == ast::UnaryOp::kNeg && e->lhs) {
    neg = true;
    e = e->lhs.get();
  }
  if (e->kind != ExprKind::kNumber && e->kind != ExprKind::kPercent) return b;
  std::string digits;
  for (char ch : e->text())
    if (ch != '_') digits += ch;
  b.value = std::strtod(digits.c_str(), nullptr);
  if (!std::isfinite(b.value)) return b;
  b.percent = e->kind == ExprKind::kPercent;
  if (b.percent) b.value /= 100;
  if (neg) b.value = -b.value;
  if (e->unit) b.unit = e->unit->name;
  b.text = (neg ? "-" : "") + ast::DumpExpr(*e);
  b.ok = true;
  return b;
}

}  // namespace

void Checker::Expect(const ast::ExpectDecl& x) {
  ir::Expectation out;
  out.check = static_cast<ir::Expectation::Check>(x.check);
  out.text = ast::ExpectText(x);
  out.label = x.label.value_or("");
  out.package = pkg_->name;
  out.span = x.span;
  Position pos = sm_.Resolve(x.span.file, x.span.begin);
  out.file = sm_.Get(x.span.file).path;
  out.line = static_cast<int>(pos.line);
  auto refuse = [&](Span at, const std::string& message, const std::string& help) {
    auto& d = diags_.Report(DiagCode::E0410, at, message);
    d.span_label = "does not fit this check";
    if (!help.empty()) d.Help(help);
  };
  auto units_differ = [&](Span at, const std::string& message, const std::string& help) {
    auto& d = diags_.Report(DiagCode::E0411, at, message);
    d.span_label = "another unit";
    if (!help.empty()) d.Help(help);
  };

  if (x.check == C::kRange || x.check == C::kReconcile) {
    if (!x.expr || (x.check == C::kReconcile && !x.other)) return;
    Ty t = Metric(*x.expr);
    Ty o = x.other ? Metric(*x.other) : Ty{};
    if (t.error() || (x.other && o.error())) return;
    auto metric_level = [&](const ast::Expr& e, const Ty& ty) {
      if (ty.level == Level::kMetric) return true;
      refuse(e.span, fmt::format("`{}` is not a metric: a metric expectation checks a metric's values per period and "
                                 "member",
                                 sm_.Text(e.span)),
             "name a metric, or a metric expression such as `sum(orders.amount)`");
      return false;
    };
    if (!metric_level(*x.expr, t) || (x.other && !metric_level(*x.other, o))) return;
    std::string name(sm_.Text(x.expr->span));
    // At most one grain, and each name once, as in `avg(m by day, store)`.
    {
      const ast::Ident* grain = nullptr;
      std::set<std::string> seen;
      for (const ast::Ident& b : x.by) {
        if (!seen.insert(b.name).second) {
          diags_.Report(DiagCode::E0409, b.span, fmt::format("`{}` is named twice after `by`", b.name)).span_label =
              "repeated";
          return;
        }
        if (!rt::ParseGrain(b.name)) continue;
        if (grain) {
          diags_
              .Report(DiagCode::E0409, b.span,
                      fmt::format("two time grains after `by`: `{}` and `{}`", grain->name, b.name))
              .Help(fmt::format("name one grain, then dimensions: `by {}, store`", grain->name))
              .span_label = "second grain";
          return;
        }
        grain = &b;
      }
    }
    // The breakdown: a grain and dimensions every source under it has.
    for (const Ty* side : {&t, x.other ? &o : nullptr}) {
      if (!side) continue;
      MetricType mt;
      mt.has_time = true;
      bool first = true;
      for (const ast::SourceDecl* s : side->sources) {
        mt.sources.insert(SourceKey(s));
        std::set<std::string> dims = DimensionsOf(*s);
        if (first) {
          mt.dimensions = dims;
        } else {
          std::set<std::string> both;
          for (const std::string& d : dims)
            if (mt.dimensions.count(d)) both.insert(d);
          mt.dimensions = both;
        }
        first = false;
        mt.has_time &= HasTime(*s);
      }
      if (side->sources.empty()) continue;
      std::string side_name(sm_.Text(side == &t ? x.expr->span : x.other->span));
      for (const ast::Ident& b : x.by) {
        if (rt::ParseGrain(b.name)) {
          if (b.name != "all") RequireTime(mt, b.span, side_name);
        } else {
          RequireDims(mt, b, side_name);
        }
      }
    }
    for (const ast::Ident& b : x.by) {
      if (auto g = rt::ParseGrain(b.name))
        out.grain = *g;
      else
        out.by.push_back(b.name);
    }
    out.expr = t.node;
    out.other = x.other ? o.node : -1;
    if (x.expr->kind == ExprKind::kName)
      if (const MetricType* m = MetricOf(x.expr->name.name)) out.percent = m->percent;
    std::string unit = t.unit.IsOne() ? "1 (no unit)" : t.unit.ToString();
    // A bound in another unit than the metric's: `sales between 0% and 20%`.
    // A percentage fits a dimensionless metric: a plain ratio, a metric
    // declared `percent`, or a ratio of counts (orders per visit).
    bool ratio = t.unit.IsOne() || out.percent;
    if (t.unit.OnlyCounts())
      for (const auto& [base, power] : t.unit.powers()) ratio |= power < 0;
    auto fits = [&](const Bound& b, const ast::Expr& at, const char* what) {
      if (b.percent && !ratio) {
        units_differ(at.span,
                     fmt::format("{} `{}` is a percentage, but `{}` is in {}", what, b.text, name, unit),
                     fmt::format("write the {} in {} (`{} {}`), or check a ratio", what, unit, b.value, unit));
        return false;
      }
      // A bound spells money or time; a count it is per is implied
      // (`aov between 50 CNY and 500 CNY` for CNY/order), as in comparisons.
      if (!b.unit.empty() && Unit::Named(b.unit) != t.unit && Unit::Named(b.unit) != t.unit.WithoutCounts()) {
        units_differ(at.span, fmt::format("{} `{}` is in {}, but `{}` is in {}", what, b.text, b.unit, name, unit),
                     t.unit.IsOne() ? fmt::format("write the {} as a plain number or a percentage", what)
                                    : fmt::format("write the {} in {}", what, unit));
        return false;
      }
      return true;
    };
    auto bound = [&](const ast::ExprPtr& e, const char* what, Bound* b) {
      if (!e) return false;
      *b = ReadBound(e.get());
      if (!b->ok) {
        refuse(e->span, fmt::format("the {} of an expectation must be a number or a percentage", what),
               "write a number such as `0`, `100 CNY` or `20%`");
        return false;
      }
      return fits(*b, *e, what);
    };
    if (x.check == C::kRange) {
      Bound lo, hi;
      // One diagnostic per expectation: the first bound that does not fit.
      if (!bound(x.low, "lower bound", &lo) || !bound(x.high, "upper bound", &hi)) return;
      if (lo.value > hi.value) {
        refuse(x.low->span, fmt::format("the range is empty: `{}` is above `{}`", lo.text, hi.text),
               "write the lower bound first");
        return;
      }
      out.low = lo.value;
      out.high = hi.value;
      out.low_text = lo.text;
      out.high_text = hi.text;
    } else {
      if (!(o.unit == t.unit) && !o.zero && !t.zero) {
        units_differ(x.other->span,
                     fmt::format("`{}` is in {}, but `{}` is in {}: the two sides of a reconciliation must measure "
                                 "the same thing",
                                 sm_.Text(x.other->span), o.unit.ToString(), name, unit),
                     "reconcile metrics of the same unit");
        return;
      }
      Bound tol;
      if (!x.high) return;
      tol = ReadBound(x.high.get());
      if (!tol.ok || tol.value < 0) {
        refuse(x.high->span, "the tolerance of a reconciliation must be a percentage or an amount, not below zero",
               "write `within 0.5%` (relative to the second metric) or `within 1 CNY`");
        return;
      }
      if (!tol.percent && !fits(tol, *x.high, "tolerance")) return;
      out.high = tol.value;
      out.relative = tol.percent;
      out.high_text = tol.text;
    }
    // Named as written (whitespace collapsed), not as the AST dump spells it.
    auto text = [&](const ast::Expr& e) {
      std::string out_text, raw(sm_.Text(e.span));
      for (char ch : raw) {
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (space && (out_text.empty() || out_text.back() == ' ')) continue;
        out_text += space ? ' ' : ch;
      }
      while (!out_text.empty() && out_text.back() == ' ') out_text.pop_back();
      return out_text;
    };
    std::string by;
    for (const ast::Ident& b : x.by) by += (by.empty() ? " by " : ", ") + b.name;
    out.text = x.check == C::kRange
                   ? fmt::format("{} between {} and {}{}", text(*x.expr), out.low_text, out.high_text, by)
                   : fmt::format("{} reconciles with {}{} within {}", text(*x.expr), text(*x.other), by, out.high_text);
    out.formula = text(*x.expr);
    out.other_formula = x.other ? text(*x.other) : "";
    module_.ir.expectations.push_back(std::move(out));
    return;
  }

  // Source checks: `source.column` or `source`.
  bool column_check = x.check == C::kUnique || x.check == C::kNotNull || x.check == C::kAccepted ||
                      x.check == C::kFound;
  const auto& parts = x.subject.parts;
  if (parts.empty()) return;
  if (column_check && parts.size() != 2) {
    refuse(x.subject.span, fmt::format("`{}` names no column: this check is on a column", x.subject.Joined()),
           fmt::format("write `{}.COLUMN`", parts[0].name));
    return;
  }
  if (!column_check && parts.size() != 1) {
    refuse(x.subject.span, fmt::format("`{}` is not a source: this check is on a whole source", x.subject.Joined()),
           fmt::format("write `{}`", parts[0].name));
    return;
  }
  const ast::SourceDecl* src = SourceByName(parts[0].name);
  if (!src) return;  // E0209 from name resolution
  out.source = SourceIndex(src);
  if (out.source < 0) return;
  const ir::Source& is = module_.ir.sources[static_cast<size_t>(out.source)];
  if (column_check) {
    out.column = is.ColumnIndex(parts[1].name);
    if (out.column < 0) return;  // E0206 from name resolution
  }
  const ir::Column* col = out.column >= 0 ? &is.columns[static_cast<size_t>(out.column)] : nullptr;
  switch (x.check) {
    case C::kUnique:
    case C::kNotNull:
      break;
    case C::kAccepted: {
      ir::VT vt = col->scalar.vt;
      if (vt != ir::VT::kString && vt != ir::VT::kInt && vt != ir::VT::kBool) {
        refuse(x.subject.span,
               fmt::format("`{}` is a {} column: accepted values are checked on string, int and bool columns",
                           x.subject.Joined(), ir::VTName(vt)),
               "check a range of a metric instead");
        return;
      }
      for (const ast::AttrValue& v : x.values) {
        using K = ast::AttrValue::Kind;
        bool ok = (vt == ir::VT::kString && v.kind == K::kString) ||
                  (vt == ir::VT::kInt && v.kind == K::kNumber && v.text.find_first_not_of("0123456789-") == std::string::npos) ||
                  (vt == ir::VT::kBool && v.kind == K::kBool);
        if (!ok) {
          refuse(v.span,
                 fmt::format("`{}` is not {} {} value, the type of `{}`",
                             v.kind == K::kString ? "\"" + v.text + "\"" : v.text, vt == ir::VT::kInt ? "an" : "a",
                             ir::VTName(vt), x.subject.Joined()),
                 vt == ir::VT::kString ? "write the values as strings in double quotes" : "");
          return;
        }
        out.values.push_back(v.text);
      }
      break;
    }
    case C::kFound: {
      const ast::SourceDecl* t = x.target.parts.size() == 1 ? SourceByName(x.target.parts[0].name) : nullptr;
      if (!t) return;  // E0209 from name resolution
      int target = SourceIndex(t);
      if (col->references != target || target < 0) {
        refuse(x.target.span,
               col->references < 0
                   ? fmt::format("`{}` references no source, so its keys cannot be looked up in `{}`",
                                 x.subject.Joined(), x.target.Joined())
                   : fmt::format("`{}` references `{}`, not `{}`", x.subject.Joined(),
                                 module_.ir.sources[static_cast<size_t>(col->references)].name, x.target.Joined()),
               col->references < 0 ? fmt::format("declare the lookup on the column: `{}: ... references {}`",
                                                 parts[1].name, x.target.Joined())
                                   : fmt::format("check `{}.{} found in {}`", parts[0].name, parts[1].name,
                                                 module_.ir.sources[static_cast<size_t>(col->references)].name));
        return;
      }
      if (t->columns.empty() || module_.ir.sources[static_cast<size_t>(target)].key_column < 0) return;  // E-coded on the source
      out.target = target;
      break;
    }
    case C::kFresh: {
      if (is.time_column < 0) {
        refuse(x.subject.span, fmt::format("source `{}` has no time column, so it has no last day to be fresh",
                                           is.name),
               "mark its date or timestamp column with `time`");
        return;
      }
      const std::string& unit = x.count_unit.name;
      int per = unit == "day" || unit == "days" ? 1 : unit == "week" || unit == "weeks" ? 7 : 0;
      if (per == 0 || !x.count) {
        refuse(x.count_unit.span.valid() ? x.count_unit.span : x.subject.span,
               fmt::format("`{}` is not a duration of freshness", unit),
               "write `within N days` or `within N weeks`");
        return;
      }
      out.days = *x.count * per;
      break;
    }
    case C::kRows: {
      Bound tol = ReadBound(x.high.get());
      if (!tol.ok || !tol.percent || tol.value < 0) {
        refuse(x.high ? x.high->span : x.subject.span,
               "the change of a row count is a percentage of the previous run's count",
               "write `rows change within 20%`");
        return;
      }
      out.high = tol.value;
      out.relative = true;
      out.high_text = tol.text;
      break;
    }
    default:
      break;
  }
  module_.ir.expectations.push_back(std::move(out));
}

}  // namespace kpic::check
