// What a plan keeps of each source's rows (exec/binding.h, Pruning), so
// that readers with statistics can skip data that no scan would use.
//
// A source's rows are kept when any of its scans would use them, so the
// time range is the hull of its scans' ranges, and a column's value set
// the union of theirs; a scan without a range, or without a condition on
// a column, keeps everything. A scan's time range is its own (--from/--to
// not on period boundaries: the scan drops the other rows itself), else
// the plan's --from/--to when the scan serves no period operator and the
// plan has no goals (then the evaluator never looks outside the window:
// goals' alerts look at the period before the first). Value sets come
// from the role's row filter only (a conjunction of `column == constant`,
// `column in (...)` and disjunctions of those over one column): rows an
// aggregate's own filter drops still make their group exist. A source
// that is also read as a lookup is not pruned.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "exec/execute.h"

namespace kpic::exec {

namespace {

using plan::RowNode;

/// The values of one scan column that a condition allows.
struct Allowed {
  int column = -1;
  std::vector<std::string> strings;
  std::vector<int64_t> ints;
};

/// `column == constant` (either side) or `column in (constants)`, over a
/// column of the scanned source itself, with constants of its type.
std::optional<Allowed> Simple(const plan::Scan& sc, int n) {
  const RowNode& node = sc.nodes[static_cast<size_t>(n)];
  auto column_of = [&](int a) -> int {
    const RowNode& c = sc.nodes[static_cast<size_t>(a)];
    if (c.op != RowNode::Op::kColumn) return -1;
    return sc.columns[static_cast<size_t>(c.column)].path.size() == 1 ? c.column : -1;
  };
  auto add = [&](Allowed& out, int a) {
    const RowNode& k = sc.nodes[static_cast<size_t>(a)];
    const plan::ScanColumn& col = sc.columns[static_cast<size_t>(out.column)];
    if (k.op != RowNode::Op::kConst || k.type != col.type) return false;
    if (col.type == plan::VT::kDecimal && k.scale != col.scale) return false;
    switch (col.type) {
      case plan::VT::kString:
        out.strings.push_back(k.s);
        return true;
      case plan::VT::kInt:
      case plan::VT::kBool:
      case plan::VT::kDate:
      case plan::VT::kDecimal:
        out.ints.push_back(k.i);
        return true;
      default:
        return false;
    }
  };
  if (node.op == RowNode::Op::kEq && node.args.size() == 2) {
    for (int side = 0; side < 2; ++side) {
      Allowed a;
      a.column = column_of(node.args[static_cast<size_t>(side)]);
      if (a.column >= 0 && add(a, node.args[static_cast<size_t>(1 - side)])) return a;
    }
    return std::nullopt;
  }
  if (node.op == RowNode::Op::kIn && !node.negated && node.args.size() >= 2) {
    Allowed a;
    a.column = column_of(node.args[0]);
    if (a.column < 0) return std::nullopt;
    for (size_t i = 1; i < node.args.size(); ++i)
      if (!add(a, node.args[i])) return std::nullopt;
    return a;
  }
  if (node.op == RowNode::Op::kOr && node.args.size() == 2) {
    auto l = Simple(sc, node.args[0]), r = Simple(sc, node.args[1]);
    if (!l || !r || l->column != r->column) return std::nullopt;
    l->strings.insert(l->strings.end(), r->strings.begin(), r->strings.end());
    l->ints.insert(l->ints.end(), r->ints.begin(), r->ints.end());
    return l;
  }
  return std::nullopt;
}

/// The conjuncts of a filter that Simple understands.
void Conjuncts(const plan::Scan& sc, int n, std::vector<Allowed>* out) {
  const RowNode& node = sc.nodes[static_cast<size_t>(n)];
  if (node.op == RowNode::Op::kAnd && node.args.size() == 2) {
    Conjuncts(sc, node.args[0], out);
    Conjuncts(sc, node.args[1], out);
    return;
  }
  if (auto a = Simple(sc, n)) out->push_back(std::move(*a));
}

}  // namespace

std::map<std::string, Pruning> PlanPruning(const plan::Plan& p) {
  std::map<std::string, std::vector<const plan::Scan*>> scans;
  std::set<std::string> looked_up;
  for (const plan::Scan& sc : p.scans) {
    // A past-to scan reads nothing the others do not: the rows past --to
    // are told by the statistics (ScanResult::rows_past_to), not read.
    if (!sc.past_to) scans[sc.source].push_back(&sc);
    for (const plan::ScanColumn& c : sc.columns)
      for (size_t i = 1; i < c.sources.size(); ++i) looked_up.insert(c.sources[i]);
  }
  std::map<std::string, Pruning> out;
  for (const auto& [source, list] : scans) {
    if (looked_up.count(source)) continue;
    Pruning pr;
    // Time: the hull of the scans' ranges.
    bool lower = true, upper = true;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (const plan::Scan* sc : list) {
      std::optional<int32_t> from = sc->from_day, to = sc->to_day;
      if (!from && !to && !sc->windowed && p.goals.empty()) from = p.from_day, to = p.to_day;
      if (from)
        lo = std::min(lo, *from);
      else
        lower = false;
      if (to)
        hi = std::max(hi, *to);
      else
        upper = false;
      if (sc->time_column >= 0) {
        const plan::ScanColumn& t = sc->columns[static_cast<size_t>(sc->time_column)];
        pr.time_column = t.path[0];
        pr.time_is_date = t.type == plan::VT::kDate;
        pr.keep_nulls = t.path[0];  // rows without a time are counted
      } else {
        lower = upper = false;
      }
    }
    if (lower) pr.from_day = lo;
    if (upper) pr.to_day = hi;
    // Values: columns that every scan's role filter restricts.
    std::map<std::string, Pruning::Values> common;
    for (size_t k = 0; k < list.size(); ++k) {
      std::vector<Allowed> conj;
      if (list[k]->filter >= 0) Conjuncts(*list[k], list[k]->filter, &conj);
      std::map<std::string, Pruning::Values> mine;
      for (const Allowed& a : conj) {
        const std::string& name = list[k]->columns[static_cast<size_t>(a.column)].path[0];
        auto [it, fresh] = mine.try_emplace(name, Pruning::Values{name, a.strings, a.ints});
        if (!fresh) {
          // Two conditions on one column: either set bounds it; keep the smaller.
          if (a.strings.size() + a.ints.size() < it->second.strings.size() + it->second.ints.size())
            it->second = Pruning::Values{name, a.strings, a.ints};
        }
      }
      if (k == 0) {
        common = std::move(mine);
        continue;
      }
      for (auto it = common.begin(); it != common.end();) {
        auto m = mine.find(it->first);
        if (m == mine.end()) {
          it = common.erase(it);
          continue;
        }
        it->second.strings.insert(it->second.strings.end(), m->second.strings.begin(), m->second.strings.end());
        it->second.ints.insert(it->second.ints.end(), m->second.ints.begin(), m->second.ints.end());
        ++it;
      }
    }
    for (auto& [name, v] : common) pr.values.push_back(std::move(v));
    if (!pr.empty()) out[source] = std::move(pr);
  }
  return out;
}

}  // namespace kpic::exec
