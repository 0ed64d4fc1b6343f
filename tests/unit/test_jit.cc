// The LLVM ORC JIT compiles and runs a checked-sum kernel.
#include <doctest/doctest.h>

#include <climits>

#include "codegen/jit.h"

TEST_CASE("the JIT sums with overflow checking") {
  CHECK(kpic::JitCheckedSum({}).value() == 0);
  CHECK(kpic::JitCheckedSum({1, 2, 3, -10}).value() == -4);
  std::vector<int64_t> many(100000, 3);
  CHECK(kpic::JitCheckedSum(many).value() == 300000);
  CHECK_FALSE(kpic::JitCheckedSum({INT64_MAX, 1}).has_value());
  CHECK_FALSE(kpic::JitCheckedSum({INT64_MIN, -1}).has_value());
  CHECK(kpic::DescribeCodegen().find("LLVM 19") == 0);
}
