// The rates of `convert(m, CUR, rates)`: read from the rates source through
// its binding (any engine, `--engine postgres` too) and turned into one
// table per conversion of the plan.
#pragma once

#include <vector>

#include "engine/engine.h"
#include "exec/binding.h"
#include "plan/plan.h"

namespace kpic::exec {

/// One table per plan conversion: for each date with a quote of the pair,
/// the rate in effect from it on. A direct quote (from -> to) is used as
/// it is; an inverse quote (to -> from) as 1 / rate, rounded half-even to
/// plan::kRateScale decimals; on a date with both, the direct one. Throws
/// engine::RateError (exit 3) for a null, zero or negative rate of the
/// pair, and for two different quotes of the pair in one direction on one
/// date; rt::DataError for unreadable data.
std::vector<engine::RateTable> ReadRates(const plan::Plan& p, const BindMap& binds, bool skip_bad_rows);

}  // namespace kpic::exec
