// The catalog as one self-contained HTML page, rendered from the catalog
// document (catalog_render.h) in the catalog's language: cards with links
// between them, each metric's lineage as a tree and as an inline SVG
// graph, and a search box (the page's one script, allowed by its hash).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <map>

#include "driver/catalog_export.h"
#include "driver/catalog_render.h"
#include "output/csp.h"
#include "output/output.h"
#include "output/values.h"

namespace kpic {
namespace {

using namespace catalog;  // NOLINT(google-build-using-namespace): the catalog's helpers

/// "none" in the catalog's language, as a quiet note.
std::string None(const std::string& lang) { return fmt::format("<span class=\"sub\">{}</span>", Tr(lang, "none", "无")); }

std::string HtmlTree(const TreeNode& n, const Anchors& a, const std::string& lang) {
  if (n.children.empty()) return "";
  std::string out = "<ul class=\"tree\">";
  for (const TreeNode& c : n.children) {
    if (c.kind == "metric")
      out += fmt::format("<li><span class=\"k m\">{}</span> <a href=\"#{}\"><code>{}</code></a> {}{}{}</li>",
                         Tr(lang, "metric", "指标"), output::HtmlEscape(a.Html("metric", c.name)),
                         output::HtmlEscape(c.name), output::HtmlEscape(c.label),
                         c.repeated ? fmt::format(" <span class=\"sub\">{}</span>", Tr(lang, "(see above)", "（见上）")) : "",
                         HtmlTree(c, a, lang));
    else if (c.kind == "rows")
      out += fmt::format("<li><span class=\"k c\">{}</span> <a href=\"#{}\"><code>{}</code></a></li>",
                         Tr(lang, "rows", "行"), output::HtmlEscape(a.Html("source", c.name)),
                         output::HtmlEscape(c.name.substr(c.name.find(':') + 1)));
    else
      out += fmt::format("<li><span class=\"k c\">{}</span> <a href=\"#{}\"><code>{}</code></a></li>",
                         Tr(lang, "column", "列"), output::HtmlEscape(a.Html("source", a.ColumnHome(c.name))),
                         output::HtmlEscape(c.name));
  }
  return out + "</ul>";
}


/// A metric's lineage as a left-to-right graph (inline SVG): the sources
/// and metrics under it in columns by distance, the metric, then the
/// metrics and goals that name it. Every node links to its entry.
std::string LineageSvg(const std::map<std::string, const json*>& metrics, const json& m, const Anchors& a,
                       const std::string& lang) {
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
      "height=\"{1:.0f}\" role=\"group\" aria-label=\"{2}\">",
      width, height, Tr(lang, "lineage", "血缘"));
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


std::string HtmlLinks(const json& names, const Anchors& a, const std::string& kind, const std::string& lang) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::string name = Str(n);
    out.push_back(fmt::format("<a href=\"#{}\"><code>{}</code></a>", output::HtmlEscape(a.Html(kind, name)),
                              output::HtmlEscape(name)));
  }
  return out.empty() ? None(lang) : fmt::format("{}", fmt::join(out, ", "));
}


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
.tag.status.approved{background:#d3f9d8;color:#1b5e20}.tag.status.draft{background:#fff3bf;color:#5c3c00}.tag.status.deprecated{background:#ffe3e3;color:#a51111}
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
@media (max-width:640px){svg.graph{max-width:none}body{margin:10px}th,td{padding:3px 5px}table{display:block;overflow-x:auto;max-width:100%}dd{min-width:0;overflow-wrap:anywhere}table.sum th:nth-child(n+4),table.sum td:nth-child(n+4){display:none}.lin{display:block}.lin>div{min-width:0;margin-bottom:6px}nav{position:static}.entry{scroll-margin-top:8px}}
@media print{body{background:#fff;margin:0}nav{position:static}#q{display:none}.entry{break-inside:avoid;box-shadow:none;border:1px solid #e4e7eb}}
)";


/// The page's one script: the search box filters every entry (and every
/// row of the tables) by the words typed, all of them, and hides the
/// sections left empty; the count's word is the page's (`data-w`). Without JavaScript the box stays hidden and the
/// page is complete.
const char* kSearchScript =
    "(function(){var q=document.getElementById('q'),n=document.getElementById('n');q.hidden=false;"
    "q.addEventListener('input',function(){var w=q.value.toLowerCase().split(/\\s+/).filter(Boolean),c=0;"
    "document.querySelectorAll('section').forEach(function(s){var k=0;"
    "s.querySelectorAll('[data-s]').forEach(function(e){var t=e.getAttribute('data-s'),"
    "ok=w.every(function(x){return t.indexOf(x)>=0;});e.style.display=ok?'':'none';"
    "if(ok){k++;if(e.tagName!=='TR')c++;}});s.style.display=k||!w.length?'':'none';});"
    "n.textContent=w.length?c+n.getAttribute('data-w'):'';});})();";

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

/// An entry's kind for people: `metric` / `指标`.
std::string KindWord(const std::string& kind, const std::string& lang) {
  if (lang != "zh") return kind;
  static const std::map<std::string, std::string> kZh = {{"metric", "指标"}, {"goal", "目标"},   {"source", "数据源"},
                                                         {"dimension", "维度"}, {"role", "角色"}, {"report", "报告"}};
  auto it = kZh.find(kind);
  return it == kZh.end() ? kind : it->second;
}

/// The languages an entry lacks a label in, as warnings, or "".
std::string HtmlMissing(const json& e) {
  std::string out;
  for (const auto& l : e["missing_labels"]) out += "<span class=\"tag warning\">" + HtmlEscape(Str(l)) + "</span>";
  return out;
}

std::string Code(const std::string& s) { return "<code>" + HtmlEscape(s) + "</code>"; }

std::string Head(const std::string& kind, const std::string& id, const json& e, const std::string& name,
                 const std::string& label, const std::string& lang) {
  std::string word = KindWord(kind, lang);
  return fmt::format("<div class=\"entry {}\" id=\"{}\" data-s=\"{}\"><h3><span class=\"k\">{}</span> {}{}</h3>", kind,
                     HtmlEscape(id), HtmlEscape(kind + (word == kind ? "" : " " + word) + " " + SearchText(e)),
                     HtmlEscape(word), Code(name), label.empty() ? "" : "<span class=\"l\">" + HtmlEscape(label) + "</span>");
}

std::string Para(const json& v) { return v.is_null() ? "" : "<p>" + HtmlEscape(Str(v)) + "</p>"; }

}  // namespace

std::string CatalogHtml(const Session& s, const std::string& lang) {
  json doc = catalog::Document(s);
  Anchors a = MakeAnchors(doc);
  auto metrics = MetricIndex(doc);
  auto T = [&](const char* en, const char* zh) { return std::string(Tr(lang, en, zh)); };
  auto links = [&](const json& names, const std::string& kind) { return HtmlLinks(names, a, kind, lang); };
  auto one = [&](const json& v, const std::string& kind) { return links(json::array({v}), kind); };
  std::string body;
  // Metrics: a summary table, then one entry each.
  body += fmt::format(
      "<section id=\"metrics\"><h2>{}</h2><div class=\"scroll\"><table class=\"sum\"><tr><th>{}</th><th>{}</th>"
      "<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
      T("Metrics", "指标"), T("metric", "指标"), T("label", "标签"), T("unit", "单位"), T("additivity", "可加性"),
      T("status", "状态"), T("owner", "负责人"), T("description", "说明"));
  for (const auto& m : doc["metrics"]) {
    body += fmt::format(
        "<tr data-s=\"{}\"><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        HtmlEscape(SearchText(m)), HtmlEscape(a.Html("metric", Str(m["name"]))), HtmlEscape(Str(m["name"])),
        HtmlEscape(LabelIn(m, lang)), UnitIsCode(m) ? Code(UnitShown(m, lang)) : HtmlEscape(UnitShown(m, lang)),
        HtmlEscape(AdditivityWord(m, lang)), HtmlEscape(StatusWord(m, lang)), HtmlEscape(Str(m["owner"])),
        HtmlEscape(Str(m["description"])));
  }
  body += "</table></div>\n";
  for (const auto& m : doc["metrics"]) {
    std::string name = Str(m["name"]);
    body += Head("metric", a.Html("metric", name), m, name, LabelIn(m, lang), lang);
    std::string tags;
    for (const auto& t : m["tags"]) tags += "<span class=\"tag\">" + HtmlEscape(Str(t)) + "</span>";
    body += Para(m["description"]);
    body += "<pre>" + HtmlEscape(Str(m["formula"])) + "</pre>";
    std::string status = StatusWord(m, lang);
    body += Dl({{T("definition", "口径"), HtmlEscape(Str(m["definition"]))},
                {T("status", "状态"), status.empty() ? "" : fmt::format("<span class=\"tag status {}\">{}</span>",
                                                                      HtmlEscape(Str(m["status"])), HtmlEscape(status))},
                {T("approver", "批准人"), HtmlEscape(Str(m["approver"]))},
                {T("labels", "标签"), HtmlLabels(m["labels"])},
                {T("unit", "单位"), (UnitIsCode(m) ? Code(UnitShown(m, lang)) : HtmlEscape(UnitShown(m, lang)))},
                {T("additivity", "可加性"), HtmlEscape(AdditivityWord(m, lang))},
                {T("format", "格式"), m["format"].is_null() ? "" : Code(Str(m["format"]))},
                {T("looks like", "显示为"), HtmlEscape(Str(m["looks_like"]))},
                {T("owner", "负责人"), HtmlEscape(Str(m["owner"]))},
                {T("missing labels", "缺少标签"), HtmlMissing(m)},
                {T("tags", "标签词"), tags},
                {T("deprecated", "已弃用"), m["deprecated"].is_null() ? "" : "<b>" + HtmlEscape(Str(m["deprecated"])) + "</b>"},
                {T("dimensions", "维度"), links(m["dimensions"], "dimension")},
                {T("time axis", "时间轴"), m["time"] == true ? T("yes", "有") : T("no", "无")},
                {T("fingerprint", "指纹"), m["fingerprint"].is_null() ? "" : Code(Str(m["fingerprint"]))},
                {T("defined in", "定义于"), Code(Where(m["location"]))}});
    const json& lin = m["lineage"];
    std::set<std::string> expanded;
    std::string tree = HtmlTree(LineageTree(metrics, name, lang, &expanded), a, lang);
    std::string used;
    for (const auto& t : lin["used_by"]["expectations"]) used += "<li>" + Code(Str(t)) + "</li>";
    body += fmt::format(
        "<div class=\"lin\"><div><h4>{}</h4>{}<p>{}{}</p></div><div><h4>{}</h4>{}</div></div>",
        T("built from", "来源"), tree.empty() ? None(lang) : tree, T("sources: ", "数据源："), links(lin["sources"], "source"),
        T("used by", "被使用"),
        Dl({{T("metrics", "指标"), links(lin["used_by"]["metrics"], "metric")},
            {T("goals", "目标"), links(lin["used_by"]["goals"], "goal")},
            {T("reports", "报告"), links(lin["used_by"]["reports"], "report")},
            {T("data tests", "数据校验"), used.empty() ? "" : "<ul class=\"tree\">" + used + "</ul>"}}));
    body += LineageSvg(metrics, m, a, lang);
    body += "</div>\n";
  }
  body += "</section>\n";

  // A section of entries: each a card with its name, label and description,
  // then what `fn` shows of it.
  auto entries = [&](const char* id, const std::string& title, const std::string& intro, const json& items,
                     const std::string& kind, const char* id_key, const char* label_key,
                     const std::function<std::string(const json&)>& fn) {
    body += fmt::format("<section id=\"{}\"><h2>{}</h2>{}", id, title, intro);
    if (items.empty()) body += "<p class=\"sub\">" + T("none", "无") + "</p>";
    for (const auto& e : items) {
      body += Head(kind, a.Html(kind, Str(e[id_key])), e, Str(e["name"]), LabelIn(e, lang, label_key), lang);
      if (e.contains("description")) body += Para(e["description"]);
      body += fn(e) + "</div>\n";
    }
    body += "</section>\n";
  };

  // Goals.
  entries("goals", T("Goals", "目标"), "", doc["goals"], "goal", "name", "label", [&](const json& g) {
    std::string metric = Str(g["metric"]);
    std::string decompose, alerts;
    for (const auto& d : g["decompose"])
      decompose += fmt::format("<div>{} = {}</div>", one(d["metric"], "metric"), Code(Str(d["formula"])));
    for (const auto& al : g["alerts"])
      alerts += fmt::format(
          "<div class=\"alert {}\"><span class=\"tag {}\">{}</span> {} <span class=\"sub\">{}</span> {}</div>",
          HtmlEscape(Str(al["severity"])), HtmlEscape(Str(al["severity"])),
          HtmlEscape(output::SeverityWord(Str(al["severity"]), lang)), HtmlEscape(Str(al["name"])),
          T("when", "条件"), Code(Str(al["condition"])));
    return Dl(
        {{T("metric", "指标"), metrics.count(metric) ? one(metric, "metric") : Code(metric)},
         {T("period", "周期"), g.contains("period") ? HtmlEscape(Str(g["period"])) : ""},
         {T("grain", "粒度"), g.contains("grain") ? HtmlEscape(Str(g["grain"])) : ""},
         {T("target", "目标值"), g.contains("target") ? Code(Str(g["target"])) : ""},
         {T("at risk", "有风险"),
          g["at_risk_text"].is_null()
              ? ""
              : Say(lang, "below a {} chance", "达成概率低于 {}", HtmlEscape(Str(g["at_risk_text"])))},
         {T("phasing", "分期"), HtmlEscape(Str(g["phasing"]))},
         {T("allocate", "分配"), HtmlEscape(Str(g["allocate"]))},
         {T("labels", "标签"), HtmlLabels(g["labels"])},
         {T("owner", "负责人"), HtmlEscape(Str(g["owner"]))},
         {T("missing labels", "缺少标签"), HtmlMissing(g)},
         {T("decomposition", "分解"), decompose},
         {T("drill", "下钻"),
          g["drill"].empty() ? ""
                             : links(g["drill"], "dimension") +
                                   (g["drill_top"].is_null()
                                        ? ""
                                        : Say(lang, " (top {})", "（前 {} 名）", Str(g["drill_top"])))},
         {T("alerts", "预警"), alerts},
         {T("metrics read", "读取的指标"), links(g["metrics"], "metric")},
         {T("reports", "报告"), links(g["reports"], "report")},
         {T("defined in", "定义于"), Code(Where(g["location"]))}});
  });
  // Sources.
  entries("sources", T("Sources", "数据源"), "", doc["sources"], "source", "key", "label", [&](const json& src) {
    std::string out;
    std::string data;
    if (!src["data"].is_null())
      data = HtmlEscape(Str(src["data"]["kind"])) + " " + Code(Str(src["data"]["location"])) +
             (src["data"]["table"].is_null() ? "" : T(", table ", "，表 ") + Code(Str(src["data"]["table"])));
    out += Dl({{T("data", "数据"), data},
               {T("package", "包"), HtmlEscape(Str(src["package"])) + " (" + Code(Str(src["key"])) + ")"}});
    out += fmt::format(
        "<div class=\"scroll\"><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        T("column", "列"), T("type", "类型"), T("unit", "单位"), T("role", "作用"), T("header / label", "表头 / 标签"),
        T("maps to", "对应"));
    for (const auto& c : src["columns"]) {
      std::vector<std::string> role, to;
      if (c["key"] == true) role.push_back("<span class=\"tag\">" + T("key", "主键") + "</span>");
      if (c["time"] == true) role.push_back("<span class=\"tag\">" + T("time", "时间") + "</span>");
      if (c.contains("entity")) role.push_back(T("entity ", "实体 ") + HtmlEscape(Str(c["entity"])));
      if (c.contains("rollup")) role.push_back(T("rollup ", "汇总 ") + HtmlEscape(Str(c["rollup"])));
      if (c.contains("hidden_from")) role.push_back(T("hidden from ", "隐藏于 ") + links(c["hidden_from"], "role"));
      if (c.contains("dimension")) to.push_back(T("dimension ", "维度 ") + one(c["dimension"], "dimension"));
      if (c.contains("references")) to.push_back(T("references ", "引用 ") + one(c["references"], "source"));
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
    out += Dl({{T("referenced by", "被引用"), refs.empty() ? None(lang) : fmt::format("{}", fmt::join(refs, ", "))},
               {T("read by metrics", "读取它的指标"), links(src["used_by"]["metrics"], "metric")},
               {T("restricted by roles", "限制它的角色"), links(src["used_by"]["roles"], "role")},
               {T("data tests", "数据校验"), tests},
               {T("defined in", "定义于"), Code(Where(src["location"]))}});
    return out;
  });
  // Dimensions.
  std::string dims_intro = fmt::format(
      "<p class=\"sub\">{}</p>",
      T("The language has no dimension hierarchies: each dimension is conformed on its own, and a source reaches it "
        "directly or through its lookups.",
        "语言没有维度层级：每个维度各自一致，数据源直接或经由查找列到达它。"));
  entries("dimensions", T("Dimensions", "维度"), dims_intro, doc["dimensions"], "dimension", "name", "label",
          [&](const json& d) {
            std::string values, provided;
            for (const auto& v : d["values"]) values += "<span class=\"tag\">" + HtmlEscape(Str(v)) + "</span>";
            for (const auto& p : d["sources"])
              provided += Say(lang, "<div>{} via {}</div>", "<div>{}，经 {}</div>", one(p["source"], "source"),
                                      Code(Str(p["path"])));
            return Dl({{T("labels", "标签"), HtmlLabels(d["labels"])},
                       {T("type", "类型"), HtmlEscape(Str(d["type"]))},
                       {T("owner", "负责人"), HtmlEscape(Str(d["owner"]))},
                       {T("values", "取值"), values},
                       {T("provided by", "来自"),
                        provided.empty() ? "<span class=\"sub\">" + T("no source", "无数据源") + "</span>" : provided},
                       {T("metrics by it", "可按它拆分的指标"), links(d["metrics"], "metric")},
                       {T("goals drilling it", "按它下钻的目标"), links(d["goals"], "goal")},
                       {T("defined in", "定义于"), Code(Where(d["location"]))}});
          });
  // Roles.
  entries("roles", T("Roles", "角色权限"), "", doc["roles"], "role", "name", "label", [&](const json& r) {
    std::vector<std::string> params, hidden;
    for (const auto& p : r["params"]) params.push_back(Code(Str(p["name"]) + ": " + Str(p["type"])));
    for (const auto& h : r["hidden"]) hidden.push_back(Code(Str(h)));
    std::string rows;
    for (const auto& row : r["rows"])
      rows += fmt::format("<div>{}: {}</div>", one(row["source"], "source"),
                          row["filter"].is_null() ? T("all rows", "全部行")
                                                  : T("rows where ", "满足条件的行 ") + Code(Str(row["filter"])));
    for (const auto& n : r["not_named"])
      rows += fmt::format("<div>{}: <span class=\"sub\">{}</span></div>", one(n, "source"),
                          T("not named (a run reading it is refused)", "未列出（读取它的运行会被拒绝）"));
    return Dl({{T("parameters", "参数"), params.empty() ? None(lang) : fmt::format("{}", fmt::join(params, ", "))},
               {T("sees", "可见"), rows},
               {T("hidden columns", "隐藏的列"), hidden.empty() ? None(lang) : fmt::format("{}", fmt::join(hidden, ", "))},
               {T("reports", "报告"), links(r["reports"], "report")},
               {T("defined in", "定义于"), Code(Where(r["location"]))}});
  });
  // Reports.
  entries("reports", T("Reports", "报告"), "", doc["reports"], "report", "name", "title", [&](const json& r) {
    std::string charts;
    for (const auto& c : r["charts"])
      charts += fmt::format("<div>{} <span class=\"sub\">{}</span> {}</div>", Code(Str(c["text"])), T("reads", "读取"),
                            links(c["metrics"], "metric"));
    return Dl({{T("goals", "目标"), links(r["goals"], "goal")},
               {T("metrics", "指标"), links(r["metrics"], "metric")},
               {T("role", "角色"), r["role"].is_null() ? None(lang) : one(r["role"], "role")},
               {T("charts", "图表"), charts},
               {T("defined in", "定义于"), Code(Where(r["location"]))}});
  });

  // Data tests.
  body += fmt::format("<section id=\"tests\"><h2>{}</h2>", T("Data tests", "数据校验"));
  if (doc["expectations"].empty())
    body += "<p class=\"sub\">" + T("none", "无") + "</p>";
  else
    body += fmt::format(
        "<div class=\"scroll\"><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        T("test", "校验"), T("label", "标签"), T("check", "检查"), T("on", "对象"), T("defined in", "定义于"));
  for (const auto& e : doc["expectations"]) {
    std::string on = e["source"].is_null() ? links(e["metrics"], "metric") : one(e["source"], "source");
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
    body += fmt::format(
        "<section id=\"functions\"><h2>{}</h2><div class=\"scroll\"><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>"
        "{}</table></div></section>\n",
        T("Functions", "函数"), T("function", "函数"), T("formula", "公式"), T("description", "说明"), fns);

  std::string nav = fmt::format(
      "<nav><input id=\"q\" type=\"search\" hidden placeholder=\"{}\" aria-label=\"{}\"><span id=\"n\" class=\"sub\" "
      "data-w=\"{}\"></span><a href=\"#metrics\">{} {}</a><a href=\"#goals\">{} {}</a><a href=\"#sources\">{} {}</a>"
      "<a href=\"#dimensions\">{} {}</a><a href=\"#roles\">{} {}</a><a href=\"#reports\">{} {}</a>"
      "<a href=\"#tests\">{} {}</a></nav>",
      T("Search: name, label, owner…", "搜索：名称、标签、负责人…"), T("search", "搜索"), T(" found", " 项符合"),
      T("Metrics", "指标"), doc["metrics"].size(), T("Goals", "目标"), doc["goals"].size(), T("Sources", "数据源"),
      doc["sources"].size(), T("Dimensions", "维度"), doc["dimensions"].size(), T("Roles", "角色权限"),
      doc["roles"].size(), T("Reports", "报告"), doc["reports"].size(), T("Data tests", "数据校验"),
      doc["expectations"].size());
  std::string title = T("Indicator center", "指标中心");
  std::string html = fmt::format("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">",
                                 lang == "zh" ? "zh-CN" : "en");
  html += output::HtmlCspWithScript(kSearchScript);
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  html += "<title>" + title + "</title><style>";
  html += kCatalogStyle;
  html += output::kFontMarker;
  html += "</style></head>\n<body>\n<h1>" + title + "</h1>\n";
  html += fmt::format("<p class=\"sub\">{}{}{}{}</p>\n", HtmlEscape(Counts(doc, lang)), T(". ", "。"),
                      HtmlEscape(Settings(doc, lang)),
                      T(" Generated by kpic from the checked definitions.", "由 kpic 从检查过的定义生成。"));
  html += nav + "\n" + body;
  html += output::InlineScript(kSearchScript);
  html += "\n</body></html>\n";
  return output::WithFont(std::move(html));
}

}  // namespace kpic
