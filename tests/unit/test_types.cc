// The type checker's results on small packages: units, additivity,
// dimensions and time, each worked out by hand.
#include <doctest/doctest.h>

#include <set>

#include "diag/registry.h"
#include "driver/session.h"
#include "sema/catalog.h"
#include "sema/units.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

struct Checked {
  CheckedModule module;
  std::vector<std::string> codes;
};

Checked CheckText(const std::string& text) {
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  auto file = ParseFile(sm, id, diags);
  CheckInput input;
  input.files.push_back(file.get());
  Catalog catalog = Check(input, sm, diags);
  Checked c;
  c.module = catalog.checked;
  for (const auto& d : diags.diagnostics()) c.codes.emplace_back(CodeName(d.code));
  return c;
}

const char* kModel = R"(
dimension store: string
dimension category: string
source products from csv("p.csv") {
  product_id: string key entity product
  category: string -> category
  unit_cost: decimal(2) unit CNY/item
}
source orders from csv("o.csv") {
  order_id: string key entity order
  at: timestamp time
  shipped: timestamp
  store: string -> store
  customer_id: string entity customer
  product_id: string references products
  quantity: int unit item
  amount: decimal(2) unit CNY
  returned: bool
}
source traffic from csv("t.csv") {
  day: date time
  store: string -> store
  visitors: int unit visit
}
source stock from csv("s.csv") {
  day: date time
  store: string -> store
  level: int unit item rollup last
}
metric sales = sum(orders.amount) where not orders.returned
metric orders_n = count(orders)
metric visitors = sum(traffic.visitors)
metric customers = count_distinct(orders.customer_id)
metric conversion = orders_n / visitors
metric aov = sales / orders_n
metric cost = sum(orders.quantity * orders.product_id.unit_cost)
metric margin = sales - cost
metric return_share = avg(orders.returned)
metric ship_time = avg(orders.shipped - orders.at)
metric inventory = sum(stock.level)
metric double_inventory = 2 * inventory
metric daily = sales.avg(day)
metric growth = sales.change(month)
)";

}  // namespace

TEST_CASE("unit algebra") {
  Unit cny = Unit::Named("CNY"), order = Unit::Named("order"), visit = Unit::Named("visit");
  CHECK((cny / order).ToString() == "CNY/order");
  CHECK((visit * (order / visit) * (cny / order)) == cny);
  CHECK((cny / cny).IsOne());
  CHECK((cny * cny).ToString() == "CNY^2");
  CHECK(Unit::Named("days") == Unit::Named("day"));
  CHECK(Unit::Named("percent").IsOne());
  CHECK(Comparable(order / visit, Unit::One()));        // conversion < 12%
  CHECK(Comparable(Unit::Named("item"), Unit::One()));  // quantity > 2
  CHECK_FALSE(Comparable(order, visit));
  CHECK_FALSE(Comparable(cny / visit, Unit::One()));  // money per visit is not a percentage
  CHECK_FALSE(Comparable(cny, Unit::Named("USD")));
  CHECK(cny.Currency() == "CNY");
  CHECK((cny / order).Currency().empty());
}

TEST_CASE("units, additivity, dimensions and time of metrics") {
  Checked c = CheckText(kModel);
  REQUIRE(c.codes.empty());
  auto& m = c.module.metrics;
  auto unit = [&](const char* n) { return m.at(n).unit.ToString(); };
  auto add = [&](const char* n) { return std::string(AdditivityName(m.at(n).additivity)); };
  CHECK(unit("sales") == "CNY");
  CHECK(add("sales") == "additive");
  CHECK(unit("orders_n") == "order");
  CHECK(unit("visitors") == "visit");
  CHECK(unit("customers") == "customer");
  CHECK(add("customers") == "non_additive");
  CHECK(unit("conversion") == "order/visit");
  CHECK(add("conversion") == "non_additive");
  CHECK(unit("aov") == "CNY/order");
  CHECK(unit("cost") == "CNY");  // item × CNY/item, through the lookup
  CHECK(add("margin") == "additive");
  CHECK(unit("return_share") == "1");
  CHECK(unit("ship_time") == "hour");
  CHECK(add("inventory") == "semi_additive");
  CHECK(add("double_inventory") == "semi_additive");
  CHECK(add("daily") == "non_additive");
  CHECK(unit("growth") == "1");
  // Dimensions: orders reaches category through products; conversion only
  // has what both orders and traffic have.
  CHECK(m.at("sales").dimensions == std::set<std::string>{"category", "store"});
  CHECK(m.at("conversion").dimensions == std::set<std::string>{"store"});
  CHECK(m.at("conversion").sources == std::set<std::string>{"main:orders", "main:traffic"});
  CHECK(m.at("aov").depends_on == std::set<std::string>{"orders_n", "sales"});
  CHECK(m.at("sales").has_time);
}

TEST_CASE("declared units are checked, and generic functions bind unit parameters") {
  std::string model = std::string(kModel) +
                      "fn ratio<A, B>(a: A, b: B): A/B = a / b\n"
                      "metric aov2: CNY/order = ratio(sales, orders_n)\n"
                      "metric conv_pct: percent = ratio(orders_n, visitors)\n";
  Checked c = CheckText(model);
  // `ratio(sales, orders_n)` is `aov` written out, `ratio(orders_n,
  // visitors)` is `conversion`: the same meanings under new names (W0003).
  CHECK(c.codes == std::vector<std::string>{"W0003", "W0003"});
  CHECK(c.module.metrics.at("aov2").unit.ToString() == "CNY/order");
  CHECK(c.module.metrics.at("conv_pct").percent);
  c = CheckText(std::string(kModel) + "metric bad: CNY = sales / visitors\n");
  REQUIRE(c.codes.size() == 1);
  CHECK(c.codes[0] == "E0304");
}

TEST_CASE("regression: a metric's dimensions follow a source's lookups in the source's package") {
  // Package a's orders look up a.stores (region); package b has a stores
  // of its own (city). b_sales reads a.orders, so it has region, as the
  // planner's lookups do, not b's city. (b_sales is typed first, by name,
  // while the checker is in package b.)
  SessionOptions options;
  options.no_stdlib = true;
  auto s = CheckTexts({{"/tmp/kpic_dims_test/a.kpi", R"(package a
dimension region: string
source stores from csv("stores.csv") {
  id:     string key
  region: string -> region
}
source orders from csv("orders.csv") {
  ts:       timestamp time
  store_id: string references stores
  amount:   decimal(2) unit CNY
}
metric z_sales: CNY = sum(orders.amount)
)"},
                       {"/tmp/kpic_dims_test/b.kpi", R"(package b
import a
dimension city: string
source stores from csv("bstores.csv") {
  id:   string key
  city: string -> city
}
metric b_sales: CNY = sum(a.orders.amount) * 2
)"}},
                      options);
  REQUIRE(!s->diags.has_errors());
  const auto& metrics = s->catalog.checked.metrics;
  REQUIRE(metrics.count("b_sales"));
  CHECK(metrics.at("b_sales").dimensions == std::set<std::string>{"region"});
  CHECK(metrics.at("z_sales").dimensions == std::set<std::string>{"region"});
}
