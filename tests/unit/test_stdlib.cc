// Every standard-library formula, called from tests/stdlib/all_formulas.kpi
// with metrics of known units, gives the unit worked out by hand; and no
// stdlib formula is missing from that file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "driver/session.h"

using namespace kpic;
namespace fs = std::filesystem;

namespace {

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every stdlib formula is typed with units") {
  SessionOptions options;
  options.stdlib_dir = std::string(KPIC_SOURCE_DIR) + "/stdlib";
  auto s = LoadAndCheck({std::string(KPIC_SOURCE_DIR) + "/tests/stdlib/all_formulas.kpi"}, options);
  // Only W0003: the file writes several formulas that mean the same (the
  // net margin of `sales - cogs` is the gross margin rate), which the
  // fingerprints see through.
  for (const Diagnostic& d : s->diags.diagnostics()) CHECK(d.code == DiagCode::W0003);
  REQUIRE(!s->diags.has_errors());
  const std::map<std::string, std::string> expected = {
      {"r_conversion", "order/visit"},
      {"r_aov", "CNY/order"},
      {"r_repurchase", "1"},
      {"r_return", "1"},
      {"r_sell_through", "1"},
      {"r_same_store", "1"},
      {"r_basket", "item/order"},
      {"r_density", "CNY/sqm"},
      {"c_retention", "1"},
      {"c_churn", "1"},
      {"c_ltv", "CNY/customer"},
      {"c_nps", "nps"},
      {"o_response", "hour/order"},
      {"o_cycle", "hour/item"},
      {"o_on_time", "1"},
      {"o_fulfilment", "1"},
      {"m_yield", "1"},
      {"m_utilisation", "1"},
      {"m_oee", "1"},
      {"m_turnover", "1"},
      {"m_scrap", "1"},
      {"s_churn", "1"},
      {"s_arpu", "CNY/customer"},
      {"s_nrr", "1"},
      {"s_ltv", "CNY/customer"},
      {"s_payback", "1"},
      {"s_growth", "1"},
      {"f_gross", "1"},
      {"f_gross_profit", "CNY"},
      {"f_gross_rate", "1"},
      {"f_net", "1"},
      {"f_roi", "1"},
      {"f_expense", "1"},
      {"f_loss", "1"},
      {"k_attainment", "1"},
      {"k_change", "1"},
      {"k_ratio", "1"},
      {"k_yoy", "1"},
      {"k_pop", "1"},
      {"k_share", "1"},
      {"k_rolling", "CNY"},
      {"k_ytd", "CNY"},
      {"k_mtd", "CNY"},
  };
  for (const auto& [name, unit] : expected) {
    CAPTURE(name);
    const MetricType& m = s->catalog.checked.metrics.at(name);
    CHECK(m.ok);
    CHECK(m.unit.ToString() == unit);
  }
  // Ratios are never summed; running totals of sums still are.
  CHECK(s->catalog.checked.metrics.at("r_conversion").additivity == Additivity::kNonAdditive);
  CHECK(s->catalog.checked.metrics.at("k_ytd").additivity == Additivity::kAdditive);
}

TEST_CASE("the stdlib has at least 30 formulas and the test calls each of them") {
  std::string calls = Read(std::string(KPIC_SOURCE_DIR) + "/tests/stdlib/all_formulas.kpi");
  static const std::regex fn_re(R"(^fn ([a-z_0-9]+))");
  size_t count = 0;
  for (auto& e : fs::directory_iterator(std::string(KPIC_SOURCE_DIR) + "/stdlib/std")) {
    std::string pkg = "std." + e.path().stem().string();
    std::istringstream lines(Read(e.path()));
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, fn_re)) continue;
      ++count;
      CAPTURE(pkg);
      CHECK(calls.find(pkg + "." + m[1].str() + "(") != std::string::npos);
    }
  }
  CHECK(count >= 30);
}
