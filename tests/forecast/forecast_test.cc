// Unit tests of kpic_forecast: placeholder.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "forecast/ets.h"

TEST_CASE("placeholder") { CHECK(true); }
