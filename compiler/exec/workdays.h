// The working days of `working_days()`: the calendar's `working_days`
// source (holidays and make-up working days) read through its binding, for
// every engine (`--engine postgres` too).
#pragma once

#include "engine/engine.h"
#include "exec/binding.h"
#include "plan/plan.h"

namespace kpic::exec {

/// The days listed in the plan's working-day source (none when the plan
/// needs no `working_days()` or the calendar names no source: Monday to
/// Friday). Throws engine::RateError (exit 3) for a row without a date or
/// without its flag, and for one date listed twice with different flags;
/// rt::DataError for unreadable data.
engine::WorkDays ReadWorkDays(const plan::Plan& p, const BindMap& binds, bool skip_bad_rows);

}  // namespace kpic::exec
