// The IR's names, lookups and text dump.
#include "ir/ir.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <algorithm>
#include <set>
#include <optional>
#include <deque>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace kpic::ir {

namespace {

struct TextTable {
  std::mutex mu;
  std::deque<std::string> texts{std::string()};  ///< by number; 0 is ""; elements never move
  std::unordered_map<std::string_view, uint32_t> ids{{std::string_view(), 0}};
};

TextTable& Texts() {
  static TextTable* table = new TextTable();  // left to the exit, as nodes may outlive statics
  return *table;
}

}  // namespace

uint32_t InternNodeText(std::string_view text) {
  if (text.empty()) return 0;
  TextTable& t = Texts();
  std::lock_guard lock(t.mu);
  if (auto it = t.ids.find(text); it != t.ids.end()) return it->second;
  if (t.texts.size() >= UINT32_MAX) throw std::length_error("internal error: too many IR texts");
  auto id = static_cast<uint32_t>(t.texts.size());
  const std::string& kept = t.texts.emplace_back(text);
  t.ids.emplace(std::string_view(kept), id);
  return id;
}

const std::string& NodeTextOf(uint32_t id) {
  TextTable& t = Texts();
  if (id == 0) return t.texts.front();
  std::lock_guard lock(t.mu);
  return t.texts.at(id);
}

const char* AdditivityName(Additivity a) {
  switch (a) {
    case Additivity::kAdditive:
      return "additive";
    case Additivity::kSemiAdditive:
      return "semi_additive";
    case Additivity::kNonAdditive:
      return "non_additive";
  }
  return "?";
}

const char* VTName(VT t) {
  switch (t) {
    case VT::kNull:
      return "null";
    case VT::kBool:
      return "bool";
    case VT::kInt:
      return "int";
    case VT::kFloat:
      return "float";
    case VT::kDecimal:
      return "decimal";
    case VT::kString:
      return "string";
    case VT::kDate:
      return "date";
    case VT::kTimestamp:
      return "timestamp";
  }
  return "?";
}

const char* BinaryOpText(BinaryOp op) {
  static const char* kText[] = {"+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"};
  return kText[static_cast<int>(op)];
}

bool Role::Hides(int source, int column) const {
  for (const Hidden& h : hidden)
    if (h.source == source && h.column == column) return true;
  return false;
}

std::pair<int, int> HiddenRead(const Module& m, const Role& r, int source, const std::vector<int>& path) {
  if (path.empty()) return {-1, -1};
  int cur = source, prev = -1, prev_col = -1;
  for (size_t i = 0; i + 1 < path.size() && cur >= 0; ++i) {
    prev = cur;
    prev_col = path[i];
    cur = m.sources[static_cast<size_t>(cur)].columns[static_cast<size_t>(path[i])].references;
  }
  auto hides = [&](int s, int col) -> std::pair<int, int> {
    if (s < 0 || col < 0) return {-1, -1};
    if (r.Hides(s, col)) return {s, col};
    int t = m.sources[static_cast<size_t>(s)].columns[static_cast<size_t>(col)].references;
    int key = t < 0 ? -1 : m.sources[static_cast<size_t>(t)].key_column;
    if (key < 0 || !r.Hides(t, key)) return {-1, -1};
    return {t, key};
  };
  int c = cur >= 0 ? path.back() : -1;
  std::pair<int, int> h = hides(cur, c);
  if (h.first < 0 && c >= 0 && c == m.sources[static_cast<size_t>(cur)].key_column && path.size() > 1)
    h = hides(prev, prev_col);
  return h;
}

int Source::ColumnIndex(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return static_cast<int>(i);
  return -1;
}

const Source* Module::FindSource(const std::string& key) const {
  auto it = source_index.find(key);
  return it == source_index.end() ? nullptr : &sources[static_cast<size_t>(it->second)];
}

const Dimension* Module::FindDimension(const std::string& name) const {
  for (const Dimension& d : dimensions)
    if (d.name == name) return &d;
  return nullptr;
}

bool Module::DimPath(int source, const std::string& dim, std::vector<std::pair<int, int>>* path, int depth) const {
  const Source& s = sources[static_cast<size_t>(source)];
  for (size_t c = 0; c < s.columns.size(); ++c)
    if (s.columns[c].dimension == dim) {
      path->push_back({source, static_cast<int>(c)});
      return true;
    }
  if (depth >= 4) return false;
  for (size_t c = 0; c < s.columns.size(); ++c) {
    if (s.columns[c].references < 0) continue;
    path->push_back({source, static_cast<int>(c)});
    if (DimPath(s.columns[c].references, dim, path, depth + 1)) return true;
    path->pop_back();
  }
  return false;
}

int Module::MetricIndex(const std::string& name) const {
  auto it = metric_index.find(name);
  return it == metric_index.end() ? -1 : it->second;
}

const Goal* Module::FindGoal(const std::string& name) const {
  for (const Goal& g : goals)
    if (g.name == name) return &g;
  return nullptr;
}

const Role* Module::FindRole(const std::string& name) const {
  for (const Role& r : roles)
    if (r.name == name) return &r;
  return nullptr;
}

const Report* Module::FindReport(const std::string& name) const {
  for (const Report& r : reports)
    if (r.name == name) return &r;
  return nullptr;
}

double LiteralValue(const Node& n) {
  if (n.kind != Kind::kLiteral || (n.type.scalar.vt != VT::kInt && n.type.scalar.vt != VT::kDecimal &&
                                   n.type.scalar.vt != VT::kFloat))
    return std::nan("");
  if (!n.is_exact) return n.f;
  double den = 1;
  for (int k = 0; k < n.exact_scale; ++k) den *= 10;
  return static_cast<double>(n.exact) / den;
}

bool IsPeriodOperator(const Node& n) {
  using builtins::Fn;
  return (n.kind == Kind::kMember && (n.fn == Fn::kPrevious || n.fn == Fn::kLastYear || n.fn == Fn::kLastYearWeekday)) ||
         (n.kind == Kind::kMethod &&
          (n.fn == Fn::kChange || n.fn == Fn::kGrowthMethod || n.fn == Fn::kRolling || n.fn == Fn::kZScore)) ||
         (n.kind == Kind::kCall && n.fn == Fn::kGrowth);
}

bool ReadsAsPercent(const Node& n) {
  using builtins::Fn;
  return (n.kind == Kind::kMethod && (n.fn == Fn::kChange || n.fn == Fn::kGrowthMethod)) ||
         (n.kind == Kind::kCall && (n.fn == Fn::kGrowth || n.fn == Fn::kShare));
}

namespace {
const Node* FindPeriodOperator(const Module& m, int node, int depth) {
  if (node < 0 || depth > 64) return nullptr;
  const Node& n = m.node(node);
  if (IsPeriodOperator(n)) return &n;
  if (n.kind == Kind::kMetric && n.metric >= 0)
    if (const Node* f = FindPeriodOperator(m, m.metrics[static_cast<size_t>(n.metric)].root, depth + 1)) return f;
  for (int a : n.args)
    if (const Node* f = FindPeriodOperator(m, a, depth + 1)) return f;
  return nullptr;
}
}  // namespace

const Node* FindPeriodOperator(const Module& m, int node) { return FindPeriodOperator(m, node, 0); }

bool IsAmount(const Module& m, int node) {
  // A sum, a balance or a count of distinct members, however written
  // (`count_distinct(x) where c`, `12 * mrr`, `customers - churned`).
  std::function<bool(int, int)> amount = [&](int id, int depth) -> bool {
    if (id < 0 || depth > 64) return false;
    const ir::Node& n = m.node(id);
    if (n.type.level == ir::Level::kConst) return false;
    switch (n.kind) {
      case ir::Kind::kMetric: {
        const ir::Metric& mt = m.metrics[static_cast<size_t>(n.metric)];
        return !mt.percent && amount(mt.root, depth + 1);
      }
      case ir::Kind::kWhere:
      case ir::Kind::kUnary:
        return amount(n.args[0], depth + 1);
      case ir::Kind::kMember:  // `.previous`, `.last_year`: the same quantity, earlier
        return n.fn != builtins::Fn::kTarget && amount(n.args[0], depth + 1);
      case ir::Kind::kMethod:
        switch (n.fn) {
          // The same quantity over other days: `customers.to_date(year)`,
          // `sales.rolling(3 months)`, `sales.avg(day)` (stores' daily
          // averages add up to the company's).
          case builtins::Fn::kToDate:
          case builtins::Fn::kRolling:
          case builtins::Fn::kReaggSum:
          case builtins::Fn::kReaggAvg:
          case builtins::Fn::kReaggMin:
          case builtins::Fn::kReaggMax:
          case builtins::Fn::kReaggLast:
            // Over members too (`avg(revenue by day, store)`): a store-day's
            // average is a level, whatever the part; a sum of them is not.
            if (!n.dims.empty() && n.fn != builtins::Fn::kReaggSum) return false;
            return amount(n.args[0], depth + 1);
          default:  // a change, a growth rate, a z-score: levels
            return false;
        }
      case ir::Kind::kCall:
        switch (n.fn) {
          case builtins::Fn::kSum:
          case builtins::Fn::kCount:
          case builtins::Fn::kCountDistinct:
            return true;
          case builtins::Fn::kAvg:
          case builtins::Fn::kMin:
          case builtins::Fn::kMax:
          case builtins::Fn::kMedian:
          case builtins::Fn::kPercentile:
          case builtins::Fn::kStddev:
          case builtins::Fn::kVariance:
            return false;
          default:
            break;
        }
        break;
      case ir::Kind::kBinary: {
        const ir::Node& b = m.node(n.args[1]);
        if (n.binary == ir::BinaryOp::kAdd || n.binary == ir::BinaryOp::kSub)
          return amount(n.args[0], depth + 1) || amount(n.args[1], depth + 1);
        if (n.binary == ir::BinaryOp::kMul)
          return amount(n.args[0], depth + 1) || amount(n.args[1], depth + 1);
        if (n.binary == ir::BinaryOp::kDiv)  // a ratio, unless over a constant
          return b.type.level == ir::Level::kConst && amount(n.args[0], depth + 1);
        return false;
      }
      default:
        break;
    }
    return n.type.additivity != ir::Additivity::kNonAdditive;
  };
  return amount(node, 0);
}

namespace {

/// An aggregate counted, as RangeOf compares two: the function, what it
/// counts (rows, or a column's distinct values) and its conditions.
struct Counted {
  builtins::Fn fn;
  std::string what;
  std::set<std::string> conds;
};

void SplitConds(const Module& m, int node, std::set<std::string>* out) {
  const Node& n = m.node(node);
  if (n.kind == Kind::kBinary && n.binary == BinaryOp::kAnd && n.args.size() == 2) {
    SplitConds(m, n.args[0], out);
    SplitConds(m, n.args[1], out);
    return;
  }
  out->insert(DumpNode(m, node));
}

std::optional<Counted> CountedBy(const Module& m, int node, std::set<std::string> conds, int depth) {
  if (node < 0 || depth > 64) return std::nullopt;
  const Node& n = m.node(node);
  if (n.kind == Kind::kMetric && n.metric >= 0)
    return CountedBy(m, m.metrics[static_cast<size_t>(n.metric)].root, std::move(conds), depth + 1);
  if (n.kind == Kind::kWhere && n.args.size() == 2 && m.node(n.args[0]).type.level == Level::kMetric) {
    SplitConds(m, n.args[1], &conds);
    return CountedBy(m, n.args[0], std::move(conds), depth + 1);
  }
  if (n.kind != Kind::kCall || (n.fn != builtins::Fn::kCount && n.fn != builtins::Fn::kCountDistinct) ||
      n.args.size() != 1)
    return std::nullopt;
  int arg = n.args[0];
  while (m.node(arg).kind == Kind::kWhere && m.node(arg).args.size() == 2) {
    SplitConds(m, m.node(arg).args[1], &conds);
    arg = m.node(arg).args[0];
  }
  // What is counted, by the source's place in the module (two packages'
  // sources of one name print alike: review, 2026-12-06).
  const Node& a = m.node(arg);
  return Counted{n.fn, fmt::format("{}#{}#{}", a.source, fmt::join(a.path, "."), DumpNode(m, arg)), std::move(conds)};
}

ValueRange RangeOf(const Module& m, int node, int depth) {
  ValueRange any;
  if (node < 0 || depth > 64) return any;
  const Node& n = m.node(node);
  switch (n.kind) {
    case Kind::kMetric:
      return n.metric >= 0 ? RangeOf(m, m.metrics[static_cast<size_t>(n.metric)].root, depth + 1) : any;
    case Kind::kWhere:
      return m.node(n.args[0]).type.level == Level::kMetric ? RangeOf(m, n.args[0], depth + 1) : any;
    case Kind::kCall:
      if (n.fn == builtins::Fn::kCount || n.fn == builtins::Fn::kCountDistinct) return {0, HUGE_VAL};
      return any;
    case Kind::kBinary: {
      if (n.args.size() != 2) return any;
      ValueRange a = RangeOf(m, n.args[0], depth + 1), b = RangeOf(m, n.args[1], depth + 1);
      bool both = a.lo >= 0 && b.lo >= 0;
      if (n.binary == BinaryOp::kDiv) {
        // A share of the same things under more conditions: at most 1.
        std::optional<Counted> num = CountedBy(m, n.args[0], {}, depth + 1);
        std::optional<Counted> den = CountedBy(m, n.args[1], {}, depth + 1);
        if (num && den && num->fn == den->fn && num->what == den->what &&
            std::includes(num->conds.begin(), num->conds.end(), den->conds.begin(), den->conds.end()))
          return {0, 1};
        return both ? ValueRange{0, HUGE_VAL} : any;
      }
      if (n.binary == BinaryOp::kAdd || n.binary == BinaryOp::kMul) return both ? ValueRange{0, HUGE_VAL} : any;
      return any;
    }
    default:
      return any;
  }
}

}  // namespace

ValueRange RangeOf(const Module& m, int node) { return RangeOf(m, node, 0); }

bool AddsFixedNumber(const Module& m, int node) {
  std::function<bool(int, int)> walk = [&](int id, int depth) {
    if (id < 0 || depth > 64) return false;
    const Node& n = m.node(id);
    if (n.kind == Kind::kUnary) return !n.args.empty() && walk(n.args[0], depth + 1);
    if (n.kind != Kind::kBinary || n.args.size() != 2) return false;
    switch (n.binary) {
      case BinaryOp::kAdd:
      case BinaryOp::kSub:
        for (int a : n.args) {
          const Node& x = m.node(a);
          if (x.type.level == Level::kConst && LiteralValue(x) != 0) return true;
        }
        return walk(n.args[0], depth + 1) || walk(n.args[1], depth + 1);
      case BinaryOp::kMul:
      case BinaryOp::kDiv:
        return walk(n.args[0], depth + 1) || walk(n.args[1], depth + 1);
      default:
        return false;
    }
  };
  return walk(node, 0);
}

bool AlertComparesFixedAmount(const Module& m, const Goal& g, const Goal::Alert& a, std::vector<int>* amounts) {
  // Any comparison in the condition (`sales < 140000 CNY and conversion <
  // 10%`, `not (sales >= 140000 CNY)`), either way round (`10 >
  // order_count`); the forecast of an amount goal's total is an amount
  // (`forecast.value < 1800000 CNY`). Zero is no company's number: `n ==
  // 0` says the same of any part (review, 2026-12-06).
  bool found = false;
  std::function<void(int, int)> walk = [&](int id, int depth) {
    if (id < 0 || depth > 64) return;
    const Node& c = m.node(id);
    if (c.kind == Kind::kUnary || (c.kind == Kind::kBinary && (c.binary == BinaryOp::kAnd || c.binary == BinaryOp::kOr))) {
      for (int x : c.args) walk(x, depth + 1);
      return;
    }
    if (c.kind != Kind::kBinary || c.args.size() != 2) return;
    switch (c.binary) {
      case BinaryOp::kLt:
      case BinaryOp::kLe:
      case BinaryOp::kGt:
      case BinaryOp::kGe:
      case BinaryOp::kEq:
      case BinaryOp::kNe:
        break;
      default:
        return;
    }
    for (int k = 0; k < 2; ++k) {
      const Node& other = m.node(c.args[1 - k]);
      if (other.type.level != Level::kConst || LiteralValue(other) == 0) continue;
      const Node& side = m.node(c.args[k]);
      int amount = -1;
      if (side.kind == Kind::kForecast && side.text() != "probability" && IsAmount(m, g.metric))
        amount = g.metric;
      else if (side.kind != Kind::kForecast && IsAmount(m, c.args[k]))
        amount = c.args[k];
      if (amount < 0) continue;
      found = true;
      if (amounts) amounts->push_back(amount);
    }
  };
  walk(a.cond, 0);
  return found;
}

std::string DumpNode(const Module& m, int i) {
  if (i < 0) return "<error>";
  const Node& n = m.node(i);
  auto arg = [&](size_t k) { return k < n.args.size() ? DumpNode(m, n.args[k]) : std::string("?"); };
  auto args = [&](size_t from) {
    std::string s;
    for (size_t k = from; k < n.args.size(); ++k) s += (k > from ? ", " : "") + DumpNode(m, n.args[k]);
    return s;
  };
  switch (n.kind) {
    case Kind::kLiteral:
      if (n.type.scalar.vt == VT::kString) return fmt::format("\"{}\"", n.text());
      return n.text().empty() ? std::string(VTName(n.type.scalar.vt)) : n.text();
    case Kind::kColumn: {
      std::string s = n.source >= 0 ? m.sources[n.source].name : "?";
      int src = n.source;
      for (int c : n.path) {
        if (src < 0 || c < 0 || c >= static_cast<int>(m.sources[src].columns.size())) return s + ".?";
        s += "." + m.sources[src].columns[c].name;
        src = m.sources[src].columns[c].references;
      }
      return s;
    }
    case Kind::kRows:
      return n.source >= 0 ? m.sources[n.source].name : "?";
    case Kind::kParam:
      return fmt::format("$param{}", n.param);
    case Kind::kMetric:
      return n.metric >= 0 ? m.metrics[n.metric].name : "?";
    case Kind::kUnary:
      return fmt::format("{}{}", n.unary == UnaryOp::kNot ? "not " : "-", arg(0));
    case Kind::kBinary:
      return fmt::format("({} {} {})", arg(0), BinaryOpText(n.binary), arg(1));
    case Kind::kIsNull:
      return fmt::format("({} is {}null)", arg(0), n.negated ? "not " : "");
    case Kind::kIn:
      return fmt::format("({} {}in ({}))", arg(0), n.negated ? "not " : "", args(1));
    case Kind::kWhere:
      return fmt::format("({} where {})", arg(0), arg(1));
    case Kind::kCall:
      return fmt::format("{}({})", builtins::Get(n.fn).name, args(0));
    case Kind::kMethod:
      if (!n.dims.empty())
        return fmt::format("{}({} by {})", builtins::Get(n.fn).name, arg(0),
                           fmt::format("{}{}{}", args(1), n.args.size() > 1 && !n.dims.empty() ? ", " : "",
                                       fmt::join(n.dims, ", ")));
      return fmt::format("{}.{}({})", arg(0), builtins::Get(n.fn).name, args(1));
    case Kind::kMember:
      return fmt::format("{}.{}", arg(0), builtins::Get(n.fn).name);
    case Kind::kSymbol:
      return n.text();
    case Kind::kForecast:
      return "forecast." + n.text();
  }
  return "?";
}

const std::string& LabelIn(const std::string& name, const std::string& label, const Labels& labels,
                           const std::string& lang) {
  if (auto it = labels.find(lang); it != labels.end() && !it->second.empty()) return it->second;
  return label.empty() ? name : label;
}

}  // namespace kpic::ir
