// Unit tests of the runtime's exact decimals. Values worked out by hand.
#include <doctest/doctest.h>

#include "decimal.h"

using namespace kpic::rt;

TEST_CASE("decimals parse exactly at the column's scale") {
  CHECK(ParseDecimal("123.45", 2).value() == 12345);
  CHECK(ParseDecimal("-0.07", 2).value() == -7);
  CHECK(ParseDecimal("+12", 2).value() == 1200);
  CHECK(ParseDecimal("1.5", 2).value() == 150);
  CHECK(ParseDecimal("1.50000", 2).value() == 150);   // trailing zeros lose nothing
  CHECK_FALSE(ParseDecimal("1.505", 2).has_value());  // would lose a digit
  CHECK_FALSE(ParseDecimal("1.2.3", 2).has_value());
  CHECK_FALSE(ParseDecimal("", 2).has_value());
  CHECK_FALSE(ParseDecimal("-", 2).has_value());
  CHECK_FALSE(ParseDecimal("12a", 2).has_value());
  CHECK(ParseDecimal("92233720368547758.07", 2).value() == INT64_MAX);
  CHECK_FALSE(ParseDecimal("92233720368547758.08", 2).has_value());
  CHECK(ParseDecimal("-92233720368547758.08", 2).value() == INT64_MIN);
}

TEST_CASE("decimals format with exactly their scale") {
  CHECK(FormatDecimal(12345, 2) == "123.45");
  CHECK(FormatDecimal(-7, 2) == "-0.07");
  CHECK(FormatDecimal(0, 2) == "0.00");
  CHECK(FormatDecimal(5, 0) == "5");
  __int128 big = static_cast<__int128>(INT64_MAX) * 1000;
  CHECK(FormatDecimal(big, 4) == "922337203685477580.7000");
  CHECK(FormatDecimal(INT64_MIN, 2) == "-92233720368547758.08");
}

TEST_CASE("checked arithmetic reports overflow instead of wrapping") {
  __int128 max = ~(static_cast<unsigned __int128>(1) << 127);
  CHECK(CheckedAdd(1, 2).value() == 3);
  CHECK_FALSE(CheckedAdd(max, 1).has_value());
  CHECK(CheckedMul(-3, 4).value() == -12);
  CHECK_FALSE(CheckedMul(max / 2 + 1, 2).has_value());
  CHECK(Rescale(150, 2, 4).value() == 15000);
  CHECK_FALSE(Rescale(1, 4, 2).has_value());
}
