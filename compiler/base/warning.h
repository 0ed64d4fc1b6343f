// A warning of a run: something the reader of the numbers must know (rows
// that count nowhere, a lookup that found nothing, an output left out). Each
// has a stable code (W07xx, docs/diagnostics/), so that scripts can tell
// them apart; the message is for people.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace kpic {

struct Warning {
  std::string code;
  std::string message;
  /// The message in Chinese, for a Chinese report's reader (the HTML and
  /// JSON show it); empty where none is written. stderr stays English, as
  /// every diagnostic there is.
  std::string zh = {};
  bool operator==(const Warning&) const = default;
};

/// A declaration named in a Chinese message: by its label when it has one
/// (「销售额增长」), else by its name in backquotes, set apart by spaces
/// (目标 `g` 截至).
inline std::string ZhName(const std::string& label, const std::string& name) {
  return label.empty() ? " `" + name + "` " : "「" + label + "」";
}

/// An output named as the engine names it in English (metric `x`, chart
/// `x by y`, goal `x`), in Chinese (指标 `x`).
inline std::string ZhWhat(const std::string& what) {
  for (auto [en, zh] : {std::pair<std::string_view, std::string_view>{"metric ", "指标 "},
                        {"chart ", "图表 "},
                        {"goal ", "目标 "}})
    if (what.starts_with(en)) return std::string(zh) + what.substr(en.size());
  return what;
}

}  // namespace kpic
