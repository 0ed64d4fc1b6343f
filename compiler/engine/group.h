// Group keys for the JIT path: maps each row to a dense group id from its
// time bucket and dimension members. When every dimension is a string (the
// common case) and there are at most three, the key is the period and the
// dictionary codes, looked up in an open-addressing table; otherwise the key
// is hashed as bytes. Members are recorded when a group is created, so
// chunks of a streamed table can be dropped after they are scanned.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace kpic::engine {

class Grouper {
 public:
  Grouper(const plan::Scan& scan, const rt::Calendar& cal);

  /// Group ids of rows [begin, end) of `in` into out[0..end-begin);
  /// UINT32_MAX for a row outside any group (null time, outside
  /// --from/--to). Returns the rows with a null time. String codes must
  /// come from the same dictionaries on every call.
  size_t Assign(const ScanInput& in, size_t begin, size_t end, uint32_t* out);
  size_t groups() const { return periods_.size(); }
  int64_t Period(uint32_t g) const { return periods_[g]; }
  const DimTuple& Dims(uint32_t g) const { return dims_[g]; }
  /// An identity of a group's key comparable across Groupers of one scan.
  std::string KeyBytes(uint32_t g) const;

 private:
  struct Key {
    int64_t period;
    uint32_t c[3];
  };
  uint32_t Lookup(const Key& k, const ScanInput& in, size_t row);
  /// Records a group in the direct table, growing it (or giving it up when
  /// the key space is too large for one).
  void DirectPut(const Key& k, uint32_t id);
  void DirectRebuild(const Key& k);
  uint32_t LookupBytes(const ScanInput& in, size_t row, int64_t period);
  /// Assign's loop for rows in the cached day (whose period, slice `pi` of
  /// the direct table, is the last row's), with D dimensions: the first
  /// row from `row` that is not one, or whose key is not in the table yet.
  /// out[row - begin] is the row's group. `NullFree`: the time and
  /// dimension columns are null-free (rt::Column::null_free), so their
  /// validity bytes are not read.
  template <int D, bool NullFree>
  size_t SameDayRows(const rt::Column* t, const rt::Column* const* dims, size_t pi, size_t row, size_t end,
                     size_t begin, uint32_t* out) const;
  uint32_t NewGroup(const ScanInput& in, size_t row, int64_t period);
  void Grow();

  const plan::Scan& scan_;
  const rt::Calendar& cal_;
  bool packed_ = true;
  std::vector<Key> keys_;  ///< open addressing; slot empty when ids_ is UINT32_MAX
  std::vector<uint32_t> ids_;
  size_t mask_ = 0;
  std::unordered_map<std::string, uint32_t> bytes_;
  std::vector<int64_t> periods_;
  std::vector<DimTuple> dims_;
  Key last_{INT64_MIN, {0, 0, 0}};
  uint32_t last_id_ = UINT32_MAX;
  // The day of the last row and its period: rows often come in time order.
  int32_t last_day_ = INT32_MIN;
  int64_t last_period_ = 0;
  int64_t zone_lo_ = 1, zone_hi_ = 0;
  int32_t zone_offset_ = 0;
  // The UTC microseconds whose local day is cached_day_: most rows fall in
  // the previous row's day, and need no division.
  int64_t day_lo_us_ = 1, day_hi_us_ = 0;
  int32_t cached_day_ = 0;
  // A direct table over small key spaces (periods times dictionary codes):
  // index ((period - dbase_) * dw_[0] + c0) * dw_[1] + c1) * dw_[2] + c2,
  // UINT32_MAX where no group is yet. The hash table stays the reference.
  bool direct_on_ = true;
  std::vector<uint32_t> direct_;
  int64_t dbase_ = 0, dspan_ = 0;
  uint32_t dw_[3] = {0, 0, 0};
};

}  // namespace kpic::engine
