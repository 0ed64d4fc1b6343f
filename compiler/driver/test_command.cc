// `kpic test`: lowers every expectation into the plan (plan/lower_expect.cc),
// executes it as `kpic run` does (so roles filter the scans, and
// `--engine postgres` runs them inside PostgreSQL), and judges each one
// from its scan's groups or its metric rows. Row counts for `rows change`
// are kept in a small state file between runs.
#include "driver/test_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "base/utf8.h"
#include "datetime.h"
#include "driver/run_support.h"
#include "driver/stamp.h"
#include "engine/engine.h"
#include "output/values.h"
#include "plan/lower.h"

namespace kpic {

namespace fs = std::filesystem;
using engine::Val;
using ECheck = ir::Expectation::Check;
using Status = ExpectOutcome::Status;

size_t TestReport::Count(ExpectOutcome::Status s) const {
  return static_cast<size_t>(
      std::count_if(outcomes.begin(), outcomes.end(), [&](const ExpectOutcome& o) { return o.status == s; }));
}

std::vector<std::string> ExpectationTexts(const plan::Plan& p) {
  std::vector<std::string> out;
  for (const plan::ExpectPlan& e : p.expectations) out.push_back(e.x.text);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, int64_t>> ParseTestState(const std::string& text, const std::string& path) {
  std::vector<std::pair<std::string, int64_t>> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.rfind('\t');
    std::string count = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (tab == 0 || count.empty() || count.size() > 18 || count.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError("E0607", fmt::format("{}:{}: not a row count of `kpic test` (a line is SOURCE<TAB>COUNT); "
                                            "delete the file to start again",
                                            path, n));
    out.emplace_back(line.substr(0, tab), std::stoll(count));
  }
  return out;
}

std::string FormatTestState(const std::vector<std::pair<std::string, int64_t>>& counts) {
  std::string out = "# kpic test: the row counts of the last run, for `expect SOURCE rows change within N%`\n";
  for (const auto& [key, count] : counts) out += fmt::format("{}\t{}\n", key, count);
  return out;
}

namespace {

const char* CheckName(ECheck c) {
  switch (c) {
    case ECheck::kUnique: return "unique";
    case ECheck::kNotNull: return "not_null";
    case ECheck::kAccepted: return "accepted";
    case ECheck::kFound: return "found";
    case ECheck::kFresh: return "fresh";
    case ECheck::kRows: return "rows";
    case ECheck::kRange: return "range";
    case ECheck::kReconcile: return "reconcile";
  }
  return "?";
}

std::string Plural(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// The groups of a source check's scan (one per key or value), with the
/// rows of each, sorted by key; nulls left out.
std::vector<std::pair<engine::DimValue, int64_t>> Groups(const plan::Plan& p, const plan::ExpectPlan& e,
                                                         const engine::ScanResult& r) {
  std::vector<std::pair<engine::DimValue, int64_t>> out;
  const plan::Scan& sc = p.scans[static_cast<size_t>(e.scan)];
  for (uint32_t g = 0; g < r.period.size(); ++g) {
    if (r.dims[g].empty() || r.dims[g][0].null) continue;
    Val v = engine::AggValue(sc, e.count, r, {g});
    int64_t n = v.null() ? 0 : static_cast<int64_t>(v.i);
    if (n > 0) out.emplace_back(r.dims[g][0], n);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

int64_t Total(const plan::Plan& p, const plan::ExpectPlan& e, int agg, const engine::ScanResult& r) {
  std::vector<uint32_t> all(r.period.size());
  for (size_t g = 0; g < all.size(); ++g) all[g] = static_cast<uint32_t>(g);
  Val v = engine::AggValue(p.scans[static_cast<size_t>(e.scan)], agg, r, all);
  return v.null() ? 0 : static_cast<int64_t>(v.i);
}

/// Keys or values that fail (`unique`, `in (...)`, `found in`): how many,
/// in how many rows, and the first as an example.
void KeyFailures(const plan::ExpectPlan& e, const std::vector<std::pair<engine::DimValue, int64_t>>& bad,
                 ExpectOutcome* o, const std::string& verb_one, const std::string& verb_many,
                 const std::string& expected) {
  int64_t rows = 0;
  for (const auto& [key, n] : bad) rows += n;
  o->failure_count = bad.size();
  o->failing_rows = rows;
  if (bad.empty()) return;
  o->status = Status::kFail;
  o->example = output::DimText(bad[0].first, e.type);
  o->message = fmt::format("{} of `{}.{}` {}, in {} of `{}`; for example `{}` ({})",
                           Plural(static_cast<int64_t>(bad.size()), "value", "values"), e.source, e.column,
                           bad.size() == 1 ? verb_one : verb_many, Plural(rows, "row", "rows"), e.source, *o->example,
                           Plural(bad[0].second, "row", "rows"));
  for (size_t i = 0; i < bad.size() && i < kMaxFailures; ++i)
    o->failures.push_back({"", {{e.column, output::DimText(bad[i].first, e.type)}}, expected,
                           Plural(bad[i].second, "row", "rows")});
}

std::string Number(double v, bool percent) { return output::EstimateText(v, percent); }

/// How far apart two values are, as the values are shown: exactly, in
/// their decimals, when both are exact (`2.00`, where the estimate's
/// significant digits said `2.0000` next to `770.00`); else the estimate.
std::string OffBy(const Val& a, const Val& b, double diff, bool percent) {
  Val x = a.null() ? Val::Int(0) : a, y = b.null() ? Val::Int(0) : b;
  if (!percent && x.exact() && y.exact()) {
    Val d = engine::Sub(x, y);
    if (!d.null()) return output::DisplayValue(d.AsDouble() < 0 ? engine::Sub(Val::Int(0), d) : d, false);
  }
  return Number(diff, percent);
}

/// The members of a metric row, as (dimension, member).
std::vector<std::pair<std::string, std::string>> Members(const plan::Output& o, const engine::DimTuple& t) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < o.by.size() && i < t.size(); ++i)
    out.emplace_back(o.by[i], output::DimText(t[i], o.by_types[i]));
  return out;
}

std::string Where(const ExpectFailure& f) {
  std::string out = f.period.empty() ? "" : f.period;
  for (const auto& [dim, member] : f.members) out += (out.empty() ? "" : ", ") + dim + " " + member;
  return out;
}

void Range(const plan::Plan& p, const plan::ExpectPlan& e, const engine::Results& r, ExpectOutcome* o) {
  const engine::MetricResult& m = r.metrics[static_cast<size_t>(e.output)];
  const plan::Output& out = *m.output;
  bool percent = e.x.percent || e.x.low_text.find('%') != std::string::npos;
  std::string expected = fmt::format("between {} and {}", e.x.low_text, e.x.high_text);
  size_t checked = 0;
  // A partial period of an amount (the as-of date's month so far) holds
  // some of its days: a range for whole periods does not judge it (18 days
  // of November failed `between 100000 CNY and 200000 CNY by month`:
  // reader's probe, 2026-12-06). A level (a rate) is judged.
  std::vector<std::string> partial;
  for (const engine::Row& row : m.rows) {
    if (row.value.null()) continue;  // no data for this member in this period
    if (out.amount && row.span.partial && row.span.first <= row.span.last) {
      std::string what = fmt::format("{} ({} to {})", output::Label(out.grain, row.period, p),
                                     rt::FormatDate(row.span.first), rt::FormatDate(row.span.last));
      if (std::find(partial.begin(), partial.end(), what) == partial.end()) partial.push_back(what);
      continue;
    }
    ++checked;
    double v = row.value.AsDouble();
    if (v >= e.x.low && v <= e.x.high) continue;
    if (o->failures.size() < kMaxFailures)
      o->failures.push_back({output::Label(out.grain, row.period, p), Members(out, row.dims), expected,
                             output::DisplayValue(row.value, percent)});
    ++o->failure_count;
  }
  std::string unjudged =
      partial.empty() ? ""
                      : fmt::format("; not judged, as partial: {}", fmt::join(partial.begin(),
                                                                              partial.begin() + std::min<size_t>(partial.size(), 3),
                                                                              ", ")) +
                            (partial.size() > 3 ? fmt::format(" and {} more", partial.size() - 3) : "");
  if (o->failure_count == 0) {
    o->message = fmt::format("{} {}{}", Plural(static_cast<int64_t>(checked), "value", "values"), expected, unjudged);
    return;
  }
  o->status = Status::kFail;
  const ExpectFailure& f = o->failures[0];
  std::string where = Where(f);
  o->message = fmt::format("`{}` is not {} in {} of {}; first: {} in {}{}", out.formula, expected,
                           o->failure_count, Plural(static_cast<int64_t>(checked), "value", "values"), f.actual,
                           where, unjudged);
}

void Reconcile(const plan::Plan& p, const plan::ExpectPlan& e, const engine::Results& r, ExpectOutcome* o) {
  const engine::MetricResult& a = r.metrics[static_cast<size_t>(e.output)];
  const engine::MetricResult& b = r.metrics[static_cast<size_t>(e.other)];
  const plan::Output& out = *a.output;
  bool percent = e.x.percent;
  // A period or member one side lacks counts as 0 there.
  std::map<std::pair<int64_t, engine::DimTuple>, std::pair<Val, Val>> rows;
  for (const engine::Row& row : a.rows) rows[{row.period, row.dims}].first = row.value;
  for (const engine::Row& row : b.rows) rows[{row.period, row.dims}].second = row.value;
  size_t checked = 0;
  for (const auto& [key, vals] : rows) {
    const auto& [va, vb] = vals;
    if (va.null() && vb.null()) continue;
    ++checked;
    double x = va.null() ? 0 : va.AsDouble(), y = vb.null() ? 0 : vb.AsDouble();
    double diff = std::fabs(x - y);
    double allowed = e.x.relative ? e.x.high * std::fabs(y) : e.x.high;
    // Doubles of exact values differ by rounding only.
    if (diff <= allowed + 1e-12 * std::max(std::fabs(x), std::fabs(y))) continue;
    ++o->failure_count;
    if (o->failures.size() >= kMaxFailures) continue;
    // Off by what the tolerance is in: a share of the second side, or an
    // amount in the metric's unit.
    std::string unit = out.unit.empty() || out.unit == "1" || out.unit == "percent" ? "" : " " + out.unit;
    std::string off = e.x.relative && y != 0
                          ? fmt::format(", off by {}", output::EstimateText(diff / std::fabs(y), true))
                          : fmt::format(", off by {}{}", OffBy(va, vb, diff, percent), percent ? "" : unit);
    o->failures.push_back({output::Label(out.grain, key.first, p), Members(out, key.second),
                           fmt::format("{} ({}) within {}", va.null() && !vb.null() ? Number(y, percent)
                                                                                   : vb.null() ? "0" : output::DisplayValue(vb, percent),
                                       b.output->formula, e.x.high_text),
                           (va.null() ? std::string("0") : output::DisplayValue(va, percent)) + off});
  }
  if (o->failure_count == 0) {
    o->message = fmt::format("{} agree within {}", Plural(static_cast<int64_t>(checked), "value", "values"),
                             e.x.high_text);
    return;
  }
  o->status = Status::kFail;
  const ExpectFailure& f = o->failures[0];
  o->message = fmt::format("`{}` differs from `{}` by more than {} in {} of {}; first: {} in {}, expected {}",
                           out.formula, b.output->formula, e.x.high_text, o->failure_count,
                           Plural(static_cast<int64_t>(checked), "value", "values"), f.actual, Where(f), f.expected);
}

/// An outcome naming expectation `e`, passed until judged.
ExpectOutcome Outcome(const plan::ExpectPlan& e) {
  ExpectOutcome out;
  out.name = e.x.text;
  out.label = e.x.label;
  out.check = CheckName(e.x.check);
  out.file = e.x.file;
  out.line = e.x.line;
  out.subject = e.source.empty() ? e.x.text.substr(0, e.x.text.find(' ')) : e.source;
  if (e.output >= 0) out.subject = e.x.formula;
  return out;
}

/// The folder of the package being tested: where `.kpic/` goes.
std::string PackageDir(const std::vector<std::string>& paths) {
  if (paths.empty()) return ".";
  fs::path p(paths[0]);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p.string();
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

std::string StateKey(const plan::Plan& p, const plan::Request& req, const std::string& source) {
  std::string key = source;
  // A run as of a past date counts other rows than today's: its own key.
  if (req.as_of_day) key += " as_of=" + rt::FormatDate(*req.as_of_day);
  if (!p.role.empty() || !req.role.empty()) {
    key += " role=" + req.role;
    // Each value quoted, its quotes, backslashes, spaces and control bytes
    // as \xNN: two parameter sets never share a key ("Shop\t1" and
    // "Shop 1" did, and so did a=`S1 b=on`, b=`x` and a=`S1`, b=`on b=x`:
    // one member read and overwrote another's count; attacker's probe,
    // 2026-12-06).
    for (const auto& [k, v] : req.params) {
      key += " " + k + "=\"";
      for (unsigned char ch : v)
        if (ch == '\\' || ch == '"' || ch <= 0x20 || ch == 0x7f)
          key += fmt::format("\\x{:02x}", ch);
        else
          key += static_cast<char>(ch);
      key += '"';
    }
  }
  for (char& ch : key)
    if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
  return key;
}

int32_t Today(const std::optional<rt::TimeZone>& zone) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (zone) now += zone->OffsetAt(now);
  return static_cast<int32_t>(now >= 0 ? now / 86400 : (now - 86399) / 86400);
}

}  // namespace

int RunTest(const TestOptions& t, const CommonOptions& common) {
  const RunOptions& o = t.run;
  const std::string& format = o.format.empty() ? std::string("human") : o.format;
  if (format != "human" && format != "json" && format != "junit")
    throw UsageError(fmt::format("unknown --format `{}`: use human, json or junit", format));
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return kExitInputErrors;
  const ir::Module& ir = s->catalog.checked.ir;
  if (ir.expectations.empty())
    throw UsageError("E0608", "nothing to test: the package declares no `expect`; write one such as `expect "
                              "orders.order_id unique` (docs/language.md, \"Data tests\")");
  plan::Request req = ToRequest(o);
  req.all_goals = false;
  req.expectations = true;
  plan::Plan p;
  try {
    p = plan::Lower(ir, req);
  } catch (const plan::PlanError& e) {
    throw UsageError(e.code, e.what());
  }
  auto zone = LoadZone(p);
  if (zone) p.calendar.zone = &*zone;
  exec::ExecOptions eo = ExecOptionsOf(o);

  // The row counts of the last run.
  std::string state_path = !t.state.empty() ? t.state : (fs::path(PackageDir(o.paths)) / ".kpic" / "test-state.tsv").string();
  std::vector<std::pair<std::string, int64_t>> state;
  bool counts_rows = std::any_of(p.expectations.begin(), p.expectations.end(), [](const plan::ExpectPlan& e) {
    return e.x.check == ECheck::kRows && e.skipped.empty();
  });
  if (!t.state.empty() && counts_rows && !t.replay_counts) {
    // An explicit --state goes in a folder that exists (a typo is not a
    // new folder tree).
    fs::path dir = fs::path(t.state).parent_path();
    std::error_code ec;
    if (!dir.empty() && !fs::is_directory(dir, ec))
      throw UsageError("E0607", fmt::format("--state {}: the folder {} does not exist", t.state, dir.string()));
  }
  if (t.replay_counts) {
    state = *t.replay_counts;
  } else if (counts_rows) {
    std::ifstream in(state_path, std::ios::binary);
    if (in) {
      std::stringstream buf;
      buf << in.rdbuf();
      state = ParseTestState(buf.str(), state_path);
    }
  }

  TestReport report;
  report.package = ir.expectations[0].package;
  report.role = req.role;
  int32_t as_of = req.as_of_day ? *req.as_of_day : Today(zone);
  if (!req.as_of_day && !t.replay_today.empty()) {
    if (auto d = rt::ParseDate(t.replay_today, rt::DateFormat{})) as_of = *d;
  }
  report.as_of = rt::FormatDate(as_of);
  report.as_of_given = req.as_of_day.has_value();
  // The counts compared with, for the stamp (a replay compares with them).
  const std::vector<std::pair<std::string, int64_t>> state_before = state;
  if (!t.replay_counts)
    for (const Warning& w : p.notes)
      std::fprintf(stderr, "warning[%s]: %s\n", w.code.c_str(), PrintableLines(w.message).c_str());
  // Judges every expectation of plan `p` from its execution.
  auto judge = [&](const plan::Plan& p, exec::Execution& ex, const engine::Results& r) {
    for (const plan::ExpectPlan& e : p.expectations) {
      ExpectOutcome out = Outcome(e);
      if (!e.skipped.empty()) {
        out.status = Status::kSkip;
        out.message = "not checked: " + e.skipped;
        report.outcomes.push_back(std::move(out));
        continue;
      }
      const engine::ScanResult* res = e.scan >= 0 ? &ex.results[static_cast<size_t>(e.scan)] : nullptr;
      switch (e.x.check) {
        case ECheck::kUnique: {
          auto groups = Groups(p, e, *res);
          std::erase_if(groups, [](const auto& g) { return g.second < 2; });
          KeyFailures(e, groups, &out, "appears more than once", "appear more than once", "once");
          if (out.status == Status::kPass)
            out.message = fmt::format("every `{}` of `{}` appears once", e.column, e.source);
          break;
        }
        case ECheck::kNotNull: {
          int64_t nulls = Total(p, e, e.count, *res), rows = Total(p, e, e.total, *res);
          out.failing_rows = nulls;
          out.failure_count = nulls > 0 ? 1 : 0;
          if (nulls > 0) {
            out.status = Status::kFail;
            out.message = fmt::format("`{}.{}` is null in {} of {}", e.source, e.column, nulls,
                                      Plural(rows, "row", "rows"));
            out.failures.push_back({"", {}, "no null", Plural(nulls, "null row", "null rows")});
          } else {
            out.message = fmt::format("`{}.{}` is never null ({})", e.source, e.column, Plural(rows, "row", "rows"));
          }
          break;
        }
        case ECheck::kAccepted: {
          std::string list;
          for (const std::string& v : e.x.values)
            list += (list.empty() ? "" : ", ") + (e.type == plan::VT::kString ? "\"" + v + "\"" : v);
          KeyFailures(e, Groups(p, e, *res), &out, fmt::format("is not in ({})", list), fmt::format("are not in ({})", list),
                      fmt::format("one of ({})", list));
          if (out.status == Status::kPass)
            out.message = fmt::format("every `{}` of `{}` is one of ({})", e.column, e.source, list);
          break;
        }
        case ECheck::kFound:
          KeyFailures(e, Groups(p, e, *res), &out, fmt::format("is not found in `{}`", e.target),
                      fmt::format("are not found in `{}`", e.target),
                      fmt::format("a key of `{}`", e.target));
          if (out.status == Status::kPass)
            out.message = fmt::format("every `{}` of `{}` is found in `{}`", e.column, e.source, e.target);
          break;
        case ECheck::kFresh: {
          const engine::AggStates& st = res->aggs[static_cast<size_t>(e.last)];
          std::optional<int64_t> last;
          for (size_t g = 0; g < res->period.size(); ++g)
            if (!st.count.empty() && st.count[g] > 0 && (!last || st.imax[g] > *last)) last = st.imax[g];
          std::string expected = fmt::format("a last day no more than {} before {}",
                                             Plural(e.x.days, "day", "days"), report.as_of);
          if (!last) {
            out.status = Status::kFail;
            out.message = fmt::format("`{}` has no rows up to {}", e.source, report.as_of);
            out.failures.push_back({"", {}, expected, "no rows"});
            out.failure_count = 1;
            break;
          }
          int64_t lag = as_of - *last;
          std::string day = rt::FormatDate(static_cast<int32_t>(*last));
          if (lag > e.x.days) {
            out.status = Status::kFail;
            out.failure_count = 1;
            out.message = fmt::format("the last day of `{}` is {}, {} before the as-of date {}; expected at most {}",
                                      e.source, day, Plural(lag, "day", "days"), report.as_of,
                                      Plural(e.x.days, "day", "days"));
            out.failures.push_back({"", {}, expected, day});
          } else {
            out.message = fmt::format("the last day of `{}` is {}, {} before {}", e.source, day,
                                      Plural(lag, "day", "days"), report.as_of);
          }
          break;
        }
        case ECheck::kRows: {
          int64_t n = Total(p, e, e.count, *res);
          std::string key = StateKey(p, req, e.source);
          auto it = std::find_if(state.begin(), state.end(), [&](const auto& kv) { return kv.first == key; });
          if (it == state.end()) {
            out.message = fmt::format("`{}` has {}; recorded (no previous run to compare with)", e.source,
                                      Plural(n, "row", "rows"));
            state.emplace_back(key, n);
            break;
          }
          int64_t prev = it->second;
          it->second = n;
          double change = prev == 0 ? (n == 0 ? 0 : INFINITY) : static_cast<double>(n - prev) / static_cast<double>(prev);
          std::string pct = std::isinf(change) ? "from none" : output::EstimateText(change, true);
          if (std::fabs(change) > e.x.high + 1e-12) {
            out.status = Status::kFail;
            out.failure_count = 1;
            out.message = fmt::format("`{}` has {}, {} the {} of the previous run ({}); expected within {}", e.source,
                                      Plural(n, "row", "rows"), n > prev ? "more than" : "fewer than", prev, pct,
                                      e.x.high_text);
            out.failures.push_back({"", {}, fmt::format("{} rows within {}", prev, e.x.high_text),
                                    fmt::format("{} rows ({})", n, pct)});
          } else {
            out.message = fmt::format("`{}` has {}, {} against the previous run's {}", e.source,
                                      Plural(n, "row", "rows"), pct, prev);
          }
          break;
        }
        case ECheck::kRange:
          Range(p, e, r, &out);
          break;
        case ECheck::kReconcile:
          Reconcile(p, e, r, &out);
          break;
      }
      report.outcomes.push_back(std::move(out));
    }
  };
  std::string data_error;  // what stopped the checks that join, if anything
  int code = WithEngineErrors([&] {
    try {
      exec::Execution ex = ExecutePlan(p, eo);
      engine::Results r = engine::Evaluate(p, ex.results, eo.limits, ex.rates, &ex.work);
      judge(p, ex, r);
      return kExitOk;
    } catch (const rt::DataError& err) {
      // Bad data in a lookup (a duplicated key) or in a source stops
      // `kpic run`; here it stops only the checks that read it. The checks
      // of one source alone still run, so that `expect
      // products.product_id unique` can say what is wrong, and every other
      // check is reported (a bad value anywhere printed no report at all).
      data_error = err.what();
    }
    auto lower = [&](const plan::Request& r) {
      plan::Plan q;
      try {
        q = plan::Lower(ir, r);
      } catch (const plan::PlanError& e) {
        throw UsageError(e.code, e.what());
      }
      q.calendar.zone = p.calendar.zone;
      return q;
    };
    plan::Request alone = req;
    alone.single_source_expectations = true;
    plan::Plan p1 = lower(alone);
    // The checks of one source together; when one of those sources has bad
    // data too, each of them on its own below.
    bool alone_ok = true;
    try {
      exec::Execution ex = ExecutePlan(p1, eo);
      engine::Results r = engine::Evaluate(p1, ex.results, eo.limits, ex.rates, &ex.work);
      judge(p1, ex, r);
    } catch (const rt::DataError&) {
      alone_ok = false;
      report.outcomes.clear();
    }
    // Then each check that joins on its own, so that only those that read
    // the bad data are stopped; the outcomes in the order of declaration.
    std::vector<ExpectOutcome> alone_outcomes = std::move(report.outcomes);
    report.outcomes.clear();
    size_t next = 0;
    for (size_t i = 0; i < p.expectations.size(); ++i) {
      const plan::ExpectPlan& e = p.expectations[i];
      if (!e.Joins() && alone_ok) {
        report.outcomes.push_back(std::move(alone_outcomes[next++]));
        continue;
      }
      if (!e.skipped.empty()) {
        ExpectOutcome out = Outcome(e);
        out.status = Status::kSkip;
        out.message = "not checked: " + e.skipped;
        report.outcomes.push_back(std::move(out));
        continue;
      }
      plan::Request one = req;
      one.only_expectation = static_cast<int>(i);
      plan::Plan pi = lower(one);
      try {
        exec::Execution exi = ExecutePlan(pi, eo);
        engine::Results ri = engine::Evaluate(pi, exi.results, eo.limits, exi.rates, &exi.work);
        judge(pi, exi, ri);
      } catch (const rt::DataError& err) {
        ExpectOutcome out = Outcome(e);
        out.status = Status::kError;
        out.message = fmt::format("not checked: the data it reads is invalid: {}", err.what());
        data_error = err.what();
        report.outcomes.push_back(std::move(out));
      }
    }
    return kExitOk;
  });
  if (code != kExitOk) return code;
  if (counts_rows && !t.replay_counts) {
    std::error_code ec;
    fs::path dir = fs::path(state_path).parent_path();
    if (!dir.empty()) fs::create_directories(dir, ec);
    try {
      WriteFileAtomically(state_path, FormatTestState(state));
    } catch (const rt::DataError& e) {
      throw UsageError("E0607", fmt::format("cannot record the row counts in {}: {}", state_path, e.what()));
    }
  }
  // JSON and JUnit carry the stamp, as `kpic run`'s JSON does.
  if (format != "human") {
    report.stamp = MakeStamp("test", o, *s, p);
    report.stamp["definitions"]["expectations"] = ExpectationTexts(p);
    report.stamp["as_of"] = report.as_of;
    // The row counts `rows change` compared with, so that verify can
    // replay the test exactly (each source's own count, under a role the
    // role's rows only).
    // Only this run's own keys: the file also holds other roles' counts and
    // whole-source ones, which a role's output must not show.
    std::set<std::string> own;
    for (const plan::ExpectPlan& e : p.expectations)
      if (e.x.check == ECheck::kRows && e.skipped.empty()) own.insert(StateKey(p, req, e.source));
    nlohmann::ordered_json counts = nlohmann::ordered_json::array();
    for (const auto& [key, n] : state_before)
      if (own.count(key)) counts.push_back({key, n});
    report.stamp["rows_compared"] = counts;
  }
  std::string text = format == "json" ? RenderTestJson(report) : format == "junit" ? RenderTestJunit(report)
                                                                                   : RenderTestHuman(report);
  if (t.text)
    *t.text = std::move(text);
  else if (o.output.empty())
    std::fputs(text.c_str(), stdout);
  else
    WriteFileAtomically(o.output, text);
  if (report.Count(Status::kError) > 0 && !t.text)
    std::fprintf(stderr, "error[data]: %s\n", data_error.c_str());
  if (report.Count(Status::kFail) > 0) return kExitTestFailed;
  // Bad data that no failed expectation explains is a data error.
  if (report.Count(Status::kError) > 0) return kExitData;
  return kExitOk;
}

}  // namespace kpic
