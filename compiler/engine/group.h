// Group keys for the JIT path: maps each row to a dense group id from its
// time bucket and dimension members. Keys are packed into one 64-bit word
// when they fit (a direct table when the key space is small, a hash map
// otherwise), else hashed as bytes.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace kpic::engine {

class Grouper {
 public:
  Grouper(const plan::Scan& scan, const ScanInput& in, const rt::Calendar& cal);

  /// Group ids of rows [begin, end) into out[0..end-begin); UINT32_MAX for a
  /// row outside any group (null time, outside --from/--to). Returns the
  /// rows with a null time.
  size_t Assign(size_t begin, size_t end, uint32_t* out);
  size_t groups() const { return periods_.size(); }
  int64_t Period(uint32_t g) const { return periods_[g]; }
  DimTuple Dims(uint32_t g) const;
  /// An identity of a group's key comparable across Groupers of one scan.
  std::string KeyBytes(uint32_t g) const;

 private:
  uint32_t Lookup(uint64_t packed, size_t row, int64_t period);
  uint32_t LookupBytes(size_t row, int64_t period);

  const plan::Scan& scan_;
  const ScanInput& in_;
  const rt::Calendar& cal_;
  std::vector<const rt::Column*> dims_;
  bool packed_ = false;
  int period_bits_ = 0;
  int64_t min_period_ = 0;
  std::vector<int> dim_bits_;
  std::vector<uint32_t> direct_;  ///< packed key -> gid when the key space is small
  std::unordered_map<uint64_t, uint32_t> hashed_;
  std::unordered_map<std::string, uint32_t> bytes_;
  std::vector<int64_t> periods_;
  std::vector<uint32_t> first_row_;  ///< a row of each group, for its members
  // The day of the last row and its period: rows come in time order often.
  int32_t last_day_ = INT32_MIN;
  int64_t last_period_ = 0;
  int64_t zone_lo_ = 1, zone_hi_ = 0;
  int32_t zone_offset_ = 0;
};

/// Appends to a distinct-count set, compacting it (sort, unique) when it
/// would grow, so memory stays near the number of distinct values.
void PushDistinct(std::vector<int64_t>* set, int64_t v);

}  // namespace kpic::engine
