// The JSON renderer (CLI contract, version 1). Columns count code points.
#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "diag/registry.h"
#include "diag/render.h"

namespace kpic {
namespace {

nlohmann::json RangeOf(const SourceManager& sm, Span span) {
  Position b = sm.Resolve(span.file, span.begin);
  Position e = sm.Resolve(span.file, std::max(span.end, span.begin));
  return {{"start", {{"line", b.line}, {"column", b.char_column}}},
          {"end", {{"line", e.line}, {"column", e.char_column}}}};
}

/// JSON strings must be valid UTF-8; file text may not be.
std::string Clean(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = 0;
    n = DecodeUtf8(s, i, &cp);
    if (cp == 0xFFFD && n == 1)
      out += "\xEF\xBF\xBD";
    else
      out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string RenderJson(const SourceManager& sm, const std::vector<Diagnostic>& diags) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Diagnostic& d : diags) {
    nlohmann::json j;
    j["code"] = std::string(CodeName(d.code));
    j["severity"] = std::string(SeverityName(d.severity));
    j["message"] = Clean(d.message);
    if (d.span.valid()) {
      j["file"] = Clean(sm.Get(d.span.file).path);
      j["range"] = RangeOf(sm, d.span);
    } else {
      j["file"] = nullptr;
      j["range"] = nullptr;
    }
    nlohmann::json labels = nlohmann::json::array();
    for (const auto& l : d.labels) {
      if (!l.span.valid()) continue;
      labels.push_back(
          {{"file", Clean(sm.Get(l.span.file).path)}, {"range", RangeOf(sm, l.span)}, {"message", Clean(l.message)}});
    }
    j["labels"] = labels;
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& n : d.notes) notes.push_back(Clean(n));
    j["notes"] = notes;
    nlohmann::json fixes = nlohmann::json::array();
    for (const auto& f : d.fixes) {
      fixes.push_back({{"file", Clean(sm.Get(f.span.file).path)},
                       {"range", RangeOf(sm, f.span)},
                       {"replacement", Clean(f.replacement)},
                       {"message", Clean(f.message)}});
    }
    j["fixes"] = fixes;
    arr.push_back(std::move(j));
  }
  nlohmann::json doc = {{"version", 1}, {"diagnostics", arr}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kpic
