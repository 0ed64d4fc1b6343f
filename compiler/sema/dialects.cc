// Declared SQL dialects (sema/dialects.h).
#include "sema/dialects.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

namespace kpic {
namespace {

using builtins::Dialect;

/// A refused construct: where it is reported (the call, or the use of
/// another package's metric that contains it) and the call itself.
struct Finding {
  Span at;
  Span call;
  builtins::Fn fn = builtins::Fn::kSum;
  std::string via;  ///< the other package's metric, when `at` is its use
  std::vector<Dialect> dialects;
};

class Finder {
 public:
  Finder(const ir::Module& m, std::vector<Dialect> dialects) : m_(m), dialects_(std::move(dialects)) {}

  void Root(int node, const std::string& package) { Walk(node, package, Span{}, ""); }

  /// The findings in source order.
  std::vector<Finding> Take() {
    std::vector<Finding> out;
    for (auto& [k, f] : found_) out.push_back(std::move(f));
    return out;
  }

 private:
  void Walk(int i, const std::string& home, Span anchor, const std::string& via) {
    if (i < 0 || static_cast<size_t>(i) >= m_.nodes.size()) return;
    if (!seen_.insert({i, anchor.file, anchor.begin}).second) return;
    const ir::Node& n = m_.node(i);
    if (n.kind == ir::Kind::kCall || n.kind == ir::Kind::kMethod || n.kind == ir::Kind::kMember) {
      const builtins::Builtin& b = builtins::Get(n.fn);
      for (Dialect d : dialects_) {
        if (!b.dialects[static_cast<int>(d)].refused) continue;
        Span at = anchor.valid() ? anchor : n.span;
        Finding& f = found_[{at.file, at.begin, at.end}];
        if (f.dialects.empty()) {
          f.at = at;
          f.call = n.span;
          f.fn = n.fn;
          f.via = via;
        }
        bool dup = false;
        for (Dialect x : f.dialects) dup |= x == d;
        if (!dup) f.dialects.push_back(d);
      }
    }
    if (n.kind == ir::Kind::kMetric && n.metric >= 0 && static_cast<size_t>(n.metric) < m_.metrics.size()) {
      const ir::Metric& mt = m_.metrics[static_cast<size_t>(n.metric)];
      if (mt.ok && mt.root >= 0) {
        if (!anchor.valid() && mt.package != home)
          Walk(mt.root, home, n.span, mt.name);
        else
          Walk(mt.root, home, anchor, via);
      }
    }
    for (int a : n.args) Walk(a, home, anchor, via);
  }

  const ir::Module& m_;
  std::vector<Dialect> dialects_;
  std::set<std::tuple<int, FileId, uint32_t>> seen_;
  std::map<std::tuple<FileId, uint32_t, uint32_t>, Finding> found_;
};

std::string DialectList(const std::vector<Dialect>& ds) {
  std::string out;
  for (size_t i = 0; i < ds.size(); ++i)
    out += fmt::format("{}`{}`", i == 0 ? "" : i + 1 == ds.size() ? " and " : ", ", builtins::DialectName(ds[i]));
  return out;
}

/// The dialects that compute `fn`.
std::string Computing(builtins::Fn fn) {
  std::vector<std::string> ok;
  for (int d = 0; d < builtins::kDialectCount; ++d)
    if (!builtins::Get(fn).dialects[d].refused) ok.push_back(builtins::DialectName(static_cast<Dialect>(d)));
  return fmt::format("{}", fmt::join(ok, ", "));
}

Diagnostic& Report(const Finding& f, DiagnosticSink& diags) {
  const builtins::Builtin& b = builtins::Get(f.fn);
  std::string what = f.via.empty() ? fmt::format("`{}`", b.name)
                                   : fmt::format("metric `{}`, which uses `{}`,", f.via, b.name);
  auto& d = diags.Report(DiagCode::E0502, f.at,
                         fmt::format("{} cannot be computed in {} {}", what,
                                     f.dialects.size() == 1 ? "dialect" : "dialects", DialectList(f.dialects)));
  std::vector<std::string> names;
  for (Dialect x : f.dialects) names.push_back(builtins::DialectName(x));
  d.span_label = fmt::format("not in {}", fmt::join(names, ", "));
  if (!f.via.empty()) d.Label(f.call, fmt::format("`{}` is here", b.name));
  for (Dialect x : f.dialects)
    d.Note(fmt::format("{}: {}", builtins::DialectName(x), b.dialects[static_cast<int>(x)].refused));
  return d;
}

}  // namespace

void CheckDeclaredDialects(const Catalog& catalog, DiagnosticSink& diags) {
  const ir::Module& m = catalog.checked.ir;
  for (const auto& [name, pkg] : catalog.packages) {
    if (pkg.from_stdlib || pkg.dialects.empty()) continue;
    std::vector<Dialect> ds;
    for (const auto& x : pkg.dialects) ds.push_back(x.dialect);
    Finder finder(m, ds);
    for (const ir::Metric& mt : m.metrics)
      if (mt.package == name && mt.ok) finder.Root(mt.root, name);
    for (const ir::Goal& g : m.goals) {
      if (g.package != name) continue;
      for (int n : {g.metric, g.target_lhs, g.target_rhs}) finder.Root(n, name);
      for (const auto& dc : g.decompositions) {
        finder.Root(dc.value, name);
        finder.Root(dc.rhs, name);
      }
      for (const auto& a : g.alerts) finder.Root(a.cond, name);
    }
    for (const ir::Report& r : m.reports)
      if (r.package == name)
        for (const auto& c : r.charts) finder.Root(c.node, name);
    for (const Finding& f : finder.Take()) {
      Diagnostic& d = Report(f, diags);
      for (const auto& x : pkg.dialects)
        for (Dialect y : f.dialects)
          if (x.dialect == y)
            d.Label(x.span, fmt::format("package `{}` declares `{}`", name, builtins::DialectName(y)));
      d.Help(fmt::format("`{}` is computed by {} and `kpic run`; compute the metric there, or remove the dialect "
                         "from `dialects`",
                         builtins::Get(f.fn).name, Computing(f.fn)));
    }
  }
}

size_t CheckDialect(const ir::Module& m, Dialect dialect, const std::vector<DialectRoot>& roots,
                    DiagnosticSink& diags) {
  Finder finder(m, {dialect});
  for (const DialectRoot& r : roots) finder.Root(r.node, r.package);
  std::vector<Finding> found = finder.Take();
  for (const Finding& f : found)
    Report(f, diags)
        .Help(fmt::format("`{}` is computed by {} and `kpic run`", builtins::Get(f.fn).name, Computing(f.fn)))
        .Help(fmt::format("a package that must compile to {0} declares it (`package NAME {{ dialects {0} }}`), so "
                          "that `kpic check` and the editor report this",
                          builtins::DialectName(dialect)));
  return found.size();
}

}  // namespace kpic
