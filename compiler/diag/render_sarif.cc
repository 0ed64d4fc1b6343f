// The SARIF 2.1.0 renderer for `kpic lint --format sarif`: code-scanning
// tools (GitHub's among them) ingest it. Every registered code is a rule
// with its title and documentation page; columns count code points
// (`columnKind: unicodeCodePoints`); paths are relative to the directory
// kpic ran in (`%SRCROOT%`) when they are under it.
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include "base/uri.h"
#include "base/utf8.h"
#include "diag/registry.h"
#include "diag/render.h"

namespace kpic {
namespace {

namespace fs = std::filesystem;

std::string Valid(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = DecodeUtf8(s, i, &cp);
    if (cp == 0xFFFD && n == 1)
      out += "\xEF\xBF\xBD";
    else
      out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

const char* Level(Severity s) { return s == Severity::kError ? "error" : s == Severity::kWarning ? "warning" : "note"; }

/// A URI relative to `base` when the file is under it (true), else absolute.
std::pair<std::string, bool> Uri(const std::string& path, const fs::path& base) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path rel = abs.lexically_relative(base);
  if (!rel.empty() && rel.generic_string().rfind("..", 0) != 0) return {PercentEncodePath(rel.generic_string()), true};
  return {"file://" + PercentEncodePath(abs.generic_string()), false};
}

/// `unknown name` -> `UnknownName`: the rule's readable name (SARIF wants it
/// to differ from the opaque id).
std::string PascalCase(std::string_view title) {
  std::string out;
  bool up = true;
  for (char c : title) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

nlohmann::json Region(const SourceManager& sm, Span span) {
  Position b = sm.Resolve(span.file, span.begin);
  Position e = sm.Resolve(span.file, std::max(span.end, span.begin));
  nlohmann::json r = {{"startLine", b.line}, {"startColumn", b.char_column}};
  if (e.line > b.line || e.char_column > b.char_column) r["endLine"] = e.line, r["endColumn"] = e.char_column;
  return r;
}

}  // namespace

std::string RenderSarif(const SourceManager& sm, const std::vector<Diagnostic>& diags, const std::string& version,
                        const std::set<DiagCode>& off_by_default) {
  std::error_code ec;
  fs::path base = fs::weakly_canonical(fs::current_path(ec), ec);
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  std::map<DiagCode, size_t> index;
  for (const DiagInfo& info : AllDiagnostics()) {
    index[info.code] = rules.size();
    std::string page(DocPage(info.code));
    nlohmann::ordered_json rule;
    rule["id"] = std::string(info.name);
    rule["name"] = PascalCase(info.title);
    rule["shortDescription"] = {{"text", std::string(info.title)}};
    rule["fullDescription"] = {{"text", std::string(info.title)}};
    if (!page.empty()) rule["help"] = {{"text", Valid(page)}, {"markdown", Valid(page)}};
    rule["defaultConfiguration"] = {{"level", Level(info.severity)}};
    if (off_by_default.count(info.code)) rule["defaultConfiguration"]["enabled"] = false;
    rules.push_back(rule);
  }
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diags) {
    nlohmann::ordered_json r;
    r["ruleId"] = std::string(CodeName(d.code));
    r["ruleIndex"] = index[d.code];
    r["level"] = Level(d.severity);
    std::string text = Valid(d.message);
    for (const std::string& n : d.notes) text += "\n" + Valid(n);
    r["message"] = {{"text", text}};
    const SourceFile& f = sm.Get(d.span.file);
    auto [uri, relative] = Uri(f.path, base);
    nlohmann::ordered_json artifact = {{"uri", uri}};
    if (relative) artifact["uriBaseId"] = "%SRCROOT%";
    r["locations"] = nlohmann::ordered_json::array(
        {{{"physicalLocation", {{"artifactLocation", artifact}, {"region", Region(sm, d.span)}}}}});
    if (!d.labels.empty()) {
      r["relatedLocations"] = nlohmann::ordered_json::array();
      size_t id = 1;
      for (const DiagLabel& l : d.labels) {
        auto [luri, lrel] = Uri(sm.Get(l.span.file).path, base);
        nlohmann::ordered_json la = {{"uri", luri}};
        if (lrel) la["uriBaseId"] = "%SRCROOT%";
        r["relatedLocations"].push_back(
            {{"id", id++},
             {"physicalLocation", {{"artifactLocation", la}, {"region", Region(sm, l.span)}}},
             {"message", {{"text", Valid(l.message)}}}});
      }
    }
    if (!d.fixes.empty()) {
      r["fixes"] = nlohmann::ordered_json::array();
      for (const Fix& fx : d.fixes)
        r["fixes"].push_back(
            {{"description", {{"text", Valid(fx.message)}}},
             {"artifactChanges",
              nlohmann::ordered_json::array(
                  {{{"artifactLocation", artifact},
                    {"replacements",
                     nlohmann::ordered_json::array({{{"deletedRegion", Region(sm, fx.span)},
                                                     {"insertedContent", {{"text", Valid(fx.replacement)}}}}})}}})}});
    }
    results.push_back(r);
  }
  nlohmann::ordered_json run;
  run["tool"] = {{"driver", {{"name", "kpic"}, {"version", version}, {"semanticVersion", version}, {"rules", rules}}}};
  run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", "file://" + PercentEncodePath(base.generic_string()) + "/"}}}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = results;
  nlohmann::ordered_json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = nlohmann::ordered_json::array({run});
  return log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kpic
