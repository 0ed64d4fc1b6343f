// Catalog exports. Everything is read from the checked session; nothing
// here re-resolves names.
#include "driver/catalog_export.h"

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

/// Text in the Markdown catalog: HTML in labels and descriptions is shown,
/// never rendered (a `<script>` in a label stays text), and brackets are
/// escaped so that no label makes a link (`[x](javascript:...)`).
std::string MdText(std::string_view in) {
  std::string out;
  for (char c : output::HtmlEscape(in)) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string MdCell(std::string in) {
  std::string out;
  for (char c : MdText(in)) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

/// User text as a Markdown code span: shown as written (HTML in it is
/// text), on one line, `|` escaped for tables, fenced by more backticks
/// than it holds.
std::string MdCode(std::string_view in) {
  std::string body;
  size_t run = 0, longest = 0;
  for (char c : in) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '\n' || c == '\r')
      body += ' ';
    else if (c == '|')
      body += "\\|";
    else
      body += c;
  }
  std::string fence(longest + 1, '`');
  bool pad = longest > 0 || body.empty();
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
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

json CatalogDoc(const Session& s) {
  const ir::Module& mod = s.catalog.checked.ir;
  Uses u = FindUses(s);
  json metrics = json::array(), dims = json::array(), sources = json::array(), goals = json::array(),
       fns = json::array(), roles = json::array(), reports = json::array(), tests = json::array();
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    json j = MetricJson(s, name, t);
    const ast::MetricDecl& m = *t.decl;
    j["labels"] = Labels(m.attrs);
    j["missing_labels"] = MissingLabels(s, t.package, m.label.has_value(), j["labels"]);
    std::string format = Attr(m.attrs, "format");
    j["format"] = OrNull(format);
    j["looks_like"] = t.ok ? json(LooksLike(format, t.unit.ToString(), t.percent)) : json(nullptr);
    j["deprecated"] = OrNull(Attr(m.attrs, "deprecated"));
    j["fingerprint"] = t.ir >= 0 && t.ok ? OrNull(ir::MetricFingerprint(mod, t.ir)) : json(nullptr);
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

}  // namespace

std::string CatalogJson(const Session& s) { return CatalogDoc(s).dump(2) + "\n"; }

namespace {

// ---- Markdown and HTML, rendered from the document -------------------------------------

std::string Str(const json& j) { return j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump(); }

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// The words a search matches an entry by: its name, labels, owner, tags,
/// description (lower case; Chinese as written).
std::string SearchText(const json& e) {
  std::string out;
  for (const char* k : {"name", "label", "title", "owner", "description", "metric", "text"})
    if (e.contains(k) && e[k].is_string()) out += e[k].get<std::string>() + " ";
  for (const char* k : {"labels"})
    if (e.contains(k))
      for (const auto& [lang, v] : e[k].items()) out += Str(v) + " ";
  if (e.contains("tags"))
    for (const auto& t : e["tags"]) out += Str(t) + " ";
  for (char& c : out)
    if (c == '\n') c = ' ';
  return Lower(out);
}

/// Where an entry is: `#m-sales` in HTML, `#sales` / `#source-orders` in Markdown.
struct Anchors {
  std::map<std::string, std::string> source_by_name;  ///< `orders` and `retail:orders` -> key
  /// (source key, column) -> the source key its `references` looks up.
  std::map<std::pair<std::string, std::string>, std::string> lookups;
  /// The source holding the column a path reads: `orders.product_id.unit_cost`
  /// is a column of `products`, reached from `orders`.
  std::string ColumnHome(const std::string& path) const {
    size_t dot = path.find('.');
    auto it = source_by_name.find(path.substr(0, dot));
    if (it == source_by_name.end()) return path.substr(0, dot);
    std::string key = it->second;
    while (dot != std::string::npos) {
      size_t next = path.find('.', dot + 1);
      if (next == std::string::npos) break;
      auto l = lookups.find({key, path.substr(dot + 1, next - dot - 1)});
      if (l == lookups.end()) break;
      key = l->second;
      dot = next;
    }
    return key;
  }
  std::string Html(const std::string& kind, const std::string& name) const {
    if (kind == "source") {
      auto it = source_by_name.find(name);
      std::string key = it == source_by_name.end() ? name : it->second;
      std::replace(key.begin(), key.end(), ':', '-');
      return "s-" + key;
    }
    return std::string(1, kind[0]) + (kind == "report" ? "p" : "") + "-" + name;
  }
  std::string Md(const std::string& kind, const std::string& name) const {
    if (kind == "metric") return Lower(name);
    std::string n = name;
    if (kind == "source") {
      auto it = source_by_name.find(name);
      if (it != source_by_name.end()) n = it->second.substr(it->second.find(':') + 1);
    }
    return kind + "-" + Lower(n);
  }
};

Anchors MakeAnchors(const json& doc) {
  Anchors a;
  for (const auto& src : doc["sources"]) {
    a.source_by_name.emplace(Str(src["name"]), Str(src["key"]));
    a.source_by_name[Str(src["key"])] = Str(src["key"]);
    for (const auto& c : src["columns"])
      if (c.contains("references_source")) a.lookups[{Str(src["key"]), Str(c["name"])}] = Str(c["references_source"]);
  }
  return a;
}

/// The source of a column path `orders.product_id.unit_cost`.
std::string ColumnSource(const std::string& col) { return col.substr(0, col.find('.')); }

/// A metric's lineage as a tree: the metrics it names (each with its own
/// tree, once; a metric met again is marked "see above") and the columns its
/// own formula reads.
struct TreeNode {
  std::string kind, name, label;  ///< kind: metric or column
  bool repeated = false;
  std::vector<TreeNode> children;
};

TreeNode LineageTree(const std::map<std::string, const json*>& metrics, const std::string& name,
                     std::set<std::string>* expanded, int depth = 0) {
  TreeNode n{"metric", name, "", false, {}};
  auto it = metrics.find(name);
  if (it == metrics.end()) return n;
  const json& m = *it->second;
  n.label = Str(m["label"]);
  if (!expanded->insert(name).second || depth > 16) {
    n.repeated = true;
    return n;
  }
  for (const auto& d : m["depends_on"]) n.children.push_back(LineageTree(metrics, Str(d), expanded, depth + 1));
  for (const auto& c : m["lineage"]["counts_rows_of"]) n.children.push_back({"rows", Str(c), "", false, {}});
  for (const auto& c : m["columns"]) n.children.push_back({"column", Str(c), "", false, {}});
  return n;
}

std::string MdTree(const TreeNode& n, const Anchors& a, int indent) {
  std::string out;
  for (const TreeNode& c : n.children) {
    out += std::string(indent, ' ') + "- ";
    if (c.kind == "metric")
      out += fmt::format("metric [`{}`](#{}){}{}\n", c.name, a.Md("metric", c.name),
                         c.label.empty() ? "" : " " + MdCell(c.label), c.repeated ? " (see above)" : "");
    else if (c.kind == "rows")
      out += fmt::format("rows of [{}](#{})\n", c.name.substr(c.name.find(':') + 1), a.Md("source", c.name));
    else {
      std::string home = a.ColumnHome(c.name);
      out += fmt::format("column `{}` of [{}](#{})\n", c.name, home.substr(home.find(':') + 1), a.Md("source", home));
    }
    out += MdTree(c, a, indent + 2);
  }
  return out;
}

std::string HtmlTree(const TreeNode& n, const Anchors& a) {
  if (n.children.empty()) return "";
  std::string out = "<ul class=\"tree\">";
  for (const TreeNode& c : n.children) {
    if (c.kind == "metric")
      out += fmt::format("<li><span class=\"k m\">metric</span> <a href=\"#{}\"><code>{}</code></a> {}{}{}</li>",
                         output::HtmlEscape(a.Html("metric", c.name)), output::HtmlEscape(c.name),
                         output::HtmlEscape(c.label), c.repeated ? " <span class=\"sub\">(see above)</span>" : "",
                         HtmlTree(c, a));
    else if (c.kind == "rows")
      out += fmt::format("<li><span class=\"k c\">rows</span> <a href=\"#{}\"><code>{}</code></a></li>",
                         output::HtmlEscape(a.Html("source", c.name)),
                         output::HtmlEscape(c.name.substr(c.name.find(':') + 1)));
    else
      out += fmt::format("<li><span class=\"k c\">column</span> <a href=\"#{}\"><code>{}</code></a></li>",
                         output::HtmlEscape(a.Html("source", a.ColumnHome(c.name))), output::HtmlEscape(c.name));
  }
  return out + "</ul>";
}

/// The head of a Markdown entry: `### KIND NAME` (its anchor is
/// `#kind-name`), its label in bold, its description.
std::string MdHead(const std::string& kind, const json& e, const char* label_key) {
  std::string out = fmt::format("\n### {} {}\n\n", kind, Str(e["name"]));
  if (!e[label_key].is_null()) out += fmt::format("**{}**\n\n", MdCell(Str(e[label_key])));
  if (e.contains("description") && !e["description"].is_null()) out += MdText(Str(e["description"])) + "\n\n";
  return out;
}

/// `- missing labels: en` for an entry without a label in a language its
/// package declares, or "".
std::string MdMissing(const json& e) {
  std::vector<std::string> langs;
  for (const auto& l : e["missing_labels"]) langs.push_back(MdCell(Str(l)));
  return langs.empty() ? "" : fmt::format("- **missing labels**: {}\n", fmt::join(langs, ", "));
}

/// A metric's lineage as a left-to-right graph (inline SVG): the sources
/// and metrics under it in columns by distance, the metric, then the
/// metrics and goals that name it. Every node links to its entry.
std::string LineageSvg(const std::map<std::string, const json*>& metrics, const json& m, const Anchors& a) {
  struct NodeRef {
    std::string kind, name;
    auto operator<=>(const NodeRef&) const = default;
  };
  std::map<NodeRef, int> layer;  // 0: the metric; negative: under it; 1: its users
  std::vector<std::pair<NodeRef, NodeRef>> edges;
  std::function<void(const std::string&, int)> down = [&](const std::string& name, int depth) {
    auto it = metrics.find(name);
    if (it == metrics.end() || depth > 16) return;
    NodeRef self{"metric", name};
    auto [pos, fresh] = layer.emplace(self, -depth);
    if (!fresh) {
      if (pos->second <= -depth) return;
      pos->second = -depth;  // deeper than first met: farther left
    }
    const json& x = *it->second;
    std::set<std::string> srcs;
    for (const auto& c : x["columns"]) srcs.insert(a.ColumnHome(Str(c)));
    for (const auto& r : x["lineage"]["counts_rows_of"]) srcs.insert(Str(r));
    for (const std::string& src : srcs) edges.push_back({{"source", src}, self});
    for (const auto& d : x["depends_on"]) {
      edges.push_back({{"metric", Str(d)}, self});
      down(Str(d), depth + 1);
    }
  };
  down(Str(m["name"]), 0);
  int deepest = 0;
  for (const auto& [n, l] : layer) deepest = std::min(deepest, l);
  for (const auto& [from, to] : edges)
    if (from.kind == "source") layer[from] = deepest - 1;
  NodeRef self{"metric", Str(m["name"])};
  for (const auto& u : m["lineage"]["used_by"]["metrics"]) {
    layer[{"metric", Str(u)}] = 1;
    edges.push_back({self, {"metric", Str(u)}});
  }
  for (const auto& g : m["lineage"]["used_by"]["goals"]) {
    layer[{"goal", Str(g)}] = 1;
    edges.push_back({self, {"goal", Str(g)}});
  }
  if (layer.size() < 2) return "";
  int first = deepest - 1;
  std::map<int, std::vector<NodeRef>> columns;
  for (const auto& [n, l] : layer) columns[l].push_back(n);
  const double w = 150, h = 22, gap_x = 46, gap_y = 8, pad = 4;
  size_t rows = 0;
  for (const auto& [l, ns] : columns) rows = std::max(rows, ns.size());
  // Edges that skip a column arc below the boxes they pass.
  const double dip = 34;
  double height = pad * 2 + rows * (h + gap_y) - gap_y + dip;
  std::map<NodeRef, std::pair<double, double>> at;  // left, middle
  for (const auto& [l, ns] : columns) {
    double top = (height - dip - (ns.size() * (h + gap_y) - gap_y)) / 2;
    for (size_t i = 0; i < ns.size(); ++i) at[ns[i]] = {pad + (l - first) * (w + gap_x), top + i * (h + gap_y) + h / 2};
  }
  double width = pad * 2 + (columns.rbegin()->first - first + 1) * (w + gap_x) - gap_x;
  std::string out = fmt::format(
      "<div class=\"scroll\"><svg class=\"graph\" viewBox=\"0 0 {0:.0f} {1:.0f}\" width=\"{0:.0f}\" "
      "height=\"{1:.0f}\" role=\"group\" aria-label=\"lineage\">",
      width, height);
  std::set<std::pair<NodeRef, NodeRef>> drawn;
  for (const auto& e : edges) {
    if (!drawn.insert(e).second || !at.count(e.first) || !at.count(e.second)) continue;
    auto [x1, y1] = at[e.first];
    auto [x2, y2] = at[e.second];
    x1 += w;
    if (x2 - x1 > gap_x * 1.5) {  // skips a column: under the boxes between
      double low = std::max(y1, y2) + dip * 1.3;
      out += fmt::format("<path d=\"M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"/>", x1, y1, x1 + gap_x,
                         low, x2 - gap_x, low, x2, y2);
      continue;
    }
    double mid = (x1 + x2) / 2;
    out += fmt::format("<path d=\"M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"/>", x1, y1, mid, y1, mid,
                       y2, x2, y2);
  }
  for (const auto& [n, pos] : at) {
    std::string cls = n == self ? "self" : n.kind;
    std::string text = n.kind == "source" ? n.name.substr(n.name.find(':') + 1) : n.name;
    if (text.size() > 22) text = text.substr(0, 21) + "…";
    out += fmt::format(
        "<a href=\"#{}\"><rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.0f}\" rx=\"4\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text></a>",
        output::HtmlEscape(a.Html(n.kind, n.name)), cls, pos.first, pos.second - h / 2, w, h, pos.first + 8,
        pos.second + 4, output::HtmlEscape(text));
  }
  return out + "</svg></div>";
}

/// `[a](#a), [b](#b)` or `(none)`.
std::string MdLinks(const json& names, const Anchors& a, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::string name = Str(n);
    out.push_back(fmt::format("[`{}`](#{})", name, a.Md(kind, name)));
  }
  return out.empty() ? "(none)" : fmt::format("{}", fmt::join(out, ", "));
}

std::string HtmlLinks(const json& names, const Anchors& a, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::string name = Str(n);
    out.push_back(fmt::format("<a href=\"#{}\"><code>{}</code></a>", output::HtmlEscape(a.Html(kind, name)),
                              output::HtmlEscape(name)));
  }
  return out.empty() ? "<span class=\"sub\">none</span>" : fmt::format("{}", fmt::join(out, ", "));
}

std::string Where(const json& loc) {
  if (loc.is_null()) return "";
  return fmt::format("{}:{}", Str(loc["file"]), Str(loc["line"]));
}

std::string Counts(const json& doc) {
  return fmt::format("{} sources · {} dimensions · {} metrics · {} goals · {} roles · {} reports · {} data tests",
                     doc["sources"].size(), doc["dimensions"].size(), doc["metrics"].size(), doc["goals"].size(),
                     doc["roles"].size(), doc["reports"].size(), doc["expectations"].size());
}

/// The calendar and the packages' settings, in a sentence each (plain text).
std::string Settings(const json& doc) {
  const json& cal = doc["calendar"];
  std::string out = fmt::format("Calendar: weeks start on {}, the fiscal year in month {}, time zone {}.",
                                Str(cal["week_start"]), Str(cal["fiscal_year_start"]), Str(cal["time_zone"]));
  for (const auto& p : doc["packages"]) {
    std::vector<std::string> facts, langs;
    if (p["governed"] == true) facts.push_back("governed (every metric needs an owner and a description)");
    for (const auto& l : p["languages"]) langs.push_back(Str(l));
    if (!langs.empty()) facts.push_back(fmt::format("labels in {}", fmt::join(langs, ", ")));
    if (!facts.empty()) out += fmt::format(" Package {}: {}.", Str(p["name"]), fmt::join(facts, "; "));
  }
  return out;
}

std::map<std::string, const json*> MetricIndex(const json& doc) {
  std::map<std::string, const json*> out;
  for (const auto& m : doc["metrics"]) out[Str(m["name"])] = &m;
  return out;
}

/// A Mermaid graph of a metric's neighbourhood: what it reads, what reads it.
/// Node ids and text are names only (identifiers), never labels.
std::string Mermaid(const json& m) {
  auto id = [](const std::string& kind, std::string n) {
    for (char& c : n)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return kind + "_" + n;
  };
  std::string name = Str(m["name"]), self = id("m", name);
  std::string out = fmt::format("```mermaid\nflowchart LR\n  {}[\"{}\"]\n", self, name);
  for (const auto& d : m["depends_on"]) out += fmt::format("  {}[\"{}\"] --> {}\n", id("m", Str(d)), Str(d), self);
  std::set<std::string> srcs;
  for (const auto& c : m["columns"]) srcs.insert(ColumnSource(Str(c)));
  for (const std::string& src : srcs) out += fmt::format("  {}[(\"{}\")] --> {}\n", id("s", src), src, self);
  for (const auto& u : m["lineage"]["used_by"]["metrics"])
    out += fmt::format("  {} --> {}[\"{}\"]\n", self, id("m", Str(u)), Str(u));
  for (const auto& g : m["lineage"]["used_by"]["goals"])
    out += fmt::format("  {} --> {}{{{{\"goal {}\"}}}}\n", self, id("g", Str(g)), Str(g));
  return out + "```\n";
}

}  // namespace

std::string CatalogMarkdown(const Session& s) {
  json doc = CatalogDoc(s);
  Anchors a = MakeAnchors(doc);
  auto metrics = MetricIndex(doc);
  std::string out = "# Indicator center · 指标中心\n\n";
  out += Counts(doc) + ". Generated by kpic from the checked definitions.\n\n";
  out += MdCell(Settings(doc)) + "\n\n";
  out +=
      "Contents: [Metrics](#metrics) · [Goals](#goals) · [Sources](#sources) · [Dimensions](#dimensions) · "
      "[Roles](#roles) · [Reports](#reports) · [Data tests](#data-tests)\n\n";

  // Metrics.
  out += "## Metrics\n\n";
  out += "| metric | label | unit | additivity | owner | package |\n|---|---|---|---|---|---|\n";
  for (const auto& m : doc["metrics"])
    out +=
        fmt::format("| [`{}`](#{}) | {} | `{}` | {} | {} | {} |\n", Str(m["name"]), a.Md("metric", Str(m["name"])),
                    MdCell(Str(m["label"])), m["unit"].is_null() ? "?" : Str(m["unit"]),
                    m["additivity"].is_null() ? "?" : Str(m["additivity"]), MdCell(Str(m["owner"])), Str(m["package"]));
  for (const auto& m : doc["metrics"]) {
    std::string name = Str(m["name"]);
    out += fmt::format("\n### {}\n\n", name);
    if (!m["label"].is_null()) out += fmt::format("**{}**\n\n", MdCell(Str(m["label"])));
    for (const auto& [lang, v] : m["labels"].items()) out += fmt::format("- label ({}): {}\n", lang, MdCell(Str(v)));
    if (!m["labels"].empty()) out += "\n";
    if (!m["description"].is_null()) out += MdText(Str(m["description"])) + "\n\n";
    out += fmt::format("```kpi\n{}\n```\n\n", Str(m["formula"]));
    out += fmt::format("- unit: `{}`{}\n", Str(m["unit"]), m["percent"] == true ? " (shown as a percentage)" : "");
    out += fmt::format("- additivity: {}\n", Str(m["additivity"]));
    if (!m["format"].is_null()) out += fmt::format("- format: {}\n", MdCode(Str(m["format"])));
    if (!m["looks_like"].is_null()) out += fmt::format("- looks like: {}\n", MdCell(Str(m["looks_like"])));
    if (!m["owner"].is_null()) out += fmt::format("- owner: {}\n", MdCell(Str(m["owner"])));
    out += MdMissing(m);
    if (!m["tags"].empty()) {
      std::vector<std::string> tags;
      for (const auto& t : m["tags"]) tags.push_back(MdCell(Str(t)));
      out += fmt::format("- tags: {}\n", fmt::join(tags, ", "));
    }
    if (!m["deprecated"].is_null()) out += fmt::format("- **deprecated**: {}\n", MdCell(Str(m["deprecated"])));
    out += fmt::format("- dimensions: {}\n", MdLinks(m["dimensions"], a, "dimension"));
    out += fmt::format("- time axis: {}\n", m["time"] == true ? "yes" : "no");
    if (!m["fingerprint"].is_null()) out += fmt::format("- fingerprint: `{}`\n", Str(m["fingerprint"]));
    const json& lin = m["lineage"];
    out += "- lineage:\n  - built from:\n";
    std::set<std::string> expanded;
    std::string tree = MdTree(LineageTree(metrics, name, &expanded), a, 4);
    out += tree.empty() ? "    - (nothing)\n" : tree;
    out += fmt::format("  - sources: {}\n", MdLinks(lin["sources"], a, "source"));
    out += fmt::format("  - all metrics under it: {}\n", MdLinks(lin["metrics"], a, "metric"));
    out += fmt::format("  - used by metrics: {}\n", MdLinks(lin["used_by"]["metrics"], a, "metric"));
    out += fmt::format("  - used by goals: {}\n", MdLinks(lin["used_by"]["goals"], a, "goal"));
    out += fmt::format("  - shown in reports: {}\n", MdLinks(lin["used_by"]["reports"], a, "report"));
    for (const auto& t : lin["used_by"]["expectations"]) out += fmt::format("  - tested by: {}\n", MdCode(Str(t)));
    out += fmt::format("- defined in: {}\n\n", MdCode(Where(m["location"])));
    out += Mermaid(m);
  }

  // Goals.
  out += "\n## Goals\n";
  if (doc["goals"].empty()) out += "\n(none)\n";
  for (const auto& g : doc["goals"]) {
    out += MdHead("goal", g, "label");
    std::string metric = Str(g["metric"]);
    out += fmt::format("- metric: {}\n",
                       metrics.count(metric) ? MdLinks(json::array({metric}), a, "metric") : MdCode(metric));
    if (g.contains("period")) out += fmt::format("- period: {}\n", MdCell(Str(g["period"])));
    if (g.contains("grain")) out += fmt::format("- grain: {}\n", Str(g["grain"]));
    if (g.contains("target")) out += fmt::format("- target: {}\n", MdCode(Str(g["target"])));
    if (!g["at_risk_text"].is_null()) out += fmt::format("- at risk below: {} chance\n", Str(g["at_risk_text"]));
    if (!g["phasing"].is_null()) out += fmt::format("- phasing: {}\n", MdCell(Str(g["phasing"])));
    if (!g["allocate"].is_null()) out += fmt::format("- allocate: {}\n", MdCell(Str(g["allocate"])));
    for (const auto& [lang, v] : g["labels"].items()) out += fmt::format("- label ({}): {}\n", lang, MdCell(Str(v)));
    if (!g["owner"].is_null()) out += fmt::format("- owner: {}\n", MdCell(Str(g["owner"])));
    out += MdMissing(g);
    for (const auto& d : g["decompose"])
      out += fmt::format("- decomposition: {} = {}\n", MdLinks(json::array({d["metric"]}), a, "metric"),
                         MdCode(Str(d["formula"])));
    if (!g["drill"].empty())
      out += fmt::format("- drill: {}{}\n", MdLinks(g["drill"], a, "dimension"),
                         g["drill_top"].is_null() ? "" : fmt::format(" (top {})", Str(g["drill_top"])));
    for (const auto& al : g["alerts"])
      out += fmt::format("- alert ({}): {} when {}\n", Str(al["severity"]), MdCell(Str(al["name"])),
                         MdCode(Str(al["condition"])));
    out += fmt::format("- metrics read: {}\n", MdLinks(g["metrics"], a, "metric"));
    out += fmt::format("- shown in reports: {}\n", MdLinks(g["reports"], a, "report"));
    out += fmt::format("- defined in: {}\n", MdCode(Where(g["location"])));
  }

  // Sources.
  out += "\n## Sources\n";
  for (const auto& src : doc["sources"]) {
    out += MdHead("source", src, "label");
    if (!src["data"].is_null())
      out += fmt::format("- data: {} {}{}\n", Str(src["data"]["kind"]), MdCode(Str(src["data"]["location"])),
                         src["data"]["table"].is_null() ? "" : ", table " + MdCode(Str(src["data"]["table"])));
    out += fmt::format("- package: {} (`{}`)\n", Str(src["package"]), Str(src["key"]));
    out += "\n| column | type | unit | role | header / label | maps to |\n|---|---|---|---|---|---|\n";
    for (const auto& c : src["columns"]) {
      std::vector<std::string> role, to;
      if (c["key"] == true) role.push_back("key");
      if (c["time"] == true) role.push_back("time");
      if (c.contains("entity")) role.push_back("entity " + Str(c["entity"]));
      if (c.contains("rollup")) role.push_back("rollup " + Str(c["rollup"]));
      if (c.contains("hidden_from")) role.push_back("hidden from " + MdLinks(c["hidden_from"], a, "role"));
      if (c.contains("dimension")) to.push_back("dimension " + MdLinks(json::array({c["dimension"]}), a, "dimension"));
      if (c.contains("references")) to.push_back("references " + MdLinks(json::array({c["references"]}), a, "source"));
      std::string header = c.contains("header") ? Str(c["header"]) : c.contains("label") ? Str(c["label"]) : "";
      out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", Str(c["name"]),
                         c.contains("value_type") ? Str(c["value_type"]) : Str(c["type"]),
                         c.contains("unit") ? "`" + Str(c["unit"]) + "`" : "", fmt::join(role, ", "), MdCell(header),
                         fmt::join(to, ", "));
    }
    out += "\n";
    std::vector<std::string> refs;
    for (const auto& r : src["referenced_by"]) refs.push_back("`" + Str(r) + "`");
    out += fmt::format("- referenced by: {}\n", refs.empty() ? "(none)" : fmt::format("{}", fmt::join(refs, ", ")));
    out += fmt::format("- read by metrics: {}\n", MdLinks(src["used_by"]["metrics"], a, "metric"));
    out += fmt::format("- restricted by roles: {}\n", MdLinks(src["used_by"]["roles"], a, "role"));
    for (const auto& t : src["used_by"]["expectations"]) out += fmt::format("- tested by: {}\n", MdCode(Str(t)));
    out += fmt::format("- defined in: {}\n", MdCode(Where(src["location"])));
  }

  // Dimensions.
  out += "\n## Dimensions\n\nThe language has no dimension hierarchies: each dimension is conformed on its own.\n";
  for (const auto& d : doc["dimensions"]) {
    out += MdHead("dimension", d, "label");
    for (const auto& [lang, v] : d["labels"].items()) out += fmt::format("- label ({}): {}\n", lang, MdCell(Str(v)));
    out += fmt::format("- type: {}\n", Str(d["type"]));
    if (!d["owner"].is_null()) out += fmt::format("- owner: {}\n", MdCell(Str(d["owner"])));
    if (!d["values"].empty()) {
      std::vector<std::string> vals;
      for (const auto& v : d["values"]) vals.push_back(MdCell(Str(v)));
      out += fmt::format("- values: {}\n", fmt::join(vals, ", "));
    }
    out += "- provided by:\n";
    if (d["sources"].empty()) out += "  - (no source)\n";
    for (const auto& p : d["sources"])
      out += fmt::format("  - {} via {}\n", MdLinks(json::array({p["source"]}), a, "source"), MdCode(Str(p["path"])));
    out += fmt::format("- metrics by it: {}\n", MdLinks(d["metrics"], a, "metric"));
    out += fmt::format("- goals drilling it: {}\n", MdLinks(d["goals"], a, "goal"));
  }

  // Roles.
  out += "\n## Roles\n";
  if (doc["roles"].empty()) out += "\n(none)\n";
  for (const auto& r : doc["roles"]) {
    out += MdHead("role", r, "label");
    std::vector<std::string> params;
    for (const auto& p : r["params"]) params.push_back(fmt::format("`{}: {}`", Str(p["name"]), Str(p["type"])));
    out += fmt::format("- parameters: {}\n", params.empty() ? "(none)" : fmt::format("{}", fmt::join(params, ", ")));
    out += "- sees:\n";
    for (const auto& row : r["rows"])
      out += fmt::format("  - {}: {}\n", MdLinks(json::array({row["source"]}), a, "source"),
                         row["all"] == true        ? "all rows"
                         : row["filter"].is_null() ? "all rows"
                                                   : "rows where " + MdCode(Str(row["filter"])));
    for (const auto& n : r["not_named"])
      out += fmt::format("  - {}: not named (a run reading it is refused)\n", MdLinks(json::array({n}), a, "source"));
    std::vector<std::string> hidden;
    for (const auto& h : r["hidden"]) hidden.push_back("`" + Str(h) + "`");
    out +=
        fmt::format("- hidden columns: {}\n", hidden.empty() ? "(none)" : fmt::format("{}", fmt::join(hidden, ", ")));
    out += fmt::format("- used by reports: {}\n", MdLinks(r["reports"], a, "report"));
    out += fmt::format("- defined in: {}\n", MdCode(Where(r["location"])));
  }

  // Reports.
  out += "\n## Reports\n";
  if (doc["reports"].empty()) out += "\n(none)\n";
  for (const auto& r : doc["reports"]) {
    out += MdHead("report", r, "title");
    out += fmt::format("- goals: {}\n", MdLinks(r["goals"], a, "goal"));
    out += fmt::format("- metrics: {}\n", MdLinks(r["metrics"], a, "metric"));
    out += fmt::format("- role: {}\n", r["role"].is_null() ? "(none)" : MdLinks(json::array({r["role"]}), a, "role"));
    for (const auto& c : r["charts"])
      out += fmt::format("- chart {} ({})\n", MdCode(Str(c["text"])), MdLinks(c["metrics"], a, "metric"));
    out += fmt::format("- defined in: {}\n", MdCode(Where(r["location"])));
  }

  // Data tests.
  out += "\n## Data tests\n\n";
  if (doc["expectations"].empty())
    out += "(none)\n";
  else
    out += "| test | label | check | on | defined in |\n|---|---|---|---|---|\n";
  for (const auto& e : doc["expectations"]) {
    std::string on =
        e["source"].is_null() ? MdLinks(e["metrics"], a, "metric") : MdLinks(json::array({e["source"]}), a, "source");
    out += fmt::format("| {} | {} | {} | {} | {} |\n", MdCode(Str(e["text"])), MdCell(Str(e["label"])), Str(e["check"]),
                       on, MdCode(Str(e["file"]) + ":" + Str(e["line"])));
  }

  // The user's own functions (the standard library's are in the JSON).
  bool any = false;
  for (const auto& f : doc["functions"]) {
    if (Str(f["package"]).rfind("std.", 0) == 0 || Str(f["package"]) == "std") continue;
    if (!any) out += "\n## Functions\n\n";
    any = true;
    std::vector<std::string> ps;
    for (const auto& p : f["params"]) ps.push_back(Str(p["name"]) + (p["unit"].is_null() ? "" : ": " + Str(p["unit"])));
    out +=
        fmt::format("- {} = {}{}\n", MdCode(fmt::format("{}({})", Str(f["name"]), fmt::join(ps, ", "))),
                    MdCode(Str(f["formula"])), f["description"].is_null() ? "" : " — " + MdCell(Str(f["description"])));
  }
  return out;
}

namespace {

const char* kCatalogStyle = R"(
body{font-family:-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#f7f8fa;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;padding-top:8px;border-top:1px solid #e4e7eb}h3{font-size:15px;margin:0 0 6px}
a{color:#1c63b7;text-decoration:none}a:hover{text-decoration:underline}
.sub{color:#616e7c;font-size:12px}
nav{position:sticky;top:0;background:#f7f8fa;padding:8px 0;z-index:1;display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;font-size:13px}
#q{font-size:14px;padding:6px 10px;border:1px solid #cbd2d9;border-radius:6px;width:min(360px,100%);box-sizing:border-box}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:6px 0}
th,td{padding:4px 10px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}th{background:#f0f2f5}
.entry{background:#fff;border-radius:8px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.12);border-left:6px solid #9aa5b1;scroll-margin-top:48px}
.entry.metric{border-color:#1c7ed6}.entry.goal{border-color:#2f9e44}.entry.source{border-color:#845ef7}.entry.dimension{border-color:#f08c00}.entry.role{border-color:#e64980}.entry.report{border-color:#0ca678}
.entry h3 .l{font-weight:400;color:#52606d;margin-left:6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0;font-size:13px}dt{color:#616e7c}dd{margin:0}
pre{background:#f0f2f5;border-radius:4px;padding:6px 10px;margin:6px 0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
.tag{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;background:#e4e7eb;color:#323f4b;margin-right:4px}
.tag.critical{background:#c92a2a;color:#fff}.tag.warning{background:#a65300;color:#fff}.tag.info{background:#1864ab;color:#fff}
.lin{display:flex;flex-wrap:wrap;gap:8px 28px;font-size:13px;margin-top:6px}.lin>div{min-width:240px;flex:1}
.lin h4{font-size:12px;color:#616e7c;margin:4px 0;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:16px}ul.tree{padding-left:2px}
ul.tree li{position:relative;padding-left:12px;border-left:1px solid #cbd2d9;overflow-wrap:anywhere}ul.tree li:last-child{border-left-color:transparent}
ul.tree li::before{content:"";position:absolute;left:-1px;top:0;width:10px;height:.8em;border-left:1px solid #cbd2d9;border-bottom:1px solid #cbd2d9}
.k{font-size:11px;color:#616e7c}.k.m{color:#1864ab}.k.c{color:#6741d9}
.alert{padding:4px 10px;margin:3px 0;border-radius:4px;background:#fff8f0;border-left:4px solid #f08c00;font-size:13px}
.alert.critical{border-color:#e03131;background:#fff5f5}
.scroll{overflow-x:auto}
svg.graph{display:block;max-width:100%;height:auto;margin:8px 0 2px}svg.graph path{fill:none;stroke:#9aa5b1;stroke-width:1.2}
svg.graph rect{fill:#fff;stroke:#cbd2d9}svg.graph rect.source{fill:#f3f0ff;stroke:#845ef7}svg.graph rect.metric{fill:#e7f1fb;stroke:#1c7ed6}
svg.graph rect.self{fill:#1c7ed6;stroke:#1c7ed6}svg.graph rect.goal{fill:#ebfbee;stroke:#2f9e44}
svg.graph text{font-size:12px;fill:#1f2933;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}svg.graph rect.self+text{fill:#fff;font-weight:600}
table.sum td:nth-child(-n+5){white-space:nowrap}#n:empty{display:none}.entry p{font-size:14px;margin:4px 0 6px}
@media (max-width:640px){svg.graph{max-width:none}body{margin:10px}th,td{padding:3px 5px}table{display:block;overflow-x:auto;max-width:100%}dd{min-width:0;overflow-wrap:anywhere}table.sum th:nth-child(n+4),table.sum td:nth-child(n+4){display:none}.lin>div{min-width:0}}
@media print{body{background:#fff;margin:0}nav{position:static}#q{display:none}.entry{break-inside:avoid;box-shadow:none;border:1px solid #e4e7eb}}
)";

const char* kDimensionsIntro =
    "<p class=\"sub\">The language has no dimension hierarchies: each dimension is conformed on its own, and a "
    "source reaches it directly or through its lookups.</p>";

/// The page's one script: the search box filters every entry (and every
/// row of the tables) by the words typed, all of them, and hides the
/// sections left empty. Without JavaScript the box stays hidden and the
/// page is complete.
const char* kSearchScript =
    "(function(){var q=document.getElementById('q'),n=document.getElementById('n');q.hidden=false;"
    "q.addEventListener('input',function(){var w=q.value.toLowerCase().split(/\\s+/).filter(Boolean),c=0;"
    "document.querySelectorAll('section').forEach(function(s){var k=0;"
    "s.querySelectorAll('[data-s]').forEach(function(e){var t=e.getAttribute('data-s'),"
    "ok=w.every(function(x){return t.indexOf(x)>=0;});e.style.display=ok?'':'none';"
    "if(ok){k++;if(e.tagName!=='TR')c++;}});s.style.display=k||!w.length?'':'none';});"
    "n.textContent=w.length?c+' found':'';});})();";

using output::HtmlEscape;

std::string Dl(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = "<dl>";
  for (const auto& [k, v] : rows)
    if (!v.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>", k, v);
  return out + "</dl>";
}

/// Labels by language: `en Net sales`.
std::string HtmlLabels(const json& labels) {
  std::string out;
  for (const auto& [lang, v] : labels.items())
    out += fmt::format("<span class=\"tag\">{}</span>{} ", HtmlEscape(lang), HtmlEscape(Str(v)));
  return out;
}

/// The languages an entry lacks a label in, as warnings, or "".
std::string HtmlMissing(const json& e) {
  std::string out;
  for (const auto& l : e["missing_labels"]) out += "<span class=\"tag warning\">" + HtmlEscape(Str(l)) + "</span>";
  return out;
}

std::string Code(const std::string& s) { return "<code>" + HtmlEscape(s) + "</code>"; }

std::string Head(const std::string& kind, const std::string& id, const json& e, const std::string& name,
                 const std::string& label) {
  return fmt::format("<div class=\"entry {}\" id=\"{}\" data-s=\"{}\"><h3><span class=\"k\">{}</span> {}{}</h3>", kind,
                     HtmlEscape(id), HtmlEscape(kind + " " + SearchText(e)), kind, Code(name),
                     label.empty() ? "" : "<span class=\"l\">" + HtmlEscape(label) + "</span>");
}

std::string Para(const json& v) { return v.is_null() ? "" : "<p>" + HtmlEscape(Str(v)) + "</p>"; }

}  // namespace

std::string CatalogHtml(const Session& s) {
  json doc = CatalogDoc(s);
  Anchors a = MakeAnchors(doc);
  auto metrics = MetricIndex(doc);
  auto one = [&](const json& v, const std::string& kind) { return HtmlLinks(json::array({v}), a, kind); };
  std::string body;
  // Metrics: a summary table, then one entry each.
  body +=
      "<section id=\"metrics\"><h2>Metrics · 指标</h2><div class=\"scroll\"><table class=\"sum\"><tr><th>metric</th>"
      "<th>label</th><th>unit</th><th>additivity</th><th>owner</th><th>description</th></tr>\n";
  for (const auto& m : doc["metrics"]) {
    body += fmt::format(
        "<tr data-s=\"{}\"><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td><td><code>{}</code></td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        HtmlEscape(SearchText(m)), HtmlEscape(a.Html("metric", Str(m["name"]))), HtmlEscape(Str(m["name"])),
        HtmlEscape(Str(m["label"])), HtmlEscape(Str(m["unit"])), HtmlEscape(Str(m["additivity"])),
        HtmlEscape(Str(m["owner"])), HtmlEscape(Str(m["description"])));
  }
  body += "</table></div>\n";
  for (const auto& m : doc["metrics"]) {
    std::string name = Str(m["name"]);
    body += Head("metric", a.Html("metric", name), m, name, Str(m["label"]));
    std::string labels = HtmlLabels(m["labels"]);
    std::string tags;
    for (const auto& t : m["tags"]) tags += "<span class=\"tag\">" + HtmlEscape(Str(t)) + "</span>";
    body += Para(m["description"]);
    body += "<pre>" + HtmlEscape(Str(m["formula"])) + "</pre>";
    body += Dl({{"labels", labels},
                {"unit", Code(Str(m["unit"])) + (m["percent"] == true ? " shown as a percentage" : "")},
                {"additivity", HtmlEscape(Str(m["additivity"]))},
                {"format", m["format"].is_null() ? "" : Code(Str(m["format"]))},
                {"looks like", HtmlEscape(Str(m["looks_like"]))},
                {"owner", HtmlEscape(Str(m["owner"]))},
                {"missing labels", HtmlMissing(m)},
                {"tags", tags},
                {"deprecated", m["deprecated"].is_null() ? "" : "<b>" + HtmlEscape(Str(m["deprecated"])) + "</b>"},
                {"dimensions", HtmlLinks(m["dimensions"], a, "dimension")},
                {"time axis", m["time"] == true ? "yes" : "no"},
                {"fingerprint", m["fingerprint"].is_null() ? "" : Code(Str(m["fingerprint"]))},
                {"defined in", Code(Where(m["location"]))}});
    const json& lin = m["lineage"];
    std::set<std::string> expanded;
    std::string tree = HtmlTree(LineageTree(metrics, name, &expanded), a);
    std::string used;
    for (const auto& t : lin["used_by"]["expectations"]) used += "<li>" + Code(Str(t)) + "</li>";
    body += fmt::format(
        "<div class=\"lin\"><div><h4>built from</h4>{}<p>sources: {}</p></div><div><h4>used by</h4>{}</div></div>",
        tree.empty() ? "<span class=\"sub\">nothing</span>" : tree, HtmlLinks(lin["sources"], a, "source"),
        Dl({{"metrics", HtmlLinks(lin["used_by"]["metrics"], a, "metric")},
            {"goals", HtmlLinks(lin["used_by"]["goals"], a, "goal")},
            {"reports", HtmlLinks(lin["used_by"]["reports"], a, "report")},
            {"data tests", used.empty() ? "" : "<ul class=\"tree\">" + used + "</ul>"}}));
    body += LineageSvg(metrics, m, a);
    body += "</div>\n";
  }
  body += "</section>\n";

  // A section of entries: each a card with its name, label and description,
  // then what `fn` shows of it.
  auto entries = [&](const char* id, const char* title, const char* intro, const json& items, const std::string& kind,
                     const char* id_key, const char* label_key, const std::function<std::string(const json&)>& fn) {
    body += fmt::format("<section id=\"{}\"><h2>{}</h2>{}", id, title, intro);
    if (items.empty()) body += "<p class=\"sub\">none</p>";
    for (const auto& e : items) {
      body += Head(kind, a.Html(kind, Str(e[id_key])), e, Str(e["name"]), Str(e[label_key]));
      if (e.contains("description")) body += Para(e["description"]);
      body += fn(e) + "</div>\n";
    }
    body += "</section>\n";
  };

  // Goals.
  entries("goals", "Goals · 目标", "", doc["goals"], "goal", "name", "label", [&](const json& g) {
    std::string out;
    std::string metric = Str(g["metric"]);
    std::string decompose, alerts;
    for (const auto& d : g["decompose"])
      decompose += fmt::format("<div>{} = {}</div>", one(d["metric"], "metric"), Code(Str(d["formula"])));
    for (const auto& al : g["alerts"])
      alerts += fmt::format(
          "<div class=\"alert {}\"><span class=\"tag {}\">{}</span> {} <span class=\"sub\">when</span> {}</div>",
          HtmlEscape(Str(al["severity"])), HtmlEscape(Str(al["severity"])), HtmlEscape(Str(al["severity"])),
          HtmlEscape(Str(al["name"])), Code(Str(al["condition"])));
    out +=
        Dl({{"metric", metrics.count(metric) ? one(metric, "metric") : Code(metric)},
            {"period", g.contains("period") ? HtmlEscape(Str(g["period"])) : ""},
            {"grain", g.contains("grain") ? HtmlEscape(Str(g["grain"])) : ""},
            {"target", g.contains("target") ? Code(Str(g["target"])) : ""},
            {"at risk", g["at_risk_text"].is_null() ? "" : "below a " + HtmlEscape(Str(g["at_risk_text"])) + " chance"},
            {"phasing", HtmlEscape(Str(g["phasing"]))},
            {"allocate", HtmlEscape(Str(g["allocate"]))},
            {"labels", HtmlLabels(g["labels"])},
            {"owner", HtmlEscape(Str(g["owner"]))},
            {"missing labels", HtmlMissing(g)},
            {"decomposition", decompose},
            {"drill", g["drill"].empty()
                          ? ""
                          : HtmlLinks(g["drill"], a, "dimension") +
                                (g["drill_top"].is_null() ? "" : fmt::format(" (top {})", Str(g["drill_top"])))},
            {"alerts", alerts},
            {"metrics read", HtmlLinks(g["metrics"], a, "metric")},
            {"reports", HtmlLinks(g["reports"], a, "report")},
            {"defined in", Code(Where(g["location"]))}});
    return out;
  });
  // Sources.
  entries("sources", "Sources · 数据源", "", doc["sources"], "source", "key", "label", [&](const json& src) {
    std::string out;
    std::string data;
    if (!src["data"].is_null())
      data = HtmlEscape(Str(src["data"]["kind"])) + " " + Code(Str(src["data"]["location"])) +
             (src["data"]["table"].is_null() ? "" : ", table " + Code(Str(src["data"]["table"])));
    out += Dl({{"data", data}, {"package", HtmlEscape(Str(src["package"])) + " (" + Code(Str(src["key"])) + ")"}});
    out +=
        "<div class=\"scroll\"><table><tr><th>column</th><th>type</th><th>unit</th><th>role</th><th>header / "
        "label</th><th>maps to</th></tr>";
    for (const auto& c : src["columns"]) {
      std::vector<std::string> role, to;
      if (c["key"] == true) role.push_back("<span class=\"tag\">key</span>");
      if (c["time"] == true) role.push_back("<span class=\"tag\">time</span>");
      if (c.contains("entity")) role.push_back("entity " + HtmlEscape(Str(c["entity"])));
      if (c.contains("rollup")) role.push_back("rollup " + HtmlEscape(Str(c["rollup"])));
      if (c.contains("hidden_from")) role.push_back("hidden from " + HtmlLinks(c["hidden_from"], a, "role"));
      if (c.contains("dimension")) to.push_back("dimension " + one(c["dimension"], "dimension"));
      if (c.contains("references")) to.push_back("references " + one(c["references"], "source"));
      std::string header = c.contains("header") ? Str(c["header"]) : c.contains("label") ? Str(c["label"]) : "";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                         Code(Str(c["name"])),
                         HtmlEscape(c.contains("value_type") ? Str(c["value_type"]) : Str(c["type"])),
                         c.contains("unit") ? Code(Str(c["unit"])) : "", fmt::join(role, " "), HtmlEscape(header),
                         fmt::join(to, ", "));
    }
    out += "</table></div>";
    std::vector<std::string> refs;
    for (const auto& r : src["referenced_by"]) refs.push_back(Code(Str(r)));
    std::string tests;
    for (const auto& t : src["used_by"]["expectations"]) tests += "<div>" + Code(Str(t)) + "</div>";
    out += Dl(
        {{"referenced by", refs.empty() ? "<span class=\"sub\">none</span>" : fmt::format("{}", fmt::join(refs, ", "))},
         {"read by metrics", HtmlLinks(src["used_by"]["metrics"], a, "metric")},
         {"restricted by roles", HtmlLinks(src["used_by"]["roles"], a, "role")},
         {"data tests", tests},
         {"defined in", Code(Where(src["location"]))}});
    return out;
  });
  // Dimensions.
  entries("dimensions", "Dimensions · 维度", kDimensionsIntro, doc["dimensions"], "dimension", "name", "label",
          [&](const json& d) {
            std::string out;
            std::string labels = HtmlLabels(d["labels"]), values, provided;
            for (const auto& v : d["values"]) values += "<span class=\"tag\">" + HtmlEscape(Str(v)) + "</span>";
            for (const auto& p : d["sources"])
              provided += fmt::format("<div>{} via {}</div>", one(p["source"], "source"), Code(Str(p["path"])));
            out += Dl({{"labels", labels},
                       {"type", HtmlEscape(Str(d["type"]))},
                       {"owner", HtmlEscape(Str(d["owner"]))},
                       {"values", values},
                       {"provided by", provided.empty() ? "<span class=\"sub\">no source</span>" : provided},
                       {"metrics by it", HtmlLinks(d["metrics"], a, "metric")},
                       {"goals drilling it", HtmlLinks(d["goals"], a, "goal")},
                       {"defined in", Code(Where(d["location"]))}});
            return out;
          });
  // Roles.
  entries("roles", "Roles · 角色权限", "", doc["roles"], "role", "name", "label", [&](const json& r) {
    std::string out;
    std::vector<std::string> params, hidden;
    for (const auto& p : r["params"]) params.push_back(Code(Str(p["name"]) + ": " + Str(p["type"])));
    for (const auto& h : r["hidden"]) hidden.push_back(Code(Str(h)));
    std::string rows;
    for (const auto& row : r["rows"])
      rows += fmt::format("<div>{}: {}</div>", one(row["source"], "source"),
                          row["filter"].is_null() ? "all rows" : "rows where " + Code(Str(row["filter"])));
    for (const auto& n : r["not_named"])
      rows += fmt::format("<div>{}: <span class=\"sub\">not named (a run reading it is refused)</span></div>",
                          one(n, "source"));
    out += Dl({{"parameters",
                params.empty() ? "<span class=\"sub\">none</span>" : fmt::format("{}", fmt::join(params, ", "))},
               {"sees", rows},
               {"hidden columns",
                hidden.empty() ? "<span class=\"sub\">none</span>" : fmt::format("{}", fmt::join(hidden, ", "))},
               {"reports", HtmlLinks(r["reports"], a, "report")},
               {"defined in", Code(Where(r["location"]))}});
    return out;
  });
  // Reports.
  entries("reports", "Reports · 报告", "", doc["reports"], "report", "name", "title", [&](const json& r) {
    std::string out;
    std::string charts;
    for (const auto& c : r["charts"])
      charts += fmt::format("<div>{} <span class=\"sub\">reads</span> {}</div>", Code(Str(c["text"])),
                            HtmlLinks(c["metrics"], a, "metric"));
    out += Dl({{"goals", HtmlLinks(r["goals"], a, "goal")},
               {"metrics", HtmlLinks(r["metrics"], a, "metric")},
               {"role", r["role"].is_null() ? "<span class=\"sub\">none</span>" : one(r["role"], "role")},
               {"charts", charts},
               {"defined in", Code(Where(r["location"]))}});
    return out;
  });

  // Data tests.
  body += "<section id=\"tests\"><h2>Data tests · 数据校验</h2>";
  if (doc["expectations"].empty())
    body += "<p class=\"sub\">none</p>";
  else
    body +=
        "<div class=\"scroll\"><table><tr><th>test</th><th>label</th><th>check</th><th>on</th><th>defined in</th></tr>";
  for (const auto& e : doc["expectations"]) {
    std::string on = e["source"].is_null() ? HtmlLinks(e["metrics"], a, "metric") : one(e["source"], "source");
    body += fmt::format("<tr data-s=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        HtmlEscape("test " + SearchText(e)), Code(Str(e["text"])), HtmlEscape(Str(e["label"])),
                        HtmlEscape(Str(e["check"])), on, Code(Str(e["file"]) + ":" + Str(e["line"])));
  }
  if (!doc["expectations"].empty()) body += "</table></div>";
  body += "</section>\n";

  // The user's own functions.
  std::string fns;
  for (const auto& f : doc["functions"]) {
    if (Str(f["package"]).rfind("std.", 0) == 0 || Str(f["package"]) == "std") continue;
    std::vector<std::string> ps;
    for (const auto& p : f["params"]) ps.push_back(Str(p["name"]) + (p["unit"].is_null() ? "" : ": " + Str(p["unit"])));
    fns +=
        fmt::format("<tr data-s=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>", HtmlEscape("function " + SearchText(f)),
                    Code(fmt::format("{}({})", Str(f["name"]), fmt::join(ps, ", "))), Code(Str(f["formula"])),
                    HtmlEscape(Str(f["description"])));
  }
  if (!fns.empty())
    body +=
        "<section id=\"functions\"><h2>Functions · 函数</h2><div class=\"scroll\"><table><tr><th>function</th>"
        "<th>formula</th><th>description</th></tr>" +
        fns + "</table></div></section>\n";

  const json& cal = doc["calendar"];
  std::string nav = fmt::format(
      "<nav><input id=\"q\" type=\"search\" hidden placeholder=\"Search 搜索: name, label, owner…\" "
      "aria-label=\"search\"><span id=\"n\" class=\"sub\"></span><a href=\"#metrics\">Metrics {}</a>"
      "<a href=\"#goals\">Goals {}</a><a href=\"#sources\">Sources {}</a><a href=\"#dimensions\">Dimensions {}</a>"
      "<a href=\"#roles\">Roles {}</a><a href=\"#reports\">Reports {}</a><a href=\"#tests\">Data tests {}</a></nav>",
      doc["metrics"].size(), doc["goals"].size(), doc["sources"].size(), doc["dimensions"].size(), doc["roles"].size(),
      doc["reports"].size(), doc["expectations"].size());
  std::string html = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">";
  html += output::HtmlCspWithScript(kSearchScript);
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  html += "<title>Indicator center · 指标中心</title><style>";
  html += kCatalogStyle;
  html += output::kFontMarker;
  html += "</style></head>\n<body>\n<h1>Indicator center · 指标中心</h1>\n";
  html += fmt::format("<p class=\"sub\">{}. {} Generated by kpic from the checked definitions.</p>\n",
                      HtmlEscape(Counts(doc)), HtmlEscape(Settings(doc)));
  html += nav + "\n" + body;
  html += output::InlineScript(kSearchScript);
  html += "\n</body></html>\n";
  return output::WithFont(std::move(html));
}
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
    if (root >= 0 && m.expr && m.expr->kind == ast::ExprKind::kCall) leaves.push_back("= " + ir::DumpNode(mod, root));
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
  out += fmt::format("sources: {}\n", fmt::join(t.sources, ", "));
  out += fmt::format("dimensions: {}\n",
                     t.dimensions.empty() ? "(none)" : fmt::format("{}", fmt::join(t.dimensions, ", ")));
  std::string desc = Description(*t.decl);
  if (!desc.empty()) out += "description: " + desc + "\n";
  return out;
}

}  // namespace kpic
