// Roles as a security boundary (docs/language.md, "Roles"): visibility
// through lookups, hidden columns, and the audit scans that make a run's
// warnings describe only the rows the role may see.
#include <doctest/doctest.h>

#include <algorithm>

#include "diag/registry.h"
#include "plan/lower.h"
#include "sema/catalog.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

const char* kShop = R"(
source orders from csv("o.csv") {
  id:         string key
  day:        date time
  product_id: string references products
  store:      string
  amount:     decimal(2) unit CNY
}
source products from csv("p.csv") {
  pid:      string key
  brand_id: string references brands
  cost:     decimal(2) unit CNY
}
source brands from csv("b.csv") {
  bid:     string key
  country: string
}
metric sales: CNY = sum(orders.amount)
metric cost: CNY = sum(orders.product_id.cost)
metric brands_sold = count_distinct(orders.product_id.brand_id)
role country_manager(c: string) {
  orders: all
  products: all
  brands where brands.country == c
  hide products.cost
}
role store_manager(s: string) {
  orders where orders.store == s
  products: all
  brands: all
}
role everything {
  orders: all
  products: all
  brands: all
}
role forgetful(s: string) {
  orders where orders.store == s
  products: all
}
report overview {
  metrics sales, cost
  role country_manager
}
metric avg_amount: CNY = avg(orders.amount)
goal sales_goal {
  metric sales
  period 2026 by month
  target sales >= 1000 CNY
}
goal avg_goal {
  metric avg_amount
  period 2026 by month
  target avg_amount >= 50 CNY
}
goal growth_goal {
  metric sales
  period 2026 by month
  target sales >= 1.1 * sales.last_year
}
goal alert_goal {
  metric sales
  period 2026 by month
  alert "low" when sales < 500 CNY
  alert "low ticket" when avg_amount < 20 CNY
  alert "falling" when sales < 0.5 * sales.previous
}
)";

struct Lowered {
  plan::Plan plan;
  std::string code;
};

/// `text` parsed and checked as t.kpi, with what the catalog points into.
struct Checked {
  SourceManager sm;
  DiagnosticSink diags;
  std::unique_ptr<ast::File> file;
  Catalog catalog;
};

std::unique_ptr<Checked> CheckText(const char* text) {
  auto c = std::make_unique<Checked>();
  FileId id = c->sm.Add("t.kpi", text);
  c->file = ParseFile(c->sm, id, c->diags);
  CheckInput input;
  input.files.push_back(c->file.get());
  c->catalog = Check(input, c->sm, c->diags);
  return c;
}

Lowered LowerText(const char* text, const plan::Request& req) {
  auto checked = CheckText(text);
  const Catalog& catalog = checked->catalog;
  REQUIRE_FALSE(checked->diags.has_errors());
  Lowered out;
  try {
    out.plan = plan::Lower(catalog.checked.ir, req);
  } catch (const plan::PlanError& e) {
    out.code = e.code;
  }
  return out;
}

Lowered LowerShop(const plan::Request& req) { return LowerText(kShop, req); }

std::string Name(DiagCode c) { return std::string(CodeName(c)); }

}  // namespace

TEST_CASE("a restricted lookup two levels down filters the fact rows") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "country_manager";
  r.params = {{"c", "CN"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  // The scan of orders carries the rule: the product and its brand are
  // found, and the brand's country is the parameter.
  const plan::Scan& s = l.plan.scans.at(0);
  REQUIRE(s.filter >= 0);
  std::string f = plan::DumpRow(s, s.filter);
  CHECK(f.find("$product_id.pid is not null") != std::string::npos);
  CHECK(f.find("$product_id.brand_id.bid is not null") != std::string::npos);
  CHECK(f.find("$product_id.brand_id.country == \"CN\"") != std::string::npos);
}

TEST_CASE("an unrestricted chain adds no condition") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "store_manager";
  r.params = {{"s", "S1"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  const plan::Scan& s = l.plan.scans.at(0);
  CHECK(plan::DumpRow(s, s.filter) == "($store == \"S1\")");
}

TEST_CASE("a lookup the role does not name is E0604, even when no column of it is read") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "forgetful";
  r.params = {{"s", "S1"}};
  CHECK(LowerShop(r).code == Name(DiagCode::E0604));
}

TEST_CASE("reading a hidden column is E0605, also through a lookup and in count_distinct") {
  plan::Request r;
  r.role = "country_manager";
  r.params = {{"c", "CN"}};
  r.metrics = {"cost"};
  CHECK(LowerShop(r).code == Name(DiagCode::E0605));
  // brand_id is not hidden: a distinct count of it is allowed.
  r.metrics = {"brands_sold"};
  CHECK(LowerShop(r).code.empty());
}

TEST_CASE("a report leaves out an output that reads a hidden column, with W0705") {
  plan::Request r;
  r.report = "overview";
  r.params = {{"c", "CN"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.outputs.size() == 1);
  CHECK(l.plan.outputs[0].metric == "sales");
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0705));
  CHECK(l.plan.notes[0].message.find("products.cost") != std::string::npos);
}

TEST_CASE("under a role, each source read gets an audit scan for the run's warnings") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "store_manager";
  r.params = {{"s", "S1"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.audits.size() == 1);
  const plan::Plan::Audit& a = l.plan.audits[0];
  const plan::Scan& s = l.plan.scans.at(static_cast<size_t>(a.scan));
  // Rows (for W0704), rows without a time (W0702), both over the role's rows.
  CHECK(s.filter >= 0);
  CHECK(s.aggs.at(static_cast<size_t>(a.rows)).fn == plan::AggSpec::Fn::kCountRows);
  CHECK(a.no_time >= 0);
  CHECK(a.time_column == "day");
  CHECK(a.params == std::vector<std::string>{"s=S1"});
  CHECK(Name(DiagCode::W0702) == "W0702");
}

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "exec/execute.h"

namespace {

/// Runs `req` over small CSV files written here; returns the execution's warnings.
std::vector<Warning> RunShop(const plan::Request& req, bool skip_bad_rows) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("kpic_roles_{}", static_cast<long>(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "o.csv") << "id,day,product_id,store,amount\n1,2026-01-01,p1,s1,10.00\n2,2026-01-02,p9,s1,2.00\n"
                                  "3,2026-01-03,p1,s2,oops\n";
  std::ofstream(dir / "p.csv") << "pid,brand_id,cost\np1,b1,1.00\n";
  std::ofstream(dir / "b.csv") << "bid,country\nb1,CN\n";
  Lowered l = LowerShop(req);
  REQUIRE(l.code.empty());
  exec::ExecOptions o;
  o.engine = "interp";
  o.skip_bad_rows = skip_bad_rows;
  o.binds = exec::ParseBinds({"orders=csv:" + (dir / "o.csv").string(), "products=csv:" + (dir / "p.csv").string(),
                              "brands=csv:" + (dir / "b.csv").string()});
  exec::Execution ex = exec::Execute(l.plan, o);
  fs::remove_all(dir);
  return ex.warnings;
}

bool HasCode(const std::vector<Warning>& ws, DiagCode c) {
  return std::any_of(ws.begin(), ws.end(), [&](const Warning& w) { return w.code == Name(c); });
}

}  // namespace

TEST_CASE("the engines' warnings carry codes: W0701 a key not found, W0703 rows skipped") {
  plan::Request r;
  r.metrics = {"cost", "sales"};
  r.grain = rt::Grain::kAll;
  std::vector<Warning> ws = RunShop(r, /*skip_bad_rows=*/true);
  CHECK(HasCode(ws, DiagCode::W0701));  // order 2's p9
  CHECK(HasCode(ws, DiagCode::W0703));  // order 3's amount
}

TEST_CASE("a role's audit counts what W0704 needs: the visible rows, per source") {
  plan::Request r;
  r.metrics = {"sales"};
  r.role = "store_manager";
  r.params = {{"s", "nobody"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.audits.size() == 1);
  // The audit scan carries the role's filter, so its row count is 0 for a
  // member that does not exist: the run says so as W0704.
  const plan::Scan& s = l.plan.scans.at(static_cast<size_t>(l.plan.audits[0].scan));
  CHECK(s.audit);
  CHECK(plan::DumpRow(s, s.filter) == "($store == \"nobody\")");
  CHECK(Name(DiagCode::W0704) == "W0704");
}

TEST_CASE("W0711: under a role that sees a part, an amount target is the company's and none") {
  // sales_goal's 1000 CNY is for all stores; a store manager's part has
  // none. avg_goal's 50 CNY is a level, and growth_goal's target is
  // relative: both apply to any part.
  auto target_op = [](const plan::Plan& p, const std::string& goal) {
    for (const plan::GoalPlan& g : p.goals)
      if (g.name == goal) return p.mnodes[static_cast<size_t>(g.target)].op;
    FAIL("no goal ", goal);
    return plan::MNode::Op::kNull;
  };
  plan::Request r;
  r.goals = {"sales_goal", "avg_goal", "growth_goal"};
  r.role = "store_manager";
  r.params = {{"s", "s1"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0711));
  CHECK(l.plan.notes[0].message.find("goal `sales_goal`") != std::string::npos);
  CHECK(target_op(l.plan, "sales_goal") == plan::MNode::Op::kNull);
  CHECK(target_op(l.plan, "avg_goal") != plan::MNode::Op::kNull);
  CHECK(target_op(l.plan, "growth_goal") != plan::MNode::Op::kNull);
  // Through a lookup: the country manager sees the orders of one country's brands.
  r.role = "country_manager";
  r.params = {{"c", "CN"}};
  l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0711));
  // Without a role, or under one that sees every row, the target stands.
  r.role.clear();
  r.params.clear();
  l = LowerShop(r);
  CHECK(l.plan.notes.empty());
  CHECK(target_op(l.plan, "sales_goal") != plan::MNode::Op::kNull);
  r.role = "everything";
  l = LowerShop(r);
  REQUIRE(l.code.empty());
  CHECK(l.plan.notes.empty());
  CHECK(target_op(l.plan, "sales_goal") != plan::MNode::Op::kNull);
}

TEST_CASE("W0713: under a role that sees a part, an amount's fixed alert threshold is the company's") {
  // alert_goal's `sales < 500 CNY` is for all stores: a store manager's
  // part is not alerted on by it (its condition is null, so it never
  // fires). The level (`avg_amount < 20 CNY`) and the comparison with the
  // past apply to any part.
  auto conds = [](const plan::Plan& p) {
    std::vector<plan::MNode::Op> ops;
    for (const plan::GoalPlan& g : p.goals)
      for (const auto& a : g.alerts) ops.push_back(p.mnodes[static_cast<size_t>(a.cond)].op);
    return ops;
  };
  plan::Request r;
  r.goals = {"alert_goal"};
  r.role = "store_manager";
  r.params = {{"s", "s1"}};
  Lowered l = LowerShop(r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0713));
  CHECK(l.plan.notes[0].message.find("alert `low` of goal `alert_goal`") != std::string::npos);
  std::vector<plan::MNode::Op> ops = conds(l.plan);
  REQUIRE(ops.size() == 3);
  CHECK(ops[0] == plan::MNode::Op::kNull);
  CHECK(ops[1] == plan::MNode::Op::kLt);
  CHECK(ops[2] == plan::MNode::Op::kLt);
  // Without a role, or under one that sees every row, the alert stands.
  r.role.clear();
  r.params.clear();
  l = LowerShop(r);
  CHECK(l.plan.notes.empty());
  CHECK(conds(l.plan)[0] == plan::MNode::Op::kLt);
  r.role = "everything";
  l = LowerShop(r);
  CHECK(l.plan.notes.empty());
  CHECK(conds(l.plan)[0] == plan::MNode::Op::kLt);
}

TEST_CASE("W0712: an English report names the Chinese labels it shows for want of label.en") {
  // 销售额 has an English label; 成本 and the dimension 门店 do not. A
  // report in Chinese, or with no language asked, says nothing.
  const char* text = R"(package t
dimension store "门店": string
source s from csv("s.csv") {
  day:    date time
  store:  string -> store
  amount: decimal(2) unit CNY
}
metric sales "销售额": CNY = sum(s.amount)
  label.en "Sales"
metric cost "成本": CNY = sum(s.amount)
metric plain "plain": CNY = sum(s.amount)
)";
  plan::Request r;
  r.metrics = {"sales", "cost", "plain"};
  r.by = {"store"};
  r.lang = "en";
  Lowered l = LowerText(text, r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0712));
  CHECK(l.plan.notes[0].message ==
        "2 labels in Chinese have no `label.en` and are shown as written in this English report: \"成本\", \"门店\"; "
        "give their declarations `label.en \"...\"`");
  r.lang = "zh";
  CHECK(LowerText(text, r).plan.notes.empty());
  r.lang.clear();
  CHECK(LowerText(text, r).plan.notes.empty());
}

TEST_CASE("W0714: a goal's fixed target of a distinct count at another grain has none") {
  // `customers >= 30` by month: a quarter's customers are not its months'
  // added up, so at --grain quarter the goal has no target (and says so);
  // a sum's fixed target adds up (the engine's target_grain), a level's
  // and a relative target stand as written, without a warning.
  static const char* kGoals = R"(
source o from csv("o.csv") {
  d:        date time
  customer: string
  amount:   decimal(2) unit CNY
}
metric customers = count_distinct(o.customer)
metric sales: CNY = sum(o.amount)
metric avg_amount: CNY = avg(o.amount)
goal buyers {
  metric customers
  period 2026 by month
  target customers >= 30
}
goal revenue {
  metric sales
  period 2026 by month
  target sales >= 1000 CNY
}
goal ticket {
  metric avg_amount
  period 2026 by month
  target avg_amount >= 50 CNY
}
goal growth {
  metric sales
  period 2026 by month
  target sales >= 1.1 * sales.last_year
}
)";
  plan::Request r;
  r.goals = {"buyers", "revenue", "ticket", "growth"};
  r.grain = rt::Grain::kQuarter;
  Lowered l = LowerText(kGoals, r);
  REQUIRE(l.code.empty());
  REQUIRE(l.plan.notes.size() == 1);
  CHECK(l.plan.notes[0].code == Name(DiagCode::W0714));
  CHECK(l.plan.notes[0].message.find("goal `buyers` has no target at grain `quarter`") != std::string::npos);
  REQUIRE(l.plan.goals.size() == 4);
  CHECK(l.plan.mnodes[static_cast<size_t>(l.plan.goals[0].target)].op == plan::MNode::Op::kNull);
  CHECK(l.plan.goals[1].target_grain == rt::Grain::kMonth);
  CHECK_FALSE(l.plan.goals[2].target_grain.has_value());
  CHECK_FALSE(l.plan.goals[3].target_grain.has_value());
  // At the goals' own grain: no warning, no regrained target.
  r.grain = rt::Grain::kMonth;
  l = LowerText(kGoals, r);
  REQUIRE(l.code.empty());
  CHECK(l.plan.notes.empty());
  CHECK_FALSE(l.plan.goals[1].target_grain.has_value());
}

TEST_CASE("a dimension named in a role's rule is E0222, not a rule dropped (and no E0223 beside it)") {
  // `orders where store == s` read as no rule at all: the store manager saw
  // every store (new-user probe, 2026-12-07).
  const char* text = R"(
dimension store: string
source orders from csv("o.csv") {
  id:     string key
  day:    date time
  store:  string -> store
  amount: decimal(2) unit CNY
}
metric sales: CNY = sum(orders.amount)
role store_manager(s: string) {
  orders where store == s
}
)";
  auto checked = CheckText(text);
  const DiagnosticSink& diags = checked->diags;
  std::vector<DiagCode> codes;
  for (const Diagnostic& d : diags.diagnostics()) codes.push_back(d.code);
  REQUIRE(codes.size() == 1);
  CHECK(codes[0] == DiagCode::E0222);
  CHECK(std::count(codes.begin(), codes.end(), DiagCode::E0223) == 0);
  // The fix the editor offers is the column that holds the dimension.
  REQUIRE(diags.diagnostics()[0].fixes.size() == 1);
  CHECK(diags.diagnostics()[0].fixes[0].replacement == "orders.store");
}
