// Definition fingerprints (fingerprint.h): a canonical text per metric,
// hashed with XXH3-128.
//
// Normalised as equal, because they provably compute the same:
// - the operands of `+`, `*`, `==`, `!=`, `and`, `or` in any order, and
//   chains of one of them over exact numbers (int, decimal) or booleans in
//   any grouping (`a + (b + c)` and `(c + a) + b`; floats are regrouped
//   never, as float addition is not associative). Metric-level nodes carry
//   no scalar (only a unit), so chains between aggregates are not
//   regrouped (docs/language.md says so);
// - a metric-level `where` and the same condition inside each aggregate of
//   its source (`sum(x) where c` and `sum(x where c)`), and conditions
//   joined by `and` in any order or nesting (`sum(x where a) where b`);
// - a metric read by name and its formula written out (metrics are
//   inlined), and the standard library's functions and their expansions
//   (the checker inlines them);
// - the values of `in (...)` in any order.
#include "ir/fingerprint.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <map>
#include <vector>

#include "decimal.h"

namespace kpic::ir {
namespace {

using Conds = std::map<int, std::vector<std::string>>;  // source -> conditions pushed into its aggregates

bool Commutative(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kMul || op == BinaryOp::kEq || op == BinaryOp::kNe ||
         op == BinaryOp::kAnd || op == BinaryOp::kOr;
}
bool Associative(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kMul || op == BinaryOp::kAnd || op == BinaryOp::kOr;
}

std::string ScalarText(const Scalar& s) {
  return s.vt == VT::kDecimal ? fmt::format("decimal({})", s.scale) : std::string(VTName(s.vt));
}

class Canon {
 public:
  explicit Canon(const Module& m) : m_(m) {}

  std::string Calendar() {
    const ir::Calendar& c = m_.calendar;
    std::string s = fmt::format("calendar(week_start={},fiscal={},zone={},pattern={}-{}-{}", c.week_start,
                                c.fiscal_start, c.time_zone, c.pattern[0], c.pattern[1], c.pattern[2]);
    if (c.work_source >= 0)
      s += fmt::format(",workdays={}", Source(c.work_source) + "." + ColumnText(c.work_source, c.work_time) + "." +
                                           ColumnText(c.work_source, c.work_flag));
    return s + ")";
  }

  std::string Expr(int node) { return Node(node, {}, 0); }

  /// How source `source` reaches dimension `dim`: its columns through the
  /// lookups, as the fingerprint sees them; "" when it cannot.
  std::string DimPath(int source, const std::string& dim) {
    std::vector<std::pair<int, int>> path;
    if (!m_.DimPath(source, dim, &path)) return "";
    std::string t = dim + "@" + Source(source);
    for (const auto& [src, col] : path) t += "." + Source(src) + ":" + ColumnText(src, col);
    return t;
  }

  std::string Scalar(const ir::Scalar& sc) { return ScalarText(sc); }

  /// A metric: its declared unit and its formula.
  std::string Metric(int metric) {
    if (metric < 0 || metric >= static_cast<int>(m_.metrics.size())) return "?";
    const ir::Metric& mt = m_.metrics[static_cast<size_t>(metric)];
    // Its own text is not kept (only those of metrics read by others are,
    // see Plain), so that one Canon over a module does not hold every formula.
    auto it = plain_.find(metric);
    if (it == plain_.end()) ReadsFirst(metric);
    return fmt::format("metric[{}]({})", mt.unit.ToString(), it != plain_.end() ? it->second.text : Node(mt.root, {}, 1));
  }

 private:
  /// The text of a metric read by others, without conditions, made once.
  struct Plain {
    std::string text;
    std::string hash;  ///< of `text`, when asked for
  };
  std::map<int, std::string> memo_;  ///< Node's text per shared node, without pushed conditions
  std::vector<uint8_t> parents_;     ///< per node: how many times it is an argument (0, 1, 2 = more)

  /// Texts of formulas longer than this are not written out into their
  /// readers (Inline): a metric that reads another twice, in a chain of
  /// them, doubles the text at each step.
  static constexpr size_t kInlineBytes = size_t{32} << 10;
  /// Conditions pushed into a metric read by another are written into its
  /// text (Inline), through at most this many levels of nodes; below, the
  /// read metric is referred to by its fingerprint with the conditions.
  static constexpr int kPushDepth = 64;

  /// The metrics `metric` reads, directly (not through other metrics).
  std::vector<int> DirectReads(int metric) const {
    std::vector<int> out, todo;
    int root = m_.metrics[static_cast<size_t>(metric)].root;
    if (root >= 0) todo.push_back(root);
    while (!todo.empty()) {
      const ir::Node& n = m_.node(todo.back());
      todo.pop_back();
      if (n.kind == Kind::kMetric && n.metric >= 0 && n.metric < static_cast<int>(m_.metrics.size()))
        out.push_back(n.metric);
      for (int a : n.args)
        if (a >= 0) todo.push_back(a);
    }
    return out;
  }

  /// Makes the plain texts of every metric `metric` reads, through every
  /// level, deepest first and without recursion: a chain of thousands of
  /// metrics would otherwise recurse once per metric (a cycle, which the
  /// checker reports, ends the walk).
  void ReadsFirst(int metric) {
    std::vector<std::pair<int, bool>> todo;  // metric, its reads already pushed
    for (int r : DirectReads(metric)) todo.push_back({r, false});
    std::set<int> pushed;
    while (!todo.empty()) {
      auto [m, expanded] = todo.back();
      todo.pop_back();
      if (plain_.count(m)) continue;
      if (expanded) {
        MakePlain(m);
        continue;
      }
      if (!pushed.insert(m).second) continue;  // on the walk's path: a cycle
      todo.push_back({m, true});
      for (int r : DirectReads(m))
        if (!plain_.count(r)) todo.push_back({r, false});
    }
  }

  Plain& MakePlain(int metric) {
    auto [it, inserted] = plain_.try_emplace(metric);
    if (inserted) {
      making_.insert(metric);
      it->second.text = Node(m_.metrics[static_cast<size_t>(metric)].root, {}, 1);
      making_.erase(metric);
    }
    return it->second;
  }

  /// A metric read by another: its formula, as if written out there (the
  /// reader's node carries the type); a long one (kInlineBytes), or one
  /// whose pushed conditions would go deeper than kPushDepth, as the
  /// fingerprint of its text and the conditions: never equal to another
  /// formula, changed by any change below, only no longer equal to the
  /// same formula written out.
  std::string Inline(int metric, const Conds& conds, int depth) {
    if (metric < 0 || metric >= static_cast<int>(m_.metrics.size()) || making_.count(metric)) return "?";
    const ir::Metric& mt = m_.metrics[static_cast<size_t>(metric)];
    if (!plain_.count(metric)) ReadsFirst(metric);
    Plain& p = MakePlain(metric);
    if (p.text.size() > kInlineBytes || (!conds.empty() && depth > kPushDepth)) {
      if (p.hash.empty()) p.hash = Hash128(p.text);
      std::string c;
      for (const auto& [src, list] : conds) {
        std::vector<std::string> sorted = list;  // in any order, as in an aggregate's filters
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        c += fmt::format("{}:{};", Source(src), fmt::join(sorted, "&"));
      }
      return fmt::format("ref({};{})", p.hash, c);
    }
    if (conds.empty()) return p.text;
    return Node(mt.root, conds, depth + 1);
  }

  /// A source as the formula sees it: its key, its time column and how its
  /// data spells values (the location of the data is not meaning: it is in
  /// the data fingerprint).
  const std::string& Source(int s) {
    static const std::string unknown = "?";
    if (s < 0 || s >= static_cast<int>(m_.sources.size())) return unknown;
    if (auto it = sources_.find(s); it != sources_.end()) return it->second;
    const ir::Source& src = m_.sources[static_cast<size_t>(s)];
    std::string t = fmt::format("source({}", src.key);
    if (src.time_column >= 0) t += ",time=" + ColumnText(s, src.time_column);
    if (src.key_column >= 0) t += ",key=" + ColumnText(s, src.key_column);
    if (src.binding) {
      const Binding& b = *src.binding;
      // The order of the null tokens is not meaning; `header: true` is the default.
      std::vector<std::string> nulls = b.nulls;
      std::sort(nulls.begin(), nulls.end());
      nulls.erase(std::unique(nulls.begin(), nulls.end()), nulls.end());
      // Stating a default (`delimiter: ","`) is not a change of meaning.
      auto or_default = [](const std::string& v, const char* d) { return v == d ? std::string() : v; };
      t += fmt::format(",read={}|{}|{}|{}|{}|{}|{}", b.kind, or_default(b.delimiter, ","), or_default(b.quote, "\""),
                       b.header == "false" ? "noheader" : "", or_default(b.date_format, "%Y-%m-%d"), b.timestamp_format,
                       fmt::join(nulls, "/"));
    }
    t += ")";
    return sources_[s] = std::move(t);
  }

  const std::string& ColumnText(int s, int c) {
    static const std::string unknown = "?";
    if (s < 0 || c < 0 || c >= static_cast<int>(m_.sources[static_cast<size_t>(s)].columns.size())) return unknown;
    auto [it, inserted] = columns_.try_emplace({s, c});
    if (inserted) it->second = ColumnTextOf(s, c);
    return it->second;
  }

  std::string ColumnTextOf(int s, int c) const {
    const ir::Source& src = m_.sources[static_cast<size_t>(s)];
    const ir::Column& col = src.columns[static_cast<size_t>(c)];
    // Without a header row a CSV column is read by its place among the
    // declared columns, so its place is part of its meaning.
    bool by_place = src.binding && src.binding->kind == "csv" && src.binding->header == "false";
    return fmt::format("{}[{}:{}:{}{}{}{}]", col.name, col.header, ScalarText(col.scalar), col.unit.ToString(),
                       col.rollup.empty() ? "" : ":" + col.rollup, col.dimension.empty() ? "" : "->" + col.dimension,
                       by_place ? fmt::format("@{}", c) : std::string());
  }

  std::string Column(const ir::Node& n) {
    std::string s = Source(n.source);
    int src = n.source;
    for (int c : n.path) {
      if (src < 0) return s + ".?";
      s += '.';
      s += ColumnText(src, c);
      src = m_.sources[static_cast<size_t>(src)].columns[static_cast<size_t>(c)].references;
      if (src >= 0) {
        s += '@';
        s += Source(src);
      }
    }
    return s;
  }

  /// The conditions of `node` joined by `and`, each canonical.
  void SplitAnd(int node, const Conds& conds, int depth, std::vector<std::string>* out) {
    const ir::Node& n = m_.node(node);
    if (n.kind == Kind::kBinary && n.binary == BinaryOp::kAnd && n.conv.empty()) {
      for (int a : n.args) SplitAnd(a, conds, depth, out);
      return;
    }
    out->push_back(Node(node, conds, depth));
  }

  /// The operands of a chain of one associative operator.
  void Flatten(int node, BinaryOp op, const Conds& conds, int depth, std::vector<std::string>* out) {
    const ir::Node& n = m_.node(node);
    bool exact = n.type.scalar.vt == VT::kInt || n.type.scalar.vt == VT::kDecimal || n.type.scalar.vt == VT::kBool;
    if (n.kind == Kind::kBinary && n.binary == op && n.conv.empty() && exact) {
      for (int a : n.args) Flatten(a, op, conds, depth, out);
      return;
    }
    out->push_back(Node(node, conds, depth));
  }

  int RowSource(int node) const {
    const ir::Node& n = m_.node(node);
    if (n.kind == Kind::kRows) return n.source;
    if (n.kind == Kind::kWhere && !n.args.empty()) return RowSource(n.args[0]);
    return n.type.level == Level::kRow ? n.type.source : -1;
  }

  /// Texts of a node longer than this are replaced by their hash. A
  /// function's argument is one node read wherever the body names it, so
  /// `d(d(...d(sales)))` with `fn d(a) = a + a` is a DAG whose text doubles
  /// at each call: 20 calls took 2.2 s and 580 MB (hang probe, 2026-12-07).
  static constexpr size_t kNodeBytes = size_t{4} << 10;

  /// A node's canonical text: made once per node when no condition is
  /// pushed into it (a node read twice is read twice as text, once as
  /// work), and a long one stands as its hash.
  std::string Node(int i, const Conds& conds, int depth) {
    // Only nodes read by more than one parent are kept: a package of
    // 80,000 metrics reads nearly every node once, and keeping each text
    // took its check from 294 to 452 MB.
    const bool keep = conds.empty() && i >= 0 && Shared(i);
    if (keep) {
      if (auto it = memo_.find(i); it != memo_.end()) return it->second;
    }
    std::string t = NodeText(i, conds, depth);
    if (t.size() > kNodeBytes) {
      XXH128_hash_t h = XXH3_128bits(t.data(), t.size());
      t = fmt::format("h[{:016x}{:016x}]", h.high64, h.low64);
    }
    if (keep) memo_.emplace(i, t);
    return t;
  }

  /// Whether node i is an argument of more than one node (or twice of one).
  bool Shared(int i) {
    if (parents_.size() != m_.nodes.size()) {
      parents_.assign(m_.nodes.size(), 0);
      for (size_t k = 0; k < m_.nodes.size(); ++k)
        for (int a : m_.nodes[k].args)
          if (a >= 0 && static_cast<size_t>(a) < parents_.size() && parents_[static_cast<size_t>(a)] < 2)
            ++parents_[static_cast<size_t>(a)];
    }
    return static_cast<size_t>(i) < parents_.size() && parents_[static_cast<size_t>(i)] > 1;
  }

  std::string NodeText(int i, const Conds& conds, int depth) {
    // The parser caps a declaration's operators and nesting (E0106, E0105)
    // and pushed conditions stop at kPushDepth, so the depth stays far
    // below this guard.
    if (i < 0 || depth > 20000) return "?";
    const ir::Node& n = m_.node(i);
    auto conv = [&](size_t k) {
      return k < n.conv.size() ? fmt::format(":{}", ScalarText(n.conv[k])) : std::string();
    };
    auto args = [&](size_t from) {
      std::vector<std::string> out;
      for (size_t k = from; k < n.args.size(); ++k) out.push_back(Node(n.args[k], conds, depth + 1) + conv(k));
      return out;
    };
    std::string type = ScalarText(n.type.scalar);
    type += '|';
    type += n.type.unit.ToString();
    switch (n.kind) {
      case Kind::kLiteral: {
        std::string v;
        if (n.type.scalar.vt == VT::kString) {
          v = fmt::format("\"{}\"", n.text());
        } else if (n.is_exact) {
          v = fmt::format("{}e-{}", rt::FormatDecimal(n.exact, 0), n.exact_scale);
        } else {
          v = fmt::format("{}", n.f);
        }
        return fmt::format("lit[{}]{}", type, v);
      }
      case Kind::kColumn: {
        std::string t = "col(";
        t += Column(n);
        t += ')';
        return t;
      }
      case Kind::kRows:
        return "rows(" + Source(n.source) + ")";
      case Kind::kParam:
        return fmt::format("param({})", n.param);
      case Kind::kMetric:
        return Inline(n.metric, conds, depth + 1);
      case Kind::kUnary:
        return fmt::format("{}({})", n.unary == UnaryOp::kNot ? "not" : "neg", fmt::join(args(0), ","));
      case Kind::kBinary: {
        std::vector<std::string> ops;
        // Regrouping is exact only for exact numbers (int, decimal) and
        // booleans: float addition and multiplication are not associative.
        bool exact = n.type.scalar.vt == VT::kInt || n.type.scalar.vt == VT::kDecimal || n.type.scalar.vt == VT::kBool;
        if (Associative(n.binary) && n.conv.empty() && exact) {
          Flatten(i, n.binary, conds, depth + 1, &ops);
        } else {
          ops = args(0);
        }
        if (Commutative(n.binary)) std::sort(ops.begin(), ops.end());
        return fmt::format("{}[{}]({})", BinaryOpText(n.binary), type, fmt::join(ops, ","));
      }
      case Kind::kIsNull:
        return fmt::format("{}null({})", n.negated ? "not" : "", fmt::join(args(0), ","));
      case Kind::kIn: {
        std::vector<std::string> a = args(0), values(a.begin() + (a.empty() ? 0 : 1), a.end());
        std::sort(values.begin(), values.end());
        return fmt::format("{}in({};{})", n.negated ? "not" : "", a.empty() ? "?" : a[0], fmt::join(values, ","));
      }
      case Kind::kWhere: {
        if (n.args.size() < 2) return "?";
        if (m_.node(n.args[0]).type.level == Level::kMetric) {
          // A metric-level `where`: pushed into the aggregates of its source.
          int s = RowSource(n.args[1]);
          Conds more = conds;
          std::vector<std::string> c;
          SplitAnd(n.args[1], {}, depth + 1, &c);
          for (auto& x : c) more[s].push_back(x);
          return Node(n.args[0], more, depth + 1);
        }
        // A row-level `where` (inside an aggregate): the aggregate folds it.
        return fmt::format("where({};{})", Node(n.args[0], conds, depth + 1), Node(n.args[1], {}, depth + 1));
      }
      case Kind::kCall: {
        const builtins::Builtin& b = builtins::Get(n.fn);
        if (b.category == builtins::Category::kAggregate && !n.args.empty()) {
          // The rows it reads, and every condition on them, in any order.
          int arg = n.args[0];
          std::vector<std::string> filters;
          while (m_.node(arg).kind == Kind::kWhere && m_.node(arg).args.size() == 2 &&
                 m_.node(m_.node(arg).args[0]).type.level != Level::kMetric) {
            SplitAnd(m_.node(arg).args[1], {}, depth + 1, &filters);
            arg = m_.node(arg).args[0];
          }
          if (auto it = conds.find(RowSource(arg)); it != conds.end())
            filters.insert(filters.end(), it->second.begin(), it->second.end());
          std::sort(filters.begin(), filters.end());
          filters.erase(std::unique(filters.begin(), filters.end()), filters.end());
          std::vector<std::string> rest;
          for (size_t k = 1; k < n.args.size(); ++k) rest.push_back(Node(n.args[k], {}, depth + 1) + conv(k));
          return fmt::format("{}[{}]({}{};{};{})", b.name, type, Node(arg, {}, depth + 1), conv(0),
                             fmt::join(filters, "&"), fmt::join(rest, ","));
        }
        return fmt::format("{}[{}]({})", b.name, type, fmt::join(args(0), ","));
      }
      case Kind::kMethod:
      case Kind::kMember: {
        std::vector<std::string> dims = n.dims;
        std::sort(dims.begin(), dims.end());
        return fmt::format("{}.{}[{}]({};{})", n.kind == Kind::kMethod ? "method" : "member",
                           builtins::Get(n.fn).name, type, fmt::join(args(0), ","), fmt::join(dims, ","));
      }
      case Kind::kSymbol: {
        // `convert`'s rates (a source with `path`): the columns it reads
        // are its meaning too (their `from` and `to` headers swapped moved
        // a sum 50x with "no change in meaning": governance probe,
        // 2026-12-07).
        std::string cols;
        for (int c : n.path) cols += "," + ColumnText(n.source, c);
        return fmt::format("sym({}|{}|{}{}|{})", n.grain ? rt::GrainName(*n.grain) : "-", n.text(),
                           n.source >= 0 ? Source(n.source) : "", cols, rt::FormatDecimal(n.exact, 0));
      }
      case Kind::kForecast:
        return "forecast." + n.text();
    }
    return "?";
  }

  const Module& m_;
  std::map<int, Plain> plain_;  ///< metrics read by others
  std::set<int> making_;        ///< plain texts being made (a cycle reads one)
  std::map<int, std::string> sources_;
  std::map<std::pair<int, int>, std::string> columns_;
};

}  // namespace

std::string Hash128(const std::string& text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string CanonicalMetric(const Module& m, int metric) { return MetricFingerprints(m).Canonical(metric); }

struct MetricFingerprints::Impl {
  explicit Impl(const Module& m) : m(m), canon(m), head("kpic-fingerprint-1\n" + canon.Calendar() + "\n") {}
  const Module& m;
  Canon canon;
  std::string head;
};

MetricFingerprints::MetricFingerprints(const Module& m) : impl_(std::make_unique<Impl>(m)) {}
MetricFingerprints::~MetricFingerprints() = default;

std::string MetricFingerprints::Canonical(int metric) { return impl_->head + impl_->canon.Metric(metric); }

std::string MetricFingerprints::Of(int metric) {
  std::optional<Digest> d = DigestOf(metric);
  return d ? fmt::format("{:016x}{:016x}", d->high, d->low) : "";  // as Hash128 writes it
}

std::optional<MetricFingerprints::Digest> MetricFingerprints::DigestOf(int metric) {
  const Module& m = impl_->m;
  if (metric < 0 || metric >= static_cast<int>(m.metrics.size()) || !m.metrics[static_cast<size_t>(metric)].ok)
    return std::nullopt;
  std::string text = Canonical(metric);
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return Digest{h.high64, h.low64};
}

std::string GoalFingerprint(const Module& m, const Goal& g) {
  Canon c(m);
  std::string s = "kpic-goal-fingerprint-1\n" + c.Calendar() + "\n";
  s += fmt::format("metric={}\n", g.metric >= 0 ? c.Expr(g.metric) : "?");
  s += fmt::format("target={} {} {}\n", g.target_lhs >= 0 ? c.Expr(g.target_lhs) : "", g.cmp,
                   g.target_rhs >= 0 ? c.Expr(g.target_rhs) : "");
  s += fmt::format("grain={} period={}..{} phasing={} allocate={} at_risk={}\n",
                   g.grain ? rt::GrainName(*g.grain) : "-", g.from_day ? *g.from_day : 0, g.to_day ? *g.to_day : 0,
                   g.phasing, g.allocate, g.at_risk ? fmt::format("{}", *g.at_risk) : "-");
  std::vector<std::string> drills = g.drills;
  std::sort(drills.begin(), drills.end());
  s += fmt::format("drill={} top={}\n", fmt::join(drills, ","), g.drill_top ? *g.drill_top : -1);
  // Which columns the drilled dimensions are, from each source the goal's
  // metric reads (moving `-> category` to another column changes the drill).
  std::set<int> sources;
  SourcesUnder(m, g.metric, &sources);
  for (const std::string& d : drills)
    for (int src : sources) s += "dim " + c.DimPath(src, d) + "\n";
  std::vector<std::string> items;
  for (const auto& d : g.decompositions) items.push_back("decompose " + c.Expr(d.value) + "=" + c.Expr(d.rhs));
  for (const auto& a : g.alerts) items.push_back(fmt::format("alert {} {} {}", a.severity, c.Expr(a.cond), a.message));
  std::sort(items.begin(), items.end());
  s += fmt::format("{}\n", fmt::join(items, "\n"));
  return Hash128(s);
}

void SourcesUnder(const Module& m, int node, std::set<int>* out) {
  std::set<int> metrics;
  MetricsUnder(m, node, &metrics);
  std::vector<int> todo{node};
  for (int i : metrics) todo.push_back(m.metrics[static_cast<size_t>(i)].root);
  size_t steps = 0;
  while (!todo.empty() && ++steps < 1'000'000) {
    int at = todo.back();
    todo.pop_back();
    if (at < 0) continue;
    const Node& n = m.node(at);
    if (n.kind == Kind::kColumn && n.source >= 0) out->insert(n.source);
    for (int a : n.args) todo.push_back(a);
  }
}

std::string BreakdownFingerprint(const Module& m, const std::string& dim, const std::set<int>& sources) {
  Canon c(m);
  std::string s = "kpic-breakdown-fingerprint-1\n";
  for (int src : sources) s += c.DimPath(src, dim) + "\n";
  return Hash128(s);
}

std::string RoleFingerprint(const Module& m, const Role& r) {
  Canon c(m);
  std::string s = "kpic-role-fingerprint-1\n";
  for (const auto& p : r.params) s += "param " + p.name + ":" + c.Scalar(p.scalar) + "\n";
  std::vector<std::string> items;
  for (const auto& it : r.items)
    items.push_back(fmt::format("{} {} {}", it.source >= 0 ? m.sources[static_cast<size_t>(it.source)].key : "?",
                                it.all ? "all" : "", it.filter >= 0 ? c.Expr(it.filter) : ""));
  for (const auto& h : r.hidden)
    items.push_back(fmt::format("hide {}.{}", h.source >= 0 ? m.sources[static_cast<size_t>(h.source)].key : "?",
                                h.source >= 0 && h.column >= 0
                                    ? m.sources[static_cast<size_t>(h.source)].columns[static_cast<size_t>(h.column)].name
                                    : "?"));
  std::sort(items.begin(), items.end());
  s += fmt::format("{}\n", fmt::join(items, "\n"));
  return Hash128(s);
}

void MetricsUnder(const Module& m, int node, std::set<int>* out) {
  if (node < 0) return;
  std::vector<int> todo{node};
  size_t steps = 0;
  while (!todo.empty() && ++steps < 1'000'000) {
    const Node& n = m.node(todo.back());
    todo.pop_back();
    if (n.kind == Kind::kMetric && n.metric >= 0 && out->insert(n.metric).second)
      todo.push_back(m.metrics[static_cast<size_t>(n.metric)].root);
    for (int a : n.args)
      if (a >= 0) todo.push_back(a);
  }
}

std::string MetricFingerprint(const Module& m, int metric) { return MetricFingerprints(m).Of(metric); }

}  // namespace kpic::ir
