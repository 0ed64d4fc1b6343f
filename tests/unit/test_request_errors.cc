// Requests the definitions cannot answer: each is a coded usage error
// (E06xx, exit 2), never an uncoded refusal after a clean check.
#include <doctest/doctest.h>

#include "diag/registry.h"
#include "plan/lower.h"
#include "sema/catalog.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

const char* kPackage = R"(
dimension store: string
dimension region: string
source orders from csv("o.csv") {
  day: date time
  store: string -> store
  amount: decimal(2) unit CNY
}
source plan from csv("p.csv") {
  store: string -> store
  budget: decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
metric budget: CNY = sum(plan.budget)
metric trend: CNY = sales.rolling(2 weeks)
metric mom = sales.change(month)
goal open_ended { metric sales }
role manager(store_id: string) { orders where orders.store == store_id }
)";

/// The package, checked (it checks clean); the sources and the syntax
/// tree live as long as the catalog that points into them.
struct Checked {
  SourceManager sm;
  DiagnosticSink diags;
  std::unique_ptr<ast::File> file;
  Catalog catalog;
  Checked() {
    file = ParseFile(sm, sm.Add("t.kpi", kPackage), diags);
    CheckInput input;
    input.files.push_back(file.get());
    catalog = Check(input, sm, diags);
    REQUIRE_FALSE(diags.has_errors());
  }
};

/// The code of the error that lowering `req` raises, or "" when it lowers.
std::string CodeOf(const plan::Request& req) {
  Checked c;
  try {
    plan::Lower(c.catalog.checked.ir, req);
  } catch (const plan::PlanError& e) {
    CHECK_FALSE(std::string(e.what()).empty());
    return e.code;
  }
  return "";
}

std::string Name(DiagCode c) { return std::string(CodeName(c)); }

}  // namespace

TEST_CASE("unknown names in a request are E0601") {
  plan::Request r;
  r.metrics = {"salse"};
  CHECK(CodeOf(r) == Name(DiagCode::E0601));
  r.metrics = {"sales"};
  r.role = "mangaer";
  CHECK(CodeOf(r) == Name(DiagCode::E0601));
}

TEST_CASE("breakdowns, grains and windows the sources cannot give are E0602") {
  plan::Request r;
  r.metrics = {"sales"};
  r.by = {"region"};  // no source maps a column to it
  CHECK(CodeOf(r) == Name(DiagCode::E0602));
  r.by = {};
  r.metrics = {"budget"};
  r.grain = rt::Grain::kMonth;  // `plan` has no time column
  CHECK(CodeOf(r) == Name(DiagCode::E0602));
  r.metrics = {"trend"};
  r.grain = rt::Grain::kMonth;  // weeks do not tile a month
  CHECK(CodeOf(r) == Name(DiagCode::E0602));
  r.metrics = {"mom"};
  r.grain = rt::Grain::kYear;  // a change over a month at grain year
  CHECK(CodeOf(r) == Name(DiagCode::E0602));
  r.metrics = {};
  r.grain.reset();
  r.goals = {"open_ended"};  // no period and no --from/--to
  CHECK(CodeOf(r) == Name(DiagCode::E0602));
  r.goals = {};
  r.metrics = {"sales"};
  r.grain = rt::Grain::kMonth;
  CHECK(CodeOf(r) == "");  // the control: this one lowers
}

TEST_CASE("role parameters: missing, unknown, without a role, badly typed are E0603") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "manager";
  CHECK(CodeOf(r) == Name(DiagCode::E0603));  // store_id missing
  r.params = {{"store_id", "S1"}, {"stor", "S1"}};
  CHECK(CodeOf(r) == Name(DiagCode::E0603));  // unknown key
  r.role = "";
  r.params = {{"store_id", "S1"}};
  CHECK(CodeOf(r) == Name(DiagCode::E0603));  // no role
  r.role = "manager";
  CHECK(CodeOf(r) == "");
}

TEST_CASE("a source the role does not mention is E0604") {
  plan::Request r;
  r.metrics = {"budget"};
  r.grain = rt::Grain::kAll;  // `plan` has no time column
  r.role = "manager";
  r.params = {{"store_id", "S1"}};
  CHECK(CodeOf(r) == Name(DiagCode::E0604));
}

TEST_CASE("a period operator at --grain all is null, and the plan says so with W0706, once per operator") {
  Checked c;
  const Catalog& catalog = c.catalog;
  plan::Request r;
  r.metrics = {"mom", "sales", "mom"};
  r.grain = rt::Grain::kAll;
  plan::Plan p = plan::Lower(catalog.checked.ir, r);
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0].code == Name(DiagCode::W0706));
  CHECK(p.notes[0].message.find("sales.change(month)") != std::string::npos);
  r.grain = rt::Grain::kMonth;
  CHECK(plan::Lower(catalog.checked.ir, r).notes.empty());
}

TEST_CASE("W0707: a fixed-threshold alert held on a partial period is a registered run warning") {
  // Its behaviour over data (held on February 2026, judged on January) is
  // asserted by tests/partial_goals/goals.sh; here, that the code exists.
  CHECK(Name(DiagCode::W0707) == "W0707");
}

TEST_CASE("W0708: a source ending before the as-of date is a registered run warning") {
  // Its behaviour over data is asserted by tests/partial_goals/goals.sh.
  CHECK(Name(DiagCode::W0708) == "W0708");
}

TEST_CASE("W0710: a value that is not a finite number is a registered run warning") {
  // Its behaviour over data (a float sum that overflows, null in every
  // format) is asserted by tests/cli/run.sh over tests/cli/nonfinite.
  CHECK(Name(DiagCode::W0710) == "W0710");
}

TEST_CASE("E0220 and W0709: the forecast's codes are registered") {
  // E0220 is exercised by tests/diagnostics/cases/forecast_field.kpi, W0709
  // and the forecast alerts over data by tests/forecast/goal_forecast_test.py.
  CHECK(Name(DiagCode::E0220) == "E0220");
  CHECK(Name(DiagCode::W0709) == "W0709");
}
