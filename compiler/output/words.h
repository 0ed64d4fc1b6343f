// The words of the outputs people read (the HTML report and the terminal
// table), in the report's language: plan::Plan::lang, `zh` or `en`
// (`kpic run --lang`). Labels come from the definitions (plan lowering
// picks `label.<lang>`); these are the report's own words.
#pragma once

#include <string>

namespace kpic::output {

/// `en` or `zh`, by the report's language.
inline const char* Tr(const std::string& lang, const char* en, const char* zh) { return lang == "zh" ? zh : en; }

/// The status scripts read (docs/cli.md): a period with a value but no
/// target to compare is `no_data` there, as the JSON contract lists; people
/// read "no target" (StatusWord).
/// A period after the as-of date (`upcoming`) has no data yet: `no_data`
/// there too; people read "upcoming", 未开始, not a failure to read data.
inline std::string ContractStatus(const std::string& s) {
  return s == "no_target" || s == "upcoming" ? "no_data" : s;
}

/// A status for people: a goal's (met, at_risk, missed, no_target, no_data, upcoming) or a
/// forecast's (on_track, at_risk, off_track, unknown), e.g. "at risk", "有风险".
inline std::string StatusWord(const std::string& s, const std::string& lang) {
  bool zh = lang == "zh";
  if (s == "met") return zh ? "达成" : "met";
  if (s == "at_risk") return zh ? "有风险" : "at risk";
  if (s == "missed") return zh ? "未达成" : "missed";
  if (s == "no_data") return zh ? "无数据" : "no data";
  if (s == "no_target") return zh ? "无目标" : "no target";
  if (s == "upcoming") return zh ? "未开始" : "upcoming";
  if (s == "in_progress") return zh ? "进行中" : "in progress";
  if (s == "on_track") return zh ? "有望达成" : "on track";
  if (s == "off_track") return zh ? "难以达成" : "off track";
  if (s == "unknown") return zh ? "未知" : "unknown";
  return s;
}

/// An alert's severity for people.
inline std::string SeverityWord(const std::string& s, const std::string& lang) {
  if (lang != "zh") return s;
  if (s == "critical") return "严重";
  if (s == "warning") return "警告";
  if (s == "info") return "提示";
  return s;
}

}  // namespace kpic::output
