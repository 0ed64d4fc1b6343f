// The catalog as one JSON document (the CLI contract's), which the
// Markdown and HTML renderers (catalog_markdown.cc, catalog_html.cc) show,
// and the lineage tree of `kpic explain METRIC`. Everything is read from
// the checked session; nothing here re-resolves names.
#include "driver/catalog_export.h"

#include "driver/catalog_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/utf8.h"
#include "ir/fingerprint.h"
#include "output/csp.h"
#include "output/output.h"
#include "output/present.h"
#include "output/values.h"
#include "sema/checked.h"
#include "sema/governance.h"

namespace kpic {
namespace {

using nlohmann::json;

std::string Attr(const std::vector<ast::Attribute>& attrs, const std::string& key, const std::string& lang = "") {
  for (const auto& a : attrs)
    if (a.key.name == key && a.lang == lang && !a.values.empty()) return a.values[0].text;
  return {};
}

std::string Description(const ast::MetricDecl& m) {
  std::string d = Attr(m.attrs, "description");
  return d.empty() ? m.doc : d;
}

json Location(const Session& s, Span span) {
  if (!span.valid()) return nullptr;
  Position p = s.sm.Resolve(span.file, span.begin);
  return {{"file", s.sm.Get(span.file).path}, {"line", p.line}, {"column", p.char_column}};
}

std::string Text(const Session& s, Span span) { return std::string(s.sm.Text(span)); }

/// User packages first-class; stdlib packages only contribute functions.
bool IsStdlib(const Session& s, const Package& p) { return p.from_stdlib; }

json MetricJson(const Session& s, const std::string& name, const MetricType& t) {
  const ast::MetricDecl& m = *t.decl;
  json labels = json::object();
  for (const auto& a : m.attrs)
    if (a.key.name == "label" && !a.lang.empty() && !a.values.empty()) labels[a.lang] = a.values[0].text;
  json tags = json::array();
  for (const auto& a : m.attrs)
    if (a.key.name == "tags")
      for (const auto& v : a.values) tags.push_back(v.text);
  std::string owner = Attr(m.attrs, "owner");
  return {{"name", name},
          {"package", t.package},
          {"label", m.label ? json(*m.label) : json(nullptr)},
          {"labels", labels},
          {"unit", t.ok ? json(t.unit.ToString()) : json(nullptr)},
          {"percent", t.percent},
          {"additivity", t.ok ? json(AdditivityName(t.additivity)) : json(nullptr)},
          {"formula", m.expr ? Text(s, m.expr->span) : ""},
          {"sources", json(std::vector<std::string>(t.sources.begin(), t.sources.end()))},
          {"columns", json(std::vector<std::string>(t.columns.begin(), t.columns.end()))},
          {"dimensions", json(std::vector<std::string>(t.dimensions.begin(), t.dimensions.end()))},
          {"time", t.has_time},
          {"depends_on", json(std::vector<std::string>(t.depends_on.begin(), t.depends_on.end()))},
          {"owner", owner.empty() ? json(nullptr) : json(owner)},
          {"description", Description(m).empty() ? json(nullptr) : json(Description(m))},
          {"tags", tags},
          {"location", Location(s, m.name.span)}};
}

json ColumnJson(const ast::Column& c) {
  json j = {{"name", c.name.name}, {"type", c.type.name.name}, {"key", c.key}, {"time", c.time}};
  if (c.type.scale) j["scale"] = *c.type.scale;
  if (c.header) j["header"] = *c.header;
  if (c.unit) j["unit"] = c.unit->ToString();
  if (c.dimension) j["dimension"] = c.dimension->name;
  if (c.entity) j["entity"] = c.entity->name;
  if (c.references) j["references"] = c.references->Joined();
  if (c.rollup) j["rollup"] = c.rollup->name;
  return j;
}

json BindingJson(const ast::Binding& b) {
  json args = json::array();
  for (const auto& a : b.args) {
    json v = a.value.kind == ast::AttrValue::Kind::kList ? json::array() : json(a.value.text);
    if (a.value.kind == ast::AttrValue::Kind::kList)
      for (const auto& item : a.value.list) v.push_back(item.text);
    args.push_back({{"name", a.name ? json(a.name->name) : json(nullptr)}, {"value", v}});
  }
  return {{"kind", b.kind.name}, {"args", args}};
}

json GoalJson(const Session& s, const std::string& pkg, const ast::GoalDecl& g) {
  json j = {{"name", g.name.name}, {"package", pkg}, {"label", g.label ? json(*g.label) : json(nullptr)}};
  json alerts = json::array(), drill = json::array(), decompose = json::array();
  std::string owner;
  for (const ast::GoalItem& it : g.items) {
    using K = ast::GoalItem::Kind;
    switch (it.kind) {
      case K::kMetric:
        j["metric"] = it.expr ? Text(s, it.expr->span) : "";
        break;
      case K::kPeriod:
        j["period"] = it.text + (it.period_end.empty() ? "" : " .. " + it.period_end);
        if (it.name) j["grain"] = it.name->name;
        break;
      case K::kGrain:
        if (it.name) j["grain"] = it.name->name;
        break;
      case K::kTarget:
        j["target"] = it.expr ? Text(s, it.expr->span) : "";
        break;
      case K::kDecompose:
        decompose.push_back(
            {{"metric", it.name ? it.name->name : ""}, {"formula", it.expr ? Text(s, it.expr->span) : ""}});
        break;
      case K::kDrill:
        for (const auto& d : it.names) drill.push_back(d.name);
        break;
      case K::kAlert:
        alerts.push_back({{"name", it.text.empty() ? json(nullptr) : json(it.text)},
                          {"condition", it.expr ? Text(s, it.expr->span) : ""},
                          {"severity", it.severity ? it.severity->name : "warning"}});
        break;
      case K::kAttr:
        if (it.attr.key.name == "owner" && !it.attr.values.empty()) owner = it.attr.values[0].text;
        break;
      default:
        break;
    }
  }
  j["owner"] = owner.empty() ? json(nullptr) : json(owner);
  j["decompose"] = decompose;
  j["drill"] = drill;
  j["alerts"] = alerts;
  j["location"] = Location(s, g.name.span);
  return j;
}

template <typename T, typename Fn>
void ForEachDecl(const Session& s, ast::DeclKind kind, Fn fn) {
  for (const auto& [pname, pkg] : s.catalog.packages) {
    if (IsStdlib(s, pkg) && kind != ast::DeclKind::kFn) continue;
    for (const auto& [name, d] : pkg.decls)
      if (d->kind == kind) fn(pname, static_cast<const T&>(*d));
  }
}


}  // namespace

namespace {

// ---- the catalog as one document ------------------------------------------------------
// Everything the three formats show is gathered here, once, into the JSON
// document of the CLI contract; Markdown and HTML render that document, so
// that the three never disagree and Markdown is as complete as HTML.

/// Visits expression `node`; `through` also descends into the metrics it
/// reads (their formulas), otherwise a metric is a leaf.
void Walk(const ir::Module& mod, int node, bool through, const std::function<void(const ir::Node&)>& fn,
          std::set<int>* seen) {
  if (node < 0 || !seen->insert(node).second) return;
  const ir::Node& n = mod.node(node);
  fn(n);
  if (n.kind == ir::Kind::kMetric) {
    if (through && n.metric >= 0) Walk(mod, mod.metrics[n.metric].root, through, fn, seen);
    return;
  }
  for (int a : n.args) Walk(mod, a, through, fn, seen);
}

/// The metrics expression `node` names itself (not those under them).
void DirectMetrics(const ir::Module& mod, int node, std::set<std::string>* out) {
  std::set<int> seen;
  Walk(
      mod, node, false,
      [&](const ir::Node& n) {
        if (n.kind == ir::Kind::kMetric && n.metric >= 0) out->insert(mod.metrics[n.metric].name);
      },
      &seen);
}

std::string SourceKey(const ir::Module& mod, int i) { return i >= 0 ? mod.sources[i].key : ""; }

std::string TypeText(const ir::Scalar& t) {
  return t.vt == ir::VT::kDecimal ? fmt::format("decimal({})", t.scale) : ir::VTName(t.vt);
}

json Names(const std::set<std::string>& s) { return json(std::vector<std::string>(s.begin(), s.end())); }

const char* CheckName(ir::Expectation::Check c) {
  using C = ir::Expectation::Check;
  switch (c) {
    case C::kUnique:
      return "unique";
    case C::kNotNull:
      return "not_null";
    case C::kAccepted:
      return "accepted_values";
    case C::kFound:
      return "found_in";
    case C::kFresh:
      return "fresh";
    case C::kRows:
      return "rows";
    case C::kRange:
      return "range";
    case C::kReconcile:
      return "reconciles";
  }
  return "?";
}

/// What a metric is built from, through every level: the metrics under it,
/// the sources of every row read and every column looked up on the way
/// (`orders.product_id.unit_cost` reads `products` too), and the columns.
struct Under {
  std::set<std::string> metrics, sources, columns;
};

Under MetricUnder(const ir::Module& mod, const MetricType& t) {
  Under u;
  std::set<int> seen;
  if (t.ir >= 0)
    Walk(
        mod, mod.metrics[t.ir].root, true, [](const ir::Node&) {}, &seen);
  for (int id : seen) {
    const ir::Node& n = mod.node(id);
    if (n.kind == ir::Kind::kMetric && n.metric >= 0) u.metrics.insert(mod.metrics[n.metric].name);
    if (n.kind == ir::Kind::kRows && n.source >= 0) u.sources.insert(SourceKey(mod, n.source));
    // `convert`'s rates: a source it reads, and the columns it reads of it
    // (the rates were in no lineage, and read by no metric: governance
    // probe, 2026-12-07).
    if (n.kind == ir::Kind::kSymbol && n.source >= 0 && !n.path.empty()) {
      u.sources.insert(SourceKey(mod, n.source));
      const ir::Source& rates = mod.sources[static_cast<size_t>(n.source)];
      for (int c : n.path)
        if (c >= 0 && c < static_cast<int>(rates.columns.size()))
          u.columns.insert(rates.name + "." + rates.columns[static_cast<size_t>(c)].name);
    }
    if (n.kind != ir::Kind::kColumn || n.source < 0) continue;
    u.columns.insert(ir::DumpNode(mod, id));
    int src = n.source;
    for (int c : n.path) {
      if (src < 0 || c < 0 || c >= static_cast<int>(mod.sources[src].columns.size())) break;
      u.sources.insert(SourceKey(mod, src));
      src = mod.sources[src].columns[c].references;
    }
  }
  return u;
}

/// The languages a package's labels are in (`languages "zh", "en"`; the
/// first is the main label's), or none.
std::vector<std::string> Languages(const Package& pkg) {
  std::vector<std::string> out;
  for (const ast::PackageDecl* clause : pkg.clauses)
    for (const auto& a : clause->attrs)
      if (a.key.name == "languages")
        for (const ast::AttrValue* v : DialectValues(a)) out.push_back(v->text);
  return out;
}

/// The declared languages an entry has no label in: the main label for the
/// first, `label.xx` for the others (`labels`).
json MissingLabels(const Session& s, const std::string& pkg, bool has_label, const json& labels) {
  json out = json::array();
  auto it = s.catalog.packages.find(pkg);
  if (it == s.catalog.packages.end()) return out;
  std::vector<std::string> langs = Languages(it->second);
  for (size_t i = 0; i < langs.size(); ++i)
    if (i == 0 ? !has_label : !labels.contains(langs[i])) out.push_back(langs[i]);
  return out;
}

/// Who uses what, computed once from the IR.
struct Uses {
  std::map<std::string, std::set<std::string>> metric_metrics;   ///< metric -> metrics naming it
  std::map<std::string, std::set<std::string>> metric_goals;     ///< metric -> goals naming it
  std::map<std::string, std::set<std::string>> metric_reports;   ///< metric -> reports showing it
  std::map<std::string, std::vector<std::string>> metric_tests;  ///< metric -> expectations naming it
  std::map<std::string, std::set<std::string>> source_metrics;   ///< source key -> metrics reading it
  std::map<std::string, std::vector<std::string>> source_tests;  ///< source key -> expectations on it
  std::map<std::string, std::set<std::string>> goal_metrics;     ///< goal -> metrics it names
  std::map<std::string, std::set<std::string>> goal_reports;
  std::map<std::string, std::set<std::string>> role_reports;
};

Uses FindUses(const Session& s) {
  const ir::Module& mod = s.catalog.checked.ir;
  Uses u;
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    for (const std::string& d : t.depends_on) u.metric_metrics[d].insert(name);
    for (const std::string& src : MetricUnder(s.catalog.checked.ir, t).sources) u.source_metrics[src].insert(name);
  }
  for (const ir::Goal& g : mod.goals) {
    std::set<std::string>& ms = u.goal_metrics[g.name];
    for (int n : {g.metric, g.target_lhs, g.target_rhs}) DirectMetrics(mod, n, &ms);
    for (const auto& d : g.decompositions) {
      DirectMetrics(mod, d.value, &ms);
      DirectMetrics(mod, d.rhs, &ms);
    }
    for (const auto& a : g.alerts) DirectMetrics(mod, a.cond, &ms);
    for (const std::string& m : ms) u.metric_goals[m].insert(g.name);
  }
  for (const ir::Report& r : mod.reports) {
    std::set<std::string> ms(r.metrics.begin(), r.metrics.end());
    for (const auto& c : r.charts) DirectMetrics(mod, c.node, &ms);
    for (const std::string& m : ms) u.metric_reports[m].insert(r.name);
    for (const std::string& g : r.goals) u.goal_reports[g].insert(r.name);
    if (!r.role.empty()) u.role_reports[r.role].insert(r.name);
  }
  for (const ir::Expectation& e : mod.expectations) {
    std::set<std::string> ms;
    DirectMetrics(mod, e.expr, &ms);
    DirectMetrics(mod, e.other, &ms);
    for (const std::string& m : ms) u.metric_tests[m].push_back(e.text);
    if (e.source >= 0) u.source_tests[SourceKey(mod, e.source)].push_back(e.text);
  }
  return u;
}

json Labels(const std::vector<ast::Attribute>& attrs) {
  json labels = json::object();
  for (const auto& a : attrs)
    if (a.key.name == "label" && !a.lang.empty() && !a.values.empty()) labels[a.lang] = a.values[0].text;
  return labels;
}

json OrNull(const std::string& v) { return v.empty() ? json(nullptr) : json(v); }

/// How a metric's numbers look in the table and HTML outputs: a sample
/// value shown through the presentation layer (output/present.h).
std::string LooksLike(const std::string& format, const std::string& unit, bool percent) {
  output::Look look = output::LookOf(format, unit, percent);
  if (look.count) return output::Show(engine::Val::Int(12345), look);
  return output::Show(percent && format.empty() ? 0.1234 : 12345.678, look);
}

}  // namespace

json catalog::Document(const Session& s) {
  const ir::Module& mod = s.catalog.checked.ir;
  Uses u = FindUses(s);
  json metrics = json::array(), dims = json::array(), sources = json::array(), goals = json::array(),
       fns = json::array(), roles = json::array(), reports = json::array(), tests = json::array();
  ir::MetricFingerprints fps(mod);
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    json j = MetricJson(s, name, t);
    const ast::MetricDecl& m = *t.decl;
    j["labels"] = Labels(m.attrs);
    j["missing_labels"] = MissingLabels(s, t.package, m.label.has_value(), j["labels"]);
    std::string format = Attr(m.attrs, "format");
    j["format"] = OrNull(format);
    j["looks_like"] = t.ok ? json(LooksLike(format, t.unit.ToString(), t.percent)) : json(nullptr);
    j["deprecated"] = OrNull(Attr(m.attrs, "deprecated"));
    j["status"] = OrNull(MetricStatus(m.attrs));
    j["approver"] = OrNull(Attr(m.attrs, "approver"));
    j["definition"] = OrNull(Attr(m.attrs, "definition"));
    j["fingerprint"] = t.ir >= 0 && t.ok ? OrNull(fps.Of(t.ir)) : json(nullptr);
    // Lineage: everything under it, through every level, and its users.
    Under under = MetricUnder(mod, t);
    const auto& [all_metrics, all_sources, all_columns] = under;
    std::set<std::string> rows;  // the sources whose rows its own formula counts
    std::set<int> own;
    if (t.ir >= 0)
      Walk(
          mod, mod.metrics[t.ir].root, false,
          [&](const ir::Node& n) {
            if (n.kind == ir::Kind::kRows && n.source >= 0) rows.insert(SourceKey(mod, n.source));
          },
          &own);
    j["lineage"] = {{"metrics", Names(all_metrics)},
                    {"counts_rows_of", Names(rows)},
                    {"sources", Names(all_sources)},
                    {"columns", Names(all_columns)},
                    {"used_by",
                     {{"metrics", Names(u.metric_metrics[name])},
                      {"goals", Names(u.metric_goals[name])},
                      {"reports", Names(u.metric_reports[name])},
                      {"expectations", json(u.metric_tests[name])}}}};
    metrics.push_back(j);
  }
  ForEachDecl<ast::DimensionDecl>(
      s, ast::DeclKind::kDimension, [&](const std::string& pkg, const ast::DimensionDecl& d) {
        json provided = json::array(), with = json::array(), drilled = json::array(), values = json::array();
        for (size_t i = 0; i < mod.sources.size(); ++i) {
          if (mod.sources[i].stdlib) continue;
          std::vector<std::pair<int, int>> path;
          if (!mod.DimPath(static_cast<int>(i), d.name.name, &path)) continue;
          std::string via;
          for (const auto& [src, col] : path)
            via += (via.empty() ? "" : " -> ") + mod.sources[src].name + "." + mod.sources[src].columns[col].name;
          provided.push_back({{"source", mod.sources[i].key}, {"path", via}});
        }
        for (const auto& [name, t] : s.catalog.checked.metrics)
          if (t.dimensions.count(d.name.name)) with.push_back(name);
        for (const ir::Goal& g : mod.goals)
          if (std::find(g.drills.begin(), g.drills.end(), d.name.name) != g.drills.end()) drilled.push_back(g.name);
        for (const auto& a : d.attrs)
          if (a.key.name == "values")
            for (const ast::AttrValue* v : DialectValues(a)) values.push_back(v->text);  // lists flattened
        std::string desc = Attr(d.attrs, "description");
        dims.push_back({{"name", d.name.name},
                        {"package", pkg},
                        {"label", d.label ? json(*d.label) : json(nullptr)},
                        {"labels", Labels(d.attrs)},
                        {"type", d.type ? d.type->name.name : "string"},
                        {"description", OrNull(desc.empty() ? d.doc : desc)},
                        {"owner", OrNull(Attr(d.attrs, "owner"))},
                        {"values", values},
                        {"sources", provided},
                        {"metrics", with},
                        {"goals", drilled},
                        {"location", Location(s, d.name.span)}});
      });
  ForEachDecl<ast::SourceDecl>(s, ast::DeclKind::kSource, [&](const std::string& pkg, const ast::SourceDecl& d) {
    std::string key = pkg + ":" + d.name.name;
    const ir::Source* src = mod.FindSource(key);
    json cols = json::array();
    for (size_t i = 0; i < d.columns.size(); ++i) {
      json c = ColumnJson(d.columns[i]);
      if (d.columns[i].label) c["label"] = *d.columns[i].label;
      if (src && i < src->columns.size()) {
        const ir::Column& ic = src->columns[i];
        c["value_type"] = TypeText(ic.scalar);
        if (ic.references >= 0) c["references_source"] = SourceKey(mod, ic.references);
        json hidden_from = json::array();
        int si = mod.source_index.at(key);
        for (const ir::Role& r : mod.roles)
          if (r.Hides(si, static_cast<int>(i))) hidden_from.push_back(r.name);
        if (!hidden_from.empty()) c["hidden_from"] = hidden_from;
      }
      cols.push_back(c);
    }
    json referenced_by = json::array();
    std::set<std::string> role_rules;
    for (const ir::Source& o : mod.sources)
      for (const ir::Column& c : o.columns)
        if (c.references >= 0 && mod.sources[c.references].key == key) referenced_by.push_back(o.key + "." + c.name);
    for (const ir::Role& r : mod.roles) {
      bool named = false;
      for (const auto& it : r.items) named |= SourceKey(mod, it.source) == key;
      if (!named) continue;
      role_rules.insert(r.name);
    }
    json data = nullptr;
    if (src && src->binding)
      data = {{"kind", src->binding->kind},
              {"location", src->binding->location},
              {"table", OrNull(src->binding->kind == "csv" ? "" : src->binding->table)}};
    sources.push_back({{"name", d.name.name},
                       {"package", pkg},
                       {"key", key},
                       {"label", d.label ? json(*d.label) : json(nullptr)},
                       {"description", OrNull(d.doc)},
                       {"binding", d.binding ? BindingJson(*d.binding) : json(nullptr)},
                       {"data", data},
                       {"columns", cols},
                       {"referenced_by", referenced_by},
                       {"used_by",
                        {{"metrics", Names(u.source_metrics[key])},
                         {"roles", Names(role_rules)},
                         {"expectations", json(u.source_tests[key])}}},
                       {"location", Location(s, d.name.span)}});
  });
  ForEachDecl<ast::GoalDecl>(s, ast::DeclKind::kGoal, [&](const std::string& pkg, const ast::GoalDecl& g) {
    json j = GoalJson(s, pkg, g);
    const ir::Goal* ig = mod.FindGoal(g.name.name);
    j["description"] = OrNull(g.doc);
    json labels = json::object();
    for (const ast::GoalItem& it : g.items)
      if (it.kind == ast::GoalItem::Kind::kAttr && it.attr.key.name == "label" && !it.attr.lang.empty() &&
          !it.attr.values.empty())
        labels[it.attr.lang] = it.attr.values[0].text;
    j["labels"] = labels;
    j["missing_labels"] = MissingLabels(s, pkg, g.label.has_value(), labels);
    j["metrics"] = Names(u.goal_metrics[g.name.name]);
    j["reports"] = Names(u.goal_reports[g.name.name]);
    j["at_risk"] = ig && ig->at_risk ? json(*ig->at_risk) : json(nullptr);
    j["at_risk_text"] = ig && ig->at_risk ? json(output::Show(*ig->at_risk, output::PercentLook())) : json(nullptr);
    j["phasing"] = OrNull(ig ? ig->phasing : "");
    j["allocate"] = OrNull(ig ? ig->allocate : "");
    j["drill_top"] = ig && ig->drill_top ? json(*ig->drill_top) : json(nullptr);
    goals.push_back(j);
  });
  ForEachDecl<ast::RoleDecl>(s, ast::DeclKind::kRole, [&](const std::string& pkg, const ast::RoleDecl& r) {
    json params = json::array(), rows = json::array(), hidden = json::array(), unnamed = json::array();
    for (const auto& p : r.params) params.push_back({{"name", p.name.name}, {"type", p.type ? p.type->name.name : ""}});
    std::set<std::string> named;
    for (const auto& it : r.items) {
      if (!it.source.parts.empty()) {
        std::string src = it.source.Joined();
        named.insert(src);
        rows.push_back(
            {{"source", src}, {"all", it.all}, {"filter", it.filter ? json(Text(s, it.filter->span)) : json(nullptr)}});
      }
      for (const auto& h : it.hidden) hidden.push_back(h.Joined());
    }
    for (const ir::Source& src : mod.sources)
      if (!src.stdlib && src.package == pkg && !named.count(src.name) && !named.count(src.key))
        unnamed.push_back(src.name);
    roles.push_back({{"name", r.name.name},
                     {"package", pkg},
                     {"label", r.label ? json(*r.label) : json(nullptr)},
                     {"description", OrNull(r.doc)},
                     {"params", params},
                     {"rows", rows},
                     {"hidden", hidden},
                     {"not_named", unnamed},
                     {"reports", Names(u.role_reports[r.name.name])},
                     {"location", Location(s, r.name.span)}});
  });
  for (const ir::Report& r : mod.reports) {
    json charts = json::array();
    for (const auto& c : r.charts) {
      std::set<std::string> ms;
      DirectMetrics(mod, c.node, &ms);
      charts.push_back(
          {{"text", c.text}, {"formula", c.formula}, {"kind", c.kind}, {"by", c.by}, {"metrics", Names(ms)}});
    }
    reports.push_back({{"name", r.name},
                       {"package", r.package},
                       {"title", OrNull(r.title)},
                       {"goals", r.goals},
                       {"metrics", r.metrics},
                       {"role", OrNull(r.role)},
                       {"charts", charts},
                       {"location", Location(s, r.span)}});
  }
  for (const ir::Expectation& e : mod.expectations) {
    std::set<std::string> ms;
    DirectMetrics(mod, e.expr, &ms);
    DirectMetrics(mod, e.other, &ms);
    tests.push_back({{"text", e.text},
                     {"label", OrNull(e.label)},
                     {"check", CheckName(e.check)},
                     {"package", e.package},
                     {"source", e.source >= 0 ? json(SourceKey(mod, e.source)) : json(nullptr)},
                     {"metrics", Names(ms)},
                     {"file", e.file},
                     {"line", e.line}});
  }
  ForEachDecl<ast::FnDecl>(s, ast::DeclKind::kFn, [&](const std::string& pkg, const ast::FnDecl& f) {
    json params = json::array();
    for (const auto& p : f.params)
      params.push_back({{"name", p.name.name}, {"unit", p.unit ? json(p.unit->ToString()) : json(nullptr)}});
    std::string desc = Attr(f.attrs, "description");
    fns.push_back({{"name", f.name.name},
                   {"package", pkg},
                   {"params", params},
                   {"unit", f.result_unit ? json(f.result_unit->ToString()) : json(nullptr)},
                   {"formula", f.body ? Text(s, f.body->span) : ""},
                   {"description", desc.empty() ? (f.doc.empty() ? json(nullptr) : json(f.doc)) : json(desc)},
                   {"location", Location(s, f.name.span)}});
  });
  json packages = json::array();
  for (const auto& [pname, pkg] : s.catalog.packages)
    if (!IsStdlib(s, pkg))
      packages.push_back({{"name", pname}, {"governed", pkg.governed}, {"languages", Languages(pkg)}});
  static const char* kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const ir::Calendar& cal = mod.calendar;
  json calendar = {{"week_start", kDays[cal.week_start % 7]},
                   {"fiscal_year_start", cal.fiscal_start},
                   {"time_zone", cal.time_zone.empty() ? "UTC" : cal.time_zone}};
  return {{"version", 1},          {"metrics", metrics},   {"dimensions", dims},  {"sources", sources},
          {"goals", goals},        {"functions", fns},     {"roles", roles},      {"reports", reports},
          {"expectations", tests}, {"calendar", calendar}, {"packages", packages}};
}

std::string CatalogJson(const Session& s) { return catalog::Document(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; }

std::string ExplainLineage(const Session& s, const std::string& metric) {
  auto it = s.catalog.checked.metrics.find(metric);
  if (it == s.catalog.checked.metrics.end()) return {};
  std::string out;
  std::function<void(const std::string&, const std::string&, int)> node = [&](const std::string& name,
                                                                              const std::string& indent, int depth) {
    const MetricType& t = s.catalog.checked.metrics.at(name);
    const ast::MetricDecl& m = *t.decl;
    out += fmt::format("{}{} : {} {}{}\n", name, m.label ? fmt::format(" \"{}\"", *m.label) : "", t.unit.ToString(),
                       AdditivityName(t.additivity),
                       Attr(m.attrs, "owner").empty() ? "" : ", owner " + Attr(m.attrs, "owner"));
    // The lineage as the checker resolved it (the IR): function calls are
    // expanded, names are what they resolved to.
    const ir::Module& mod = s.catalog.checked.ir;
    std::set<std::string> columns, deps;
    std::vector<std::string> filters;
    std::set<int> seen;
    std::function<void(int)> walk = [&](int id) {
      if (id < 0 || !seen.insert(id).second) return;
      const ir::Node& n = mod.node(id);
      if (n.kind == ir::Kind::kColumn) columns.insert(ir::DumpNode(mod, id));
      if (n.kind == ir::Kind::kMetric && n.metric >= 0) {
        deps.insert(mod.metrics[n.metric].name);
        return;
      }
      if (n.kind == ir::Kind::kWhere && n.args.size() == 2) filters.push_back(ir::DumpNode(mod, n.args[1]));
      for (int a : n.args) walk(a);
    };
    int root = t.ir >= 0 ? mod.metrics[t.ir].root : -1;
    walk(root);
    std::vector<std::string> children(deps.begin(), deps.end());
    std::vector<std::string> leaves;
    std::string written = m.expr ? Text(s, m.expr->span) : "";
    leaves.push_back(fmt::format("= {}", written));
    // A call's expansion (a stdlib function's body), unless it reads the same.
    if (root >= 0 && m.expr && m.expr->kind == ast::ExprKind::kCall)
      if (std::string expanded = ir::DumpNode(mod, root); expanded != written) leaves.push_back("= " + expanded);
    for (const std::string& c : columns) leaves.push_back("column " + c);
    for (const std::string& f : filters) leaves.push_back("filter " + f);
    size_t total = leaves.size() + children.size(), i = 0;
    for (const std::string& l : leaves) out += fmt::format("{}{} {}\n", indent, ++i == total ? "└─" : "├─", l);
    for (const std::string& c : children) {
      bool last = ++i == total;
      out += fmt::format("{}{} ", indent, last ? "└─" : "├─");
      if (depth > 32) {
        out += c + " ...\n";
        continue;
      }
      node(c, indent + (last ? "   " : "│  "), depth + 1);
    }
  };
  node(metric, "", 0);
  const MetricType& t = it->second;
  Position p = s.sm.Resolve(t.decl->name.span.file, t.decl->name.span.begin);
  out += fmt::format("\npackage {}, defined at {}:{}:{}\n", t.package, s.sm.Get(t.decl->name.span.file).path, p.line,
                     p.char_column);
  // Every source under it, as the catalog's lineage lists them: those
  // looked up and `convert`'s rates too (both were left out).
  {
    Under under = MetricUnder(s.catalog.checked.ir, t);
    std::set<std::string> all(t.sources.begin(), t.sources.end());
    all.insert(under.sources.begin(), under.sources.end());
    out += fmt::format("sources: {}\n", fmt::join(all, ", "));
  }
  out += fmt::format("dimensions: {}\n",
                     t.dimensions.empty() ? "(none)" : fmt::format("{}", fmt::join(t.dimensions, ", ")));
  std::string desc = Description(*t.decl);
  if (!desc.empty()) out += "description: " + desc + "\n";
  std::string definition = Attr(t.decl->attrs, "definition"), status = MetricStatus(t.decl->attrs),
              approver = Attr(t.decl->attrs, "approver");
  if (!definition.empty()) out += "definition: " + definition + "\n";
  if (!status.empty() || !approver.empty())
    out += fmt::format("status: {}{}\n", status.empty() ? "(none)" : status,
                       approver.empty() ? "" : " (approver: " + approver + ")");
  return out;
}

}  // namespace kpic
