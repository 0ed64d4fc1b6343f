// Pieces shared by both scan engines (interpreter and JIT): date parts,
// state allocation and group keys.
#pragma once

#include <cstring>
#include <string>

#include "calendar.h"
#include "engine/engine.h"

namespace kpic::engine {

/// year quarter month week (ISO) day weekday (1 = Monday) hour, or `date`
/// (days) of a date (days) or timestamp (microseconds, read in the
/// calendar's zone).
int64_t DatePart(builtins::Fn part, bool timestamp, int64_t value, const rt::Calendar& cal);

double ScaledToDouble(int64_t v, int scale);

/// The sample variance of the moments of `groups` (n values in all):
/// false when n < 2. Exact moments (scaled integers at `scale`) give an
/// exact numerator n * sum(x^2) - sum(x)^2 and one rounding at the end;
/// float moments (shifted, see AggStates) are brought to one shift and
/// summed in extended precision.
bool SampleVariance(const AggStates& st, const std::vector<uint32_t>& groups, int64_t n, bool fl, int scale,
                    double* out);

/// Adds the float moments (stddev, variance) of group h of `y` into
/// group g of `x`, which held `nx` values before (its count is not read).
void MergeMoments(AggStates& x, uint32_t g, int64_t nx, const AggStates& y, uint32_t h);

/// Sizes the state vectors that aggregate `a` needs for `groups` groups.
void GrowStates(const plan::Scan& scan, size_t a, AggStates* st, size_t groups);

/// Adds group h of `from` into group g of `into` (both over `scan`).
/// `fresh`: g was just created, so distinct sets and value lists are
/// moved, not copied. Distinct sets must then be finished again.
void MergeStates(const plan::Scan& scan, ScanResult* into, uint32_t g, ScanResult& from, uint32_t h, bool fresh,
                 bool distinct = true);
/// The distinct sets' part of MergeStates (fresh = false), for a caller
/// that passed distinct = false to merge them later (in parallel, by group).
void MergeDistinct(const plan::Scan& scan, ScanResult* into, uint32_t g, const ScanResult& from, uint32_t h);

/// The dimension member of a column at a row.
DimValue DimOf(const rt::Column& c, size_t row);

/// The distinct-count key of a string column at a row: its dictionary code.
inline int64_t StringKey(const plan::Scan& scan, int node, const ScanInput& in, size_t row) {
  return in.columns[scan.nodes[node].column]->codes[row];
}

/// What an overflow in node `node` of the row at index `row` of `in` says
/// after `what` (`exact arithmetic overflowed 64 bits`): the expression as
/// written (`orders.quantity * orders.amount`), the row (1-based, counting
/// `offset` rows before `in`'s first) and the values it read there, so that
/// the bad row can be found. Under a role (plan::Scan::under_role) no
/// value is shown: the overflow may be in the role's own rule, on a row
/// outside it, and the columns may be hidden ones.
std::string OverflowMessage(std::string_view what, const plan::Scan& scan, int node, const ScanInput& in, size_t row,
                            size_t offset = 0);

}  // namespace kpic::engine
