// Catalog exports. Everything is read from the checked session; nothing
// here re-resolves names.
#include "driver/catalog_export.h"

#include <fmt/format.h>

#include <functional>
#include <set>
#include <nlohmann/json.hpp>

#include "base/utf8.h"
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

}  // namespace

std::string CatalogJson(const Session& s) {
  json metrics = json::array(), dims = json::array(), sources = json::array(), goals = json::array(),
       fns = json::array();
  for (const auto& [name, t] : s.catalog.checked.metrics) metrics.push_back(MetricJson(s, name, t));
  ForEachDecl<ast::DimensionDecl>(s, ast::DeclKind::kDimension,
                                  [&](const std::string& pkg, const ast::DimensionDecl& d) {
                                    dims.push_back({{"name", d.name.name},
                                                    {"package", pkg},
                                                    {"label", d.label ? json(*d.label) : json(nullptr)},
                                                    {"type", d.type ? d.type->name.name : "string"},
                                                    {"location", Location(s, d.name.span)}});
                                  });
  ForEachDecl<ast::SourceDecl>(s, ast::DeclKind::kSource, [&](const std::string& pkg, const ast::SourceDecl& d) {
    json cols = json::array();
    for (const auto& c : d.columns) cols.push_back(ColumnJson(c));
    sources.push_back({{"name", d.name.name},
                       {"package", pkg},
                       {"label", d.label ? json(*d.label) : json(nullptr)},
                       {"binding", d.binding ? BindingJson(*d.binding) : json(nullptr)},
                       {"columns", cols},
                       {"location", Location(s, d.name.span)}});
  });
  ForEachDecl<ast::GoalDecl>(s, ast::DeclKind::kGoal, [&](const std::string& pkg, const ast::GoalDecl& g) {
    goals.push_back(GoalJson(s, pkg, g));
  });
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
  json doc = {{"version", 1},       {"metrics", metrics}, {"dimensions", dims},
              {"sources", sources}, {"goals", goals},     {"functions", fns}};
  return doc.dump(2) + "\n";
}

std::string CatalogMarkdown(const Session& s) {
  std::string out = "# Metric catalog\n\n";
  out += "| metric | label | unit | additivity | owner | package |\n|---|---|---|---|---|---|\n";
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    const ast::MetricDecl& m = *t.decl;
    out += fmt::format("| [`{}`](#{}) | {} | `{}` | {} | {} | {} |\n", name, name, MdCell(m.label.value_or("")),
                       t.ok ? t.unit.ToString() : "?", t.ok ? AdditivityName(t.additivity) : "?",
                       MdCell(Attr(m.attrs, "owner")), t.package);
  }
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    const ast::MetricDecl& m = *t.decl;
    out += fmt::format("\n## {}\n\n", name);
    if (m.label) out += fmt::format("**{}**\n\n", MdText(*m.label));
    if (!Description(m).empty()) out += MdText(Description(m)) + "\n\n";
    out += fmt::format("```kpi\n{}\n```\n\n", m.expr ? Text(s, m.expr->span) : "");
    out += fmt::format("- unit: `{}`{}\n", t.unit.ToString(), t.percent ? " (shown as a percentage)" : "");
    out += fmt::format("- additivity: {}\n", AdditivityName(t.additivity));
    if (!t.depends_on.empty()) out += fmt::format("- depends on: {}\n", fmt::join(t.depends_on, ", "));
    out += fmt::format("- sources: {}\n", fmt::join(t.sources, ", "));
    out += fmt::format("- dimensions: {}\n",
                       t.dimensions.empty() ? "(none)" : fmt::format("{}", fmt::join(t.dimensions, ", ")));
    if (!Attr(m.attrs, "owner").empty()) out += fmt::format("- owner: {}\n", MdText(Attr(m.attrs, "owner")));
    Position p = s.sm.Resolve(m.name.span.file, m.name.span.begin);
    out += fmt::format("- defined in: `{}:{}`\n", s.sm.Get(m.name.span.file).path, p.line);
  }
  return out;
}

std::string CatalogHtml(const Session& s) {
  std::string rows;
  for (const auto& [name, t] : s.catalog.checked.metrics) {
    const ast::MetricDecl& m = *t.decl;
    rows += fmt::format(
        "<tr id=\"{0}\"><td><code>{0}</code></td><td>{1}</td><td><code>{2}</code></td><td>{3}</td><td>{4}</td>"
        "<td><code>{5}</code></td><td>{6}</td><td>{7}</td></tr>\n",
        output::HtmlEscape(name), output::HtmlEscape(m.label.value_or("")), output::HtmlEscape(t.unit.ToString()), AdditivityName(t.additivity),
        output::HtmlEscape(Attr(m.attrs, "owner")), output::HtmlEscape(m.expr ? Text(s, m.expr->span) : ""),
        output::HtmlEscape(fmt::format("{}", fmt::join(t.dimensions, ", "))), output::HtmlEscape(Description(m)));
  }
  std::string html = fmt::format(R"(<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">@CSP@<title>Metric catalog · 指标目录</title>
<style>
body {{ font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f4f6f8; }}
code {{ font-family: ui-monospace, monospace; font-size: .9em; }}
</style></head>
<body>
<h1>Metric catalog · 指标目录</h1>
<p>{} metrics. Generated by kpic from the checked definitions.</p>
<table>
<tr><th>metric</th><th>label</th><th>unit</th><th>additivity</th><th>owner</th><th>formula</th><th>dimensions</th><th>description</th></tr>
{}</table>
</body></html>
)",
                                 s.catalog.checked.metrics.size(), rows);
  html.replace(html.find("@CSP@"), 5, output::kHtmlCsp);
  return html;
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
