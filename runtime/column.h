// Columnar data: one typed vector per column with a separate validity
// vector. Money is a scaled 64-bit integer (never a double); dates are days
// and timestamps microseconds since the Unix epoch; strings are
// dictionary-encoded.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kpic::rt {

enum class ColType { kInt, kFloat, kDecimal, kBool, kString, kDate, kTimestamp };

const char* ColTypeName(ColType t);

/// Dictionary of distinct strings; codes are dense and stable.
class StringDict {
 public:
  uint32_t Intern(std::string_view s);
  const std::string& At(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }

 private:
  std::deque<std::string> values_;  // deque: views into it stay valid
  std::unordered_map<std::string_view, uint32_t> index_;
};

struct Column {
  std::string name;
  ColType type = ColType::kInt;
  int scale = 0;                ///< decimal places for kDecimal
  std::vector<int64_t> ints;    ///< int, decimal, bool, date, timestamp
  std::vector<double> floats;   ///< float
  std::vector<uint32_t> codes;  ///< string: codes into dict
  StringDict dict;
  std::vector<uint8_t> valid;  ///< 1 = value, 0 = null

  size_t size() const { return valid.size(); }
  bool IsNull(size_t row) const { return valid[row] == 0; }
  /// Drops values from row `n` on (rolls back a partially appended row).
  void Truncate(size_t n);
};

}  // namespace kpic::rt
