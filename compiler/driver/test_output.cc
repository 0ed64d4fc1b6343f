// The outputs of `kpic test`: human text, JSON (docs/cli.md, "kpic test")
// and JUnit XML (one testcase per expectation, every text escaped).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "driver/test_command.h"

namespace kpic {

using Status = ExpectOutcome::Status;

namespace {

const char* StatusName(Status s) {
  switch (s) {
    case Status::kPass: return "pass";
    case Status::kFail: return "fail";
    case Status::kSkip: return "skipped";
    case Status::kError: return "error";
  }
  return "?";
}

std::string Where(const ExpectFailure& f) {
  std::string out = f.period;
  for (const auto& [dim, member] : f.members) out += (out.empty() ? "" : ", ") + dim + " " + member;
  return out;
}

/// One failure in a line: `2026-03, store S1: 23.4% (expected between 0% and 20%)`.
std::string FailureLine(const ExpectFailure& f) {
  std::string where = Where(f);
  return fmt::format("{}{} (expected {})", where.empty() ? "" : where + ": ", f.actual, f.expected);
}

std::string Summary(const TestReport& r) {
  size_t skipped = r.Count(Status::kSkip), errors = r.Count(Status::kError);
  return fmt::format("{} expectation{}: {} passed, {} failed{}{}", r.outcomes.size(),
                     r.outcomes.size() == 1 ? "" : "s", r.Count(Status::kPass), r.Count(Status::kFail),
                     errors ? fmt::format(", {} stopped by invalid data", errors) : std::string(),
                     skipped ? fmt::format(", {} not checked", skipped) : std::string());
}

}  // namespace

std::string RenderTestHuman(const TestReport& r) {
  std::string out;
  for (const ExpectOutcome& o : r.outcomes) {
    const char* tag = o.status == Status::kPass   ? "ok  "
                      : o.status == Status::kFail  ? "FAIL"
                      : o.status == Status::kError ? "ERR "
                                                   : "skip";
    out += fmt::format("{} {}{}  ({}:{})\n", tag, Printable(o.name),
                       o.label.empty() ? "" : " \"" + Printable(o.label) + "\"", Printable(o.file), o.line);
    out += "     " + Printable(o.message) + "\n";
    if (o.status != Status::kFail || o.failures.size() < 2) continue;
    size_t shown = std::min<size_t>(o.failures.size(), 10);
    for (size_t i = 0; i < shown; ++i) out += "       " + Printable(FailureLine(o.failures[i])) + "\n";
    if (o.failure_count > shown) out += fmt::format("       ... and {} more\n", o.failure_count - shown);
  }
  // Without --as-of every row was read: "as of today" said the data was cut
  // at today, beside checks of rows dated later (reader's probe, 2026-12-06).
  out += fmt::format("kpic test: {} ({}{})\n", Summary(r),
                     r.as_of_given ? "as of " + r.as_of : "every row read; freshness measured against today, " + r.as_of,
                     r.role.empty() ? "" : ", as role `" + Printable(r.role) + "`");
  return out;
}

std::string RenderTestJson(const TestReport& r) {
  nlohmann::json j;
  j["version"] = 1;
  j["package"] = r.package;
  j["as_of"] = r.as_of;
  j["role"] = r.role.empty() ? nlohmann::json() : nlohmann::json(r.role);
  if (!r.stamp.is_null())
    j["stamp"] = nlohmann::json::parse(r.stamp.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  j["summary"] = {{"total", r.outcomes.size()},
                  {"passed", r.Count(Status::kPass)},
                  {"failed", r.Count(Status::kFail)},
                  {"skipped", r.Count(Status::kSkip)},
                  {"errors", r.Count(Status::kError)}};
  nlohmann::json list = nlohmann::json::array();
  for (const ExpectOutcome& o : r.outcomes) {
    nlohmann::json x;
    x["name"] = o.name;
    x["label"] = o.label.empty() ? nlohmann::json() : nlohmann::json(o.label);
    x["check"] = o.check;
    x["subject"] = o.subject;
    x["file"] = o.file;
    x["line"] = o.line;
    x["status"] = StatusName(o.status);
    x["message"] = o.message;
    if (o.failing_rows >= 0) x["failing_rows"] = o.failing_rows;
    if (o.example) x["example"] = *o.example;
    x["failure_count"] = o.failure_count;
    nlohmann::json fails = nlohmann::json::array();
    for (const ExpectFailure& f : o.failures) {
      nlohmann::json fj;
      if (!f.period.empty()) fj["period"] = f.period;
      nlohmann::json members = nlohmann::json::object();
      for (const auto& [dim, member] : f.members) members[dim] = member;
      fj["members"] = members;
      fj["expected"] = f.expected;
      fj["actual"] = f.actual;
      fails.push_back(std::move(fj));
    }
    x["failures"] = std::move(fails);
    list.push_back(std::move(x));
  }
  j["expectations"] = std::move(list);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string XmlEscape(const std::string& in, bool attribute) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    uint32_t cp;
    size_t n = DecodeUtf8(in, i, &cp);
    bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                   (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    switch (allowed ? cp : 0xFFFD) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case 0xFFFD:  // also what an invalid byte decodes to
        out += "\xEF\xBF\xBD";
        break;
      default:
        out += in.substr(i, n);
    }
    i += n;
  }
  return out;
}

std::string RenderTestJunit(const TestReport& r) {
  size_t tests = r.outcomes.size(), failures = r.Count(Status::kFail), skipped = r.Count(Status::kSkip),
         errors = r.Count(Status::kError);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"kpic test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
                     tests, failures, errors, skipped);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
                     XmlEscape(r.package), tests, failures, errors, skipped);
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"as_of\" value=\"{}\"/>\n", XmlEscape(r.as_of));
  if (!r.role.empty()) out += fmt::format("      <property name=\"role\" value=\"{}\"/>\n", XmlEscape(r.role));
  if (!r.stamp.is_null())
    out += fmt::format("      <property name=\"kpic.stamp\" value=\"{}\"/>\n", XmlEscape(r.stamp.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  out += "    </properties>\n";
  for (const ExpectOutcome& o : r.outcomes) {
    std::string name = o.label.empty() ? o.name : o.name + " \"" + o.label + "\"";
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"", XmlEscape(name),
                       XmlEscape(r.package + "." + o.subject), XmlEscape(o.file), o.line);
    if (o.status == Status::kPass) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (o.status == Status::kSkip) {
      out += fmt::format("      <skipped message=\"{}\"/>\n", XmlEscape(o.message));
    } else if (o.status == Status::kError) {
      out += fmt::format("      <error message=\"{}\" type=\"data\"/>\n", XmlEscape(o.message));
    } else {
      std::string body;
      for (const ExpectFailure& f : o.failures) body += FailureLine(f) + "\n";
      if (o.failure_count > o.failures.size())
        body += fmt::format("... and {} more\n", o.failure_count - o.failures.size());
      out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", XmlEscape(o.message),
                         XmlEscape(o.check), XmlEscape(body, false));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace kpic
