// The helpers the catalog's Markdown and HTML renderers share
// (catalog_render.h): anchors, lineage trees, the page's head sentences and
// the catalog's words in its language.
#include "driver/catalog_render.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace kpic::catalog {

std::string Str(const json& j) { return j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string SearchText(const json& e) {
  std::string out;
  for (const char* k :
       {"name", "label", "title", "owner", "description", "metric", "text", "approver", "status", "definition"})
    if (e.contains(k) && e[k].is_string()) out += e[k].get<std::string>() + " ";
  if (e.contains("labels"))
    for (const auto& [lang, v] : e["labels"].items()) out += Str(v) + " ";
  if (e.contains("tags"))
    for (const auto& t : e["tags"]) out += Str(t) + " ";
  for (char& c : out)
    if (c == '\n') c = ' ';
  return Lower(out);
}

std::string LabelIn(const json& e, const std::string& lang, const char* label_key) {
  if (e.contains("labels") && e["labels"].contains(lang)) return Str(e["labels"][lang]);
  return e.contains(label_key) ? Str(e[label_key]) : "";
}

bool UnitIsCode(const json& m) { return !m["unit"].is_null() && m["percent"] != true; }

std::string UnitShown(const json& m, const std::string& lang) {
  if (m["unit"].is_null()) return "?";
  if (m["percent"] == true) return Tr(lang, "% (percent)", "%（百分比）");
  return Str(m["unit"]);
}

std::string AdditivityWord(const json& m, const std::string& lang) {
  if (m["additivity"].is_null()) return "?";
  std::string a = Str(m["additivity"]);
  if (lang != "zh") return a;
  if (a == "additive") return "可加";
  if (a == "semi_additive") return "半可加";
  if (a == "non_additive") return "不可加";
  return a;
}

std::string StatusWord(const json& m, const std::string& lang) {
  std::string s = m.contains("status") ? Str(m["status"]) : "";
  if (lang != "zh") return s;
  if (s == "draft") return "草稿";
  if (s == "approved") return "已批准";
  if (s == "deprecated") return "已弃用";
  return s;
}

std::string Anchors::ColumnHome(const std::string& path) const {
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

std::string Anchors::Html(const std::string& kind, const std::string& name) const {
  if (kind == "source") {
    auto it = source_by_name.find(name);
    std::string key = it == source_by_name.end() ? name : it->second;
    std::replace(key.begin(), key.end(), ':', '-');
    return "s-" + key;
  }
  return std::string(1, kind[0]) + (kind == "report" ? "p" : "") + "-" + name;
}

std::string Anchors::Md(const std::string& kind, const std::string& name) const {
  if (kind == "metric") return Lower(name);
  std::string n = name;
  if (kind == "source") {
    auto it = source_by_name.find(name);
    if (it != source_by_name.end()) n = it->second.substr(it->second.find(':') + 1);
  }
  return kind + "-" + Lower(n);
}

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

std::string ColumnSource(const std::string& col) { return col.substr(0, col.find('.')); }

TreeNode LineageTree(const std::map<std::string, const json*>& metrics, const std::string& name,
                     const std::string& lang, std::set<std::string>* expanded, int depth) {
  TreeNode n{"metric", name, "", false, {}};
  auto it = metrics.find(name);
  if (it == metrics.end()) return n;
  const json& m = *it->second;
  n.label = LabelIn(m, lang);
  if (!expanded->insert(name).second || depth > 16) {
    n.repeated = true;
    return n;
  }
  for (const auto& d : m["depends_on"]) n.children.push_back(LineageTree(metrics, Str(d), lang, expanded, depth + 1));
  for (const auto& c : m["lineage"]["counts_rows_of"]) n.children.push_back({"rows", Str(c), "", false, {}});
  for (const auto& c : m["columns"]) n.children.push_back({"column", Str(c), "", false, {}});
  return n;
}

std::string Where(const json& loc) {
  if (loc.is_null()) return "";
  return fmt::format("{}:{}", Str(loc["file"]), Str(loc["line"]));
}

std::string Counts(const json& doc, const std::string& lang) {
  if (lang == "zh")
    return fmt::format("{} 个数据源 · {} 个维度 · {} 个指标 · {} 个目标 · {} 个角色 · {} 份报告 · {} 项数据校验",
                       doc["sources"].size(), doc["dimensions"].size(), doc["metrics"].size(), doc["goals"].size(),
                       doc["roles"].size(), doc["reports"].size(), doc["expectations"].size());
  // "1 report", not "1 reports" (probe, 2026-12-06).
  auto n = [&](const char* key, const char* one, const char* many) {
    size_t k = doc[key].size();
    return fmt::format("{} {}", k, k == 1 ? one : many);
  };
  return fmt::format("{} · {} · {} · {} · {} · {} · {}", n("sources", "source", "sources"),
                     n("dimensions", "dimension", "dimensions"), n("metrics", "metric", "metrics"),
                     n("goals", "goal", "goals"), n("roles", "role", "roles"), n("reports", "report", "reports"),
                     n("expectations", "data test", "data tests"));
}

std::string Settings(const json& doc, const std::string& lang) {
  static const std::map<std::string, std::string> kWeekdaysZh = {
      {"monday", "星期一"}, {"tuesday", "星期二"}, {"wednesday", "星期三"}, {"thursday", "星期四"},
      {"friday", "星期五"}, {"saturday", "星期六"}, {"sunday", "星期日"}};
  const json& cal = doc["calendar"];
  std::string day = Str(cal["week_start"]);
  if (lang == "zh" && kWeekdaysZh.count(day)) day = kWeekdaysZh.at(day);
  std::string out = Say(lang, "Calendar: weeks start on {}, the fiscal year in month {}, time zone {}.", "日历：每周从{}开始，财年始于 {} 月，时区 {}。",
                                day, Str(cal["fiscal_year_start"]), Str(cal["time_zone"]));
  for (const auto& p : doc["packages"]) {
    std::vector<std::string> facts, langs;
    if (p["governed"] == true)
      facts.push_back(Tr(lang, "governed (every metric needs an owner and a description, and approval)",
                         "受治理（每个指标须有负责人和说明，并经批准）"));
    for (const auto& l : p["languages"]) langs.push_back(Str(l));
    if (!langs.empty()) facts.push_back(Say(lang, "labels in {}", "标签语言 {}", fmt::join(langs, ", ")));
    if (!facts.empty())
      out += Say(lang, " Package {}: {}.", "包 {}：{}。", Str(p["name"]),
                         fmt::join(facts, Tr(lang, "; ", "；")));
  }
  return out;
}

std::map<std::string, const json*> MetricIndex(const json& doc) {
  std::map<std::string, const json*> out;
  for (const auto& m : doc["metrics"]) out[Str(m["name"])] = &m;
  return out;
}

}  // namespace kpic::catalog
