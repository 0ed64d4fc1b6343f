// The catalog as Markdown, rendered from the catalog document
// (catalog_render.h) in the catalog's language: a summary table of metrics,
// one section per metric with its lineage and a Mermaid graph, then goals,
// sources, dimensions, roles, reports, data tests and the user's functions.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "driver/catalog_export.h"
#include "driver/catalog_render.h"
#include "output/values.h"

namespace kpic {
namespace {

using namespace catalog;  // NOLINT(google-build-using-namespace): the catalog's helpers

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

std::string MdTree(const TreeNode& n, const Anchors& a, const std::string& lang, int indent) {
  std::string out;
  for (const TreeNode& c : n.children) {
    out += std::string(indent, ' ') + "- ";
    if (c.kind == "metric")
      out += fmt::format("{} [`{}`](#{}){}{}\n", Tr(lang, "metric", "指标"), c.name, a.Md("metric", c.name),
                         c.label.empty() ? "" : " " + MdCell(c.label),
                         c.repeated ? Tr(lang, " (see above)", "（见上）") : "");
    else if (c.kind == "rows")
      out += Say(lang, "rows of [{}](#{})\n", "[{}](#{}) 的行\n", c.name.substr(c.name.find(':') + 1),
                         a.Md("source", c.name));
    else {
      std::string home = a.ColumnHome(c.name);
      out += Say(lang, "column `{}` of [{}](#{})\n", "[{1}](#{2}) 的列 `{0}`\n", c.name,
                         home.substr(home.find(':') + 1), a.Md("source", home));
    }
    out += MdTree(c, a, lang, indent + 2);
  }
  return out;
}

/// The head of a Markdown entry: `### KIND NAME` (its anchor is
/// `#kind-name`), its label in bold, its description.
std::string MdHead(const std::string& kind, const json& e, const char* label_key, const std::string& lang) {
  std::string out = fmt::format("\n### {} {}\n\n", kind, Str(e["name"]));
  std::string label = LabelIn(e, lang, label_key);
  if (!label.empty()) out += fmt::format("**{}**\n\n", MdCell(label));
  if (e.contains("description") && !e["description"].is_null()) out += MdText(Str(e["description"])) + "\n\n";
  return out;
}

/// `- missing labels: en` for an entry without a label in a language its
/// package declares, or "".
std::string MdMissing(const json& e, const std::string& lang) {
  std::vector<std::string> langs;
  for (const auto& l : e["missing_labels"]) langs.push_back(MdCell(Str(l)));
  return langs.empty() ? ""
                       : fmt::format("- **{}**: {}\n", Tr(lang, "missing labels", "缺少标签"), fmt::join(langs, ", "));
}

/// `[a](#a), [b](#b)` or `(none)`.
std::string MdLinks(const json& names, const Anchors& a, const std::string& kind, const std::string& lang) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::string name = Str(n);
    out.push_back(fmt::format("[`{}`](#{})", name, a.Md(kind, name)));
  }
  return out.empty() ? Tr(lang, "(none)", "（无）") : fmt::format("{}", fmt::join(out, ", "));
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

std::string CatalogMarkdown(const Session& s, const std::string& lang) {
  json doc = catalog::Document(s);
  Anchors a = MakeAnchors(doc);
  auto metrics = MetricIndex(doc);
  auto T = [&](const char* en, const char* zh) { return Tr(lang, en, zh); };
  auto links = [&](const json& names, const std::string& kind) { return MdLinks(names, a, kind, lang); };
  auto one = [&](const json& name, const std::string& kind) { return links(json::array({name}), kind); };
  // Section titles and their anchors (GitHub's: lower case, spaces as `-`).
  auto slug = [](const std::string& title) {
    std::string out = Lower(title);
    std::replace(out.begin(), out.end(), ' ', '-');
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"metrics", T("Metrics", "指标")},  {"goals", T("Goals", "目标")},       {"sources", T("Sources", "数据源")},
      {"dimensions", T("Dimensions", "维度")}, {"roles", T("Roles", "角色权限")}, {"reports", T("Reports", "报告")},
      {"tests", T("Data tests", "数据校验")}};
  auto title = [&](const char* id) {
    for (const auto& [k, t] : sections)
      if (k == id) return t;
    return std::string(id);
  };
  std::string out = fmt::format("# {}\n\n", T("Indicator center", "指标中心"));
  out += Counts(doc, lang) + T(". Generated by kpic from the checked definitions.\n\n", "。由 kpic 从检查过的定义生成。\n\n");
  out += MdCell(Settings(doc, lang)) + "\n\n";
  std::vector<std::string> contents;
  for (const auto& [k, t] : sections) contents.push_back(fmt::format("[{}](#{})", t, slug(t)));
  out += fmt::format("{}{}\n\n", T("Contents: ", "目录："), fmt::join(contents, " · "));

  // Metrics.
  out += fmt::format("## {}\n\n", title("metrics"));
  out += fmt::format("| {} |\n|---|---|---|---|---|---|---|\n",
                     T("metric | label | unit | additivity | status | owner | package",
                       "指标 | 标签 | 单位 | 可加性 | 状态 | 负责人 | 包"));
  for (const auto& m : doc["metrics"])
    out += fmt::format("| [`{}`](#{}) | {} | {} | {} | {} | {} | {} |\n", Str(m["name"]), a.Md("metric", Str(m["name"])),
                       MdCell(LabelIn(m, lang)),
                       UnitIsCode(m) ? "`" + UnitShown(m, lang) + "`" : MdCell(UnitShown(m, lang)),
                       AdditivityWord(m, lang), MdCell(StatusWord(m, lang)), MdCell(Str(m["owner"])), Str(m["package"]));
  for (const auto& m : doc["metrics"]) {
    std::string name = Str(m["name"]);
    out += fmt::format("\n### {}\n\n", name);
    std::string label = LabelIn(m, lang);
    if (!label.empty()) out += fmt::format("**{}**\n\n", MdCell(label));
    for (const auto& [l, v] : m["labels"].items())
      out += fmt::format("- {} ({}): {}\n", T("label", "标签"), l, MdCell(Str(v)));
    if (!m["labels"].empty()) out += "\n";
    if (!m["description"].is_null()) out += MdText(Str(m["description"])) + "\n\n";
    out += fmt::format("```kpi\n{}\n```\n\n", Str(m["formula"]));
    if (!m["definition"].is_null())
      out += fmt::format("- {}: {}\n", T("definition", "口径"), MdCell(Str(m["definition"])));
    if (!m["status"].is_null()) out += fmt::format("- {}: {}\n", T("status", "状态"), MdCell(StatusWord(m, lang)));
    if (!m["approver"].is_null()) out += fmt::format("- {}: {}\n", T("approver", "批准人"), MdCell(Str(m["approver"])));
    out += fmt::format("- {}: {}\n", T("unit", "单位"),
                       UnitIsCode(m) ? "`" + UnitShown(m, lang) + "`" : MdCell(UnitShown(m, lang)));
    out += fmt::format("- {}: {}\n", T("additivity", "可加性"), AdditivityWord(m, lang));
    if (!m["format"].is_null()) out += fmt::format("- {}: {}\n", T("format", "格式"), MdCode(Str(m["format"])));
    if (!m["looks_like"].is_null())
      out += fmt::format("- {}: {}\n", T("looks like", "显示为"), MdCell(Str(m["looks_like"])));
    if (!m["owner"].is_null()) out += fmt::format("- {}: {}\n", T("owner", "负责人"), MdCell(Str(m["owner"])));
    out += MdMissing(m, lang);
    if (!m["tags"].empty()) {
      std::vector<std::string> tags;
      for (const auto& t : m["tags"]) tags.push_back(MdCell(Str(t)));
      out += fmt::format("- {}: {}\n", T("tags", "标签词"), fmt::join(tags, ", "));
    }
    if (!m["deprecated"].is_null())
      out += fmt::format("- **{}**: {}\n", T("deprecated", "已弃用"), MdCell(Str(m["deprecated"])));
    out += fmt::format("- {}: {}\n", T("dimensions", "维度"), links(m["dimensions"], "dimension"));
    out += fmt::format("- {}: {}\n", T("time axis", "时间轴"), m["time"] == true ? T("yes", "有") : T("no", "无"));
    if (!m["fingerprint"].is_null())
      out += fmt::format("- {}: `{}`\n", T("fingerprint", "指纹"), Str(m["fingerprint"]));
    const json& lin = m["lineage"];
    out += fmt::format("- {}:\n  - {}:\n", T("lineage", "血缘"), T("built from", "来源"));
    std::set<std::string> expanded;
    std::string tree = MdTree(LineageTree(metrics, name, lang, &expanded), a, lang, 4);
    out += tree.empty() ? fmt::format("    - {}\n", T("(nothing)", "（无）")) : tree;
    out += fmt::format("  - {}: {}\n", T("sources", "数据源"), links(lin["sources"], "source"));
    out += fmt::format("  - {}: {}\n", T("all metrics under it", "下游依赖的全部指标"), links(lin["metrics"], "metric"));
    out += fmt::format("  - {}: {}\n", T("used by metrics", "被指标使用"), links(lin["used_by"]["metrics"], "metric"));
    out += fmt::format("  - {}: {}\n", T("used by goals", "被目标使用"), links(lin["used_by"]["goals"], "goal"));
    out += fmt::format("  - {}: {}\n", T("shown in reports", "出现在报告"), links(lin["used_by"]["reports"], "report"));
    for (const auto& t : lin["used_by"]["expectations"])
      out += fmt::format("  - {}: {}\n", T("tested by", "校验"), MdCode(Str(t)));
    out += fmt::format("- {}: {}\n\n", T("defined in", "定义于"), MdCode(Where(m["location"])));
    out += Mermaid(m);
  }

  // Goals.
  out += fmt::format("\n## {}\n", title("goals"));
  if (doc["goals"].empty()) out += fmt::format("\n{}\n", T("(none)", "（无）"));
  for (const auto& g : doc["goals"]) {
    out += MdHead("goal", g, "label", lang);
    std::string metric = Str(g["metric"]);
    out += fmt::format("- {}: {}\n", T("metric", "指标"), metrics.count(metric) ? one(metric, "metric") : MdCode(metric));
    if (g.contains("period")) out += fmt::format("- {}: {}\n", T("period", "周期"), MdCell(Str(g["period"])));
    if (g.contains("grain")) out += fmt::format("- {}: {}\n", T("grain", "粒度"), Str(g["grain"]));
    if (g.contains("target")) out += fmt::format("- {}: {}\n", T("target", "目标值"), MdCode(Str(g["target"])));
    if (!g["at_risk_text"].is_null())
      out += Say(lang, "- at risk below: {} chance\n", "- 有风险：达成概率低于 {}\n", Str(g["at_risk_text"]));
    if (!g["phasing"].is_null()) out += fmt::format("- {}: {}\n", T("phasing", "分期"), MdCell(Str(g["phasing"])));
    if (!g["allocate"].is_null()) out += fmt::format("- {}: {}\n", T("allocate", "分配"), MdCell(Str(g["allocate"])));
    for (const auto& [l, v] : g["labels"].items())
      out += fmt::format("- {} ({}): {}\n", T("label", "标签"), l, MdCell(Str(v)));
    if (!g["owner"].is_null()) out += fmt::format("- {}: {}\n", T("owner", "负责人"), MdCell(Str(g["owner"])));
    out += MdMissing(g, lang);
    for (const auto& d : g["decompose"])
      out += fmt::format("- {}: {} = {}\n", T("decomposition", "分解"), one(d["metric"], "metric"),
                         MdCode(Str(d["formula"])));
    if (!g["drill"].empty())
      out += fmt::format("- {}: {}{}\n", T("drill", "下钻"), links(g["drill"], "dimension"),
                         g["drill_top"].is_null() ? "" : Say(lang, " (top {})", "（前 {} 名）", Str(g["drill_top"])));
    for (const auto& al : g["alerts"])
      out += Say(lang, "- alert ({}): {} when {}\n", "- 预警（{}）：{}，条件 {}\n",
                         output::SeverityWord(Str(al["severity"]), lang), MdCell(Str(al["name"])),
                         MdCode(Str(al["condition"])));
    out += fmt::format("- {}: {}\n", T("metrics read", "读取的指标"), links(g["metrics"], "metric"));
    out += fmt::format("- {}: {}\n", T("shown in reports", "出现在报告"), links(g["reports"], "report"));
    out += fmt::format("- {}: {}\n", T("defined in", "定义于"), MdCode(Where(g["location"])));
  }

  // Sources.
  out += fmt::format("\n## {}\n", title("sources"));
  for (const auto& src : doc["sources"]) {
    out += MdHead("source", src, "label", lang);
    if (!src["data"].is_null())
      out += fmt::format("- {}: {} {}{}\n", T("data", "数据"), Str(src["data"]["kind"]),
                         MdCode(Str(src["data"]["location"])),
                         src["data"]["table"].is_null() ? "" : T(", table ", "，表 ") + MdCode(Str(src["data"]["table"])));
    out += fmt::format("- {}: {} (`{}`)\n", T("package", "包"), Str(src["package"]), Str(src["key"]));
    out += fmt::format("\n| {} |\n|---|---|---|---|---|---|\n",
                       T("column | type | unit | role | header / label | maps to", "列 | 类型 | 单位 | 作用 | 表头 / 标签 | 对应"));
    for (const auto& c : src["columns"]) {
      std::vector<std::string> role, to;
      if (c["key"] == true) role.push_back(T("key", "主键"));
      if (c["time"] == true) role.push_back(T("time", "时间"));
      if (c.contains("entity")) role.push_back(T("entity ", "实体 ") + Str(c["entity"]));
      if (c.contains("rollup")) role.push_back(T("rollup ", "汇总 ") + Str(c["rollup"]));
      if (c.contains("hidden_from")) role.push_back(T("hidden from ", "隐藏于 ") + links(c["hidden_from"], "role"));
      if (c.contains("dimension")) to.push_back(T("dimension ", "维度 ") + one(c["dimension"], "dimension"));
      if (c.contains("references")) to.push_back(T("references ", "引用 ") + one(c["references"], "source"));
      std::string header = c.contains("header") ? Str(c["header"]) : c.contains("label") ? Str(c["label"]) : "";
      out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", Str(c["name"]),
                         c.contains("value_type") ? Str(c["value_type"]) : Str(c["type"]),
                         c.contains("unit") ? "`" + Str(c["unit"]) + "`" : "", fmt::join(role, ", "), MdCell(header),
                         fmt::join(to, ", "));
    }
    out += "\n";
    std::vector<std::string> refs;
    for (const auto& r : src["referenced_by"]) refs.push_back("`" + Str(r) + "`");
    out += fmt::format("- {}: {}\n", T("referenced by", "被引用"),
                       refs.empty() ? T("(none)", "（无）") : fmt::format("{}", fmt::join(refs, ", ")));
    out += fmt::format("- {}: {}\n", T("read by metrics", "读取它的指标"), links(src["used_by"]["metrics"], "metric"));
    out += fmt::format("- {}: {}\n", T("restricted by roles", "限制它的角色"), links(src["used_by"]["roles"], "role"));
    for (const auto& t : src["used_by"]["expectations"])
      out += fmt::format("- {}: {}\n", T("tested by", "校验"), MdCode(Str(t)));
    out += fmt::format("- {}: {}\n", T("defined in", "定义于"), MdCode(Where(src["location"])));
  }

  // Dimensions.
  out += fmt::format("\n## {}\n\n{}\n", title("dimensions"),
                     T("The language has no dimension hierarchies: each dimension is conformed on its own.",
                       "语言没有维度层级：每个维度各自一致。"));
  for (const auto& d : doc["dimensions"]) {
    out += MdHead("dimension", d, "label", lang);
    for (const auto& [l, v] : d["labels"].items())
      out += fmt::format("- {} ({}): {}\n", T("label", "标签"), l, MdCell(Str(v)));
    out += fmt::format("- {}: {}\n", T("type", "类型"), Str(d["type"]));
    if (!d["owner"].is_null()) out += fmt::format("- {}: {}\n", T("owner", "负责人"), MdCell(Str(d["owner"])));
    if (!d["values"].empty()) {
      std::vector<std::string> vals;
      for (const auto& v : d["values"]) vals.push_back(MdCell(Str(v)));
      out += fmt::format("- {}: {}\n", T("values", "取值"), fmt::join(vals, ", "));
    }
    out += fmt::format("- {}:\n", T("provided by", "来自"));
    if (d["sources"].empty()) out += fmt::format("  - {}\n", T("(no source)", "（无数据源）"));
    for (const auto& p : d["sources"])
      out += Say(lang, "  - {} via {}\n", "  - {}，经 {}\n", one(p["source"], "source"), MdCode(Str(p["path"])));
    out += fmt::format("- {}: {}\n", T("metrics by it", "可按它拆分的指标"), links(d["metrics"], "metric"));
    out += fmt::format("- {}: {}\n", T("goals drilling it", "按它下钻的目标"), links(d["goals"], "goal"));
  }

  // Roles.
  out += fmt::format("\n## {}\n", title("roles"));
  if (doc["roles"].empty()) out += fmt::format("\n{}\n", T("(none)", "（无）"));
  for (const auto& r : doc["roles"]) {
    out += MdHead("role", r, "label", lang);
    std::vector<std::string> params;
    for (const auto& p : r["params"]) params.push_back(fmt::format("`{}: {}`", Str(p["name"]), Str(p["type"])));
    out += fmt::format("- {}: {}\n", T("parameters", "参数"),
                       params.empty() ? T("(none)", "（无）") : fmt::format("{}", fmt::join(params, ", ")));
    out += fmt::format("- {}:\n", T("sees", "可见"));
    for (const auto& row : r["rows"])
      out += fmt::format("  - {}: {}\n", one(row["source"], "source"),
                         row["all"] == true || row["filter"].is_null()
                             ? T("all rows", "全部行")
                             : T("rows where ", "满足条件的行 ") + MdCode(Str(row["filter"])));
    for (const auto& n : r["not_named"])
      out += fmt::format("  - {}: {}\n", one(n, "source"),
                         T("not named (a run reading it is refused)", "未列出（读取它的运行会被拒绝）"));
    std::vector<std::string> hidden;
    for (const auto& h : r["hidden"]) hidden.push_back("`" + Str(h) + "`");
    out += fmt::format("- {}: {}\n", T("hidden columns", "隐藏的列"),
                       hidden.empty() ? T("(none)", "（无）") : fmt::format("{}", fmt::join(hidden, ", ")));
    out += fmt::format("- {}: {}\n", T("used by reports", "使用它的报告"), links(r["reports"], "report"));
    out += fmt::format("- {}: {}\n", T("defined in", "定义于"), MdCode(Where(r["location"])));
  }

  // Reports.
  out += fmt::format("\n## {}\n", title("reports"));
  if (doc["reports"].empty()) out += fmt::format("\n{}\n", T("(none)", "（无）"));
  for (const auto& r : doc["reports"]) {
    out += MdHead("report", r, "title", lang);
    out += fmt::format("- {}: {}\n", T("goals", "目标"), links(r["goals"], "goal"));
    out += fmt::format("- {}: {}\n", T("metrics", "指标"), links(r["metrics"], "metric"));
    out += fmt::format("- {}: {}\n", T("role", "角色"), r["role"].is_null() ? T("(none)", "（无）") : one(r["role"], "role"));
    for (const auto& c : r["charts"])
      out += fmt::format("- {} {} ({})\n", T("chart", "图表"), MdCode(Str(c["text"])), links(c["metrics"], "metric"));
    out += fmt::format("- {}: {}\n", T("defined in", "定义于"), MdCode(Where(r["location"])));
  }

  // Data tests.
  out += fmt::format("\n## {}\n\n", title("tests"));
  if (doc["expectations"].empty())
    out += fmt::format("{}\n", T("(none)", "（无）"));
  else
    out += fmt::format("| {} |\n|---|---|---|---|---|\n",
                       T("test | label | check | on | defined in", "校验 | 标签 | 检查 | 对象 | 定义于"));
  for (const auto& e : doc["expectations"]) {
    std::string on = e["source"].is_null() ? links(e["metrics"], "metric") : one(e["source"], "source");
    out += fmt::format("| {} | {} | {} | {} | {} |\n", MdCode(Str(e["text"])), MdCell(Str(e["label"])), Str(e["check"]),
                       on, MdCode(Str(e["file"]) + ":" + Str(e["line"])));
  }

  // The user's own functions (the standard library's are in the JSON).
  bool any = false;
  for (const auto& f : doc["functions"]) {
    if (Str(f["package"]).rfind("std.", 0) == 0 || Str(f["package"]) == "std") continue;
    if (!any) out += fmt::format("\n## {}\n\n", T("Functions", "函数"));
    any = true;
    std::vector<std::string> ps;
    for (const auto& p : f["params"]) ps.push_back(Str(p["name"]) + (p["unit"].is_null() ? "" : ": " + Str(p["unit"])));
    out +=
        fmt::format("- {} = {}{}\n", MdCode(fmt::format("{}({})", Str(f["name"]), fmt::join(ps, ", "))),
                    MdCode(Str(f["formula"])), f["description"].is_null() ? "" : " — " + MdCell(Str(f["description"])));
  }
  return out;
}

}  // namespace kpic
