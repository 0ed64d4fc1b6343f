// The randomised differential test of the two scan engines: random tables
// (nulls, empty tables, zero divisors, extreme decimals, many groups) and
// random metric suites over them, lowered by the real planner, evaluated by
// the interpreter and by the JIT. Every value must agree exactly, and an
// overflow must be reported by both with the same message.
//
// KPIC_DIFF_CASES sets the number of cases (default 1500); KPIC_DIFF_SEED
// runs one case.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <random>

#include "codegen/kernel.h"
#include "engine/engine.h"
#include "plan/lower.h"
#include "sema/catalog.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

const char* kSource = R"(
dimension kdim: string
dimension sdim: string
source t from csv("t.csv") {
  ts:  timestamp time
  k:   string -> kdim
  s2:  string -> sdim
  amt: decimal(2)
  q:   int
  f:   float
  b:   bool
  dd:  date
}
)";

struct Case {
  std::mt19937_64 rng;
  explicit Case(uint64_t seed) : rng(seed) { many = Chance(0.08) ? 3000 : 6; }
  size_t many;  ///< distinct strings per dimension: a few, or many groups
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::string RowValue() {
    static const std::vector<std::string> kValues = {
        "t.amt", "t.q", "t.f", "t.amt * t.q", "t.amt + t.q", "t.q - 3", "t.f / t.q", "abs(t.q)", "abs(t.amt)",
        "if(t.b, t.amt, 0)", "coalesce(t.q, 0)", "month(t.ts)", "t.amt * 1.5", "-t.amt", "t.amt - t.amt * 2",
        "t.q * t.q", "t.dd - t.dd", "day(t.dd)", "weekday(t.ts)", "t.f * 2", "if(t.k == \"a\", t.q, t.q * 2)",
        "coalesce(t.amt, t.q)", "t.amt / 0", "t.q * 0.25", "week(t.ts)", "t.b"};
    return One(kValues);
  }
  std::string Filter() {
    static const std::vector<std::string> kFilters = {
        "t.b", "not t.b", "t.k == \"a\"", "t.k in (\"a\", \"北京\")", "t.q > 2", "t.amt >= 10.5", "t.f < 0.5",
        "t.k is null", "t.q is not null and t.b", "t.s2 != \"x\" or t.q < 0", "hour(t.ts) < 12", "t.k < \"b\"",
        "t.amt * t.q > 100", "t.k not in (\"c\")", "\"b\" <= t.k", "t.q in (1, 2, 3)", "t.amt in (1.5, 2)",
        "t.f > t.q", "t.q <= 1", "t.amt <= t.q", "t.f != 0.25", "not (t.b or t.q == 0)", "t.dd >= 2026-03-01", "quarter(t.ts) == 2"};
    return One(kFilters);
  }
  std::string Aggregate() {
    static const std::vector<std::string> kFns = {"sum", "avg", "min", "max", "count", "median", "sum", "sum", "stddev", "variance"};
    size_t kind = Pick(10);
    std::string filter = Chance(0.5) ? " where " + Filter() : "";
    if (kind == 0) return "count(t" + filter + ")";
    if (kind == 1) return fmt::format("count_distinct({}{})", Chance(0.5) ? "t.k" : "t.q", filter);
    if (kind == 2) return fmt::format("percentile({}{}, 0.9)", RowValue(), filter);
    return fmt::format("{}({}{})", One(kFns), RowValue(), filter);
  }
  std::string Formula() {
    switch (Pick(6)) {
      case 0:
        return Aggregate() + " / " + Aggregate();
      case 1:
        return Aggregate() + " - " + Aggregate();
      case 2:
        return "(" + Aggregate() + ") where " + Filter();
      case 3:
        return Aggregate() + " * 2";
      default:
        return Aggregate();
    }
  }

  void Columns(size_t rows, std::vector<rt::Column>* cols) {
    cols->assign(8, rt::Column{});
    const char* names[] = {"ts", "k", "s2", "amt", "q", "f", "b", "dd"};
    rt::ColType types[] = {rt::ColType::kTimestamp, rt::ColType::kString, rt::ColType::kString,
                           rt::ColType::kDecimal,   rt::ColType::kInt,    rt::ColType::kFloat,
                           rt::ColType::kBool,      rt::ColType::kDate};
    bool extreme = Chance(0.1);
    double null_rate = Chance(0.3) ? 0.0 : 0.1;
    static const std::vector<std::string> kStrings = {"a", "b", "c", "北京", "", "x"};
    size_t many = this->many;
    for (size_t c = 0; c < 8; ++c) {
      rt::Column& col = (*cols)[c];
      col.name = names[c];
      col.type = types[c];
      col.scale = c == 3 ? 2 : 0;
      for (size_t r = 0; r < rows; ++r) {
        bool null = c != 0 && Chance(null_rate);
        col.valid.push_back(!null);
        switch (col.type) {
          case rt::ColType::kTimestamp:
            // Two years from 2025-01-01, sometimes null.
            if (Chance(0.02)) col.valid.back() = 0;
            col.ints.push_back(1735689600LL * 1000000 + static_cast<int64_t>(Pick(730 * 86400)) * 1000000);
            break;
          case rt::ColType::kString:
            col.codes.push_back(col.dict.Intern(many > 6 ? std::to_string(Pick(many)) : One(kStrings)));
            break;
          case rt::ColType::kDecimal:
            col.ints.push_back(extreme && Chance(0.3) ? (Chance(0.5) ? INT64_MAX - static_cast<int64_t>(Pick(10))
                                                                     : INT64_MIN + static_cast<int64_t>(Pick(10)))
                                                      : static_cast<int64_t>(Pick(2000001)) - 1000000);
            break;
          case rt::ColType::kInt:
            col.ints.push_back(static_cast<int64_t>(Pick(11)) - 5);
            break;
          case rt::ColType::kFloat:
            col.floats.push_back(std::uniform_real_distribution<double>(-2, 2)(rng));
            break;
          case rt::ColType::kBool:
            col.ints.push_back(static_cast<int64_t>(Pick(2)));
            break;
          case rt::ColType::kDate:
            col.ints.push_back(20089 + static_cast<int64_t>(Pick(730)));
            break;
        }
      }
    }
  }
};

std::string ValText(const engine::Val& v) { return fmt::format("{}:{}", static_cast<int>(v.kind), v.Text()); }

/// Runs every scan with one engine and evaluates; returns the values or
/// the error message.
std::vector<std::string> RunEngine(const plan::Plan& p, const std::vector<engine::ScanInput>& inputs, bool jit) {
  std::vector<std::string> out;
  engine::Limits limits;
  try {
    std::vector<engine::ScanResult> results;
    for (size_t i = 0; i < p.scans.size(); ++i)
      results.push_back(jit ? JitScan(p.scans[i], inputs[i], p.calendar, limits)
                            : engine::InterpretScan(p.scans[i], inputs[i], p.calendar, limits));
    engine::Results r = engine::Evaluate(p, results, limits);
    for (const auto& m : r.metrics)
      for (const auto& row : m.rows) {
        std::string dims;
        for (const auto& d : row.dims) dims += (d.null ? "~" : d.s) + "|";
        out.push_back(fmt::format("{} {} {} {}", m.output->metric, row.period, dims, ValText(row.value)));
      }
  } catch (const engine::OverflowError& e) {
    out.push_back(std::string("overflow: ") + e.what());
  }
  return out;
}

/// One case; returns false when the random suite did not type-check.
bool RunCase(uint64_t seed) {
  Case c(seed);
  std::string text = kSource;
  std::vector<std::string> metrics;
  size_t n = 1 + c.Pick(4);
  for (size_t i = 0; i < n; ++i) {
    metrics.push_back(fmt::format("m{}", i));
    text += fmt::format("metric m{} = {}\n", i, c.Formula());
  }
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  auto file = ParseFile(sm, id, diags);
  CheckInput input;
  input.files.push_back(file.get());
  Catalog catalog = Check(input, sm, diags);
  if (diags.has_errors()) return false;
  plan::Request req;
  req.metrics = metrics;
  static const std::vector<std::vector<std::string>> kBy = {{}, {"kdim"}, {"sdim", "kdim"}};
  req.by = c.One(kBy);
  static const std::vector<rt::Grain> kGrains = {rt::Grain::kAll, rt::Grain::kMonth, rt::Grain::kQuarter,
                                                 rt::Grain::kWeek, rt::Grain::kDay, rt::Grain::kYear};
  req.grain = c.many > 6 ? (c.Chance(0.5) ? rt::Grain::kAll : rt::Grain::kYear) : c.One(kGrains);
  if (c.Chance(0.2)) {
    req.from_day = 20089 + static_cast<int32_t>(c.Pick(300));
    req.to_day = *req.from_day + 1 + static_cast<int32_t>(c.Pick(300));
  }
  plan::Plan p;
  try {
    p = plan::Lower(catalog.checked.ir, req);
  } catch (const plan::PlanError&) {
    return false;
  }
  size_t rows = c.many > 6 ? 20000 : c.Chance(0.05) ? 0 : c.Chance(0.01) ? 210000 : c.Pick(3000);
  std::vector<rt::Column> cols;
  c.Columns(rows, &cols);
  std::vector<engine::ScanInput> inputs(p.scans.size());
  for (size_t i = 0; i < p.scans.size(); ++i) {
    inputs[i].rows = rows;
    inputs[i].source_name = "t";
    for (const auto& sc : p.scans[i].columns)
      for (const auto& col : cols)
        if (col.name == sc.path[0]) inputs[i].columns.push_back(&col);
  }
  auto a = RunEngine(p, inputs, false);
  auto b = RunEngine(p, inputs, true);
  INFO("seed " << seed << "\n" << text);
  REQUIRE(a.size() == b.size());
  if (a != b) {
    for (size_t i = 0; i < a.size(); ++i) {
      INFO("row " << i);
      CHECK(a[i] == b[i]);
    }
  }
  return true;
}

}  // namespace

TEST_CASE("the JIT and the interpreter agree on random tables and metric suites") {
  if (const char* one = std::getenv("KPIC_DIFF_SEED")) {
    RunCase(std::strtoull(one, nullptr, 10));
    return;
  }
  const char* env = std::getenv("KPIC_DIFF_CASES");
  size_t cases = env ? std::strtoull(env, nullptr, 10) : 1500;
  size_t valid = 0;
  for (uint64_t seed = 1; seed <= cases; ++seed) valid += RunCase(seed);
  // Most random suites must type-check, or the test tests nothing.
  CHECK(valid * 2 > cases);
  MESSAGE(fmt::format("{} of {} random suites type-checked and agreed", valid, cases));
}
