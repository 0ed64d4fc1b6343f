// The narrow interface to LLVM. No LLVM header leaks out of compiler/codegen;
// the rest of kpic sees only these declarations. The evaluation engine will
// grow kernels behind this interface; for now it provides the JIT's
// identity and a checked-sum kernel that proves the pipeline end to end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpic {

/// "LLVM 19.1.7, target x86_64-pc-linux-gnu, cpu znver3".
std::string DescribeCodegen();

/// JIT-compiles (ORC LLJIT, O2) a loop that sums 64-bit integers with
/// overflow checking, runs it over `values` and returns the sum, or nullopt
/// when the sum overflows. Throws std::runtime_error if the JIT fails.
std::optional<int64_t> JitCheckedSum(const std::vector<int64_t>& values);

}  // namespace kpic
