// Columnar data: one typed vector per column with a separate validity
// vector. Money is a scaled 64-bit integer (never a double); dates are days
// and timestamps microseconds since the Unix epoch; strings are
// dictionary-encoded.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace kpic::rt {

enum class ColType { kInt, kFloat, kDecimal, kBool, kString, kDate, kTimestamp };

const char* ColTypeName(ColType t);

/// Dictionary of distinct strings; codes are dense and stable. The index is
/// an open-addressing table over a word-at-a-time hash: interning is on the
/// CSV reader's hot path (one lookup per string field).
class StringDict {
 public:
  StringDict() = default;
  StringDict(StringDict&&) = default;
  StringDict& operator=(StringDict&&) = default;
  /// A copy's views point into its own strings.
  StringDict(const StringDict& o);
  StringDict& operator=(const StringDict& o);

  uint32_t Intern(std::string_view s) {
    uint64_t h = Hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      uint32_t c = slots_.empty() ? kEmpty : slots_[i];
      if (c == kEmpty) return Insert(s, h);
      if (hashes_[c] == h && views_[c] == s) return c;
    }
  }
  /// The code of `s`, or UINT32_MAX when it was never interned.
  uint32_t Find(std::string_view s) const;
  const std::string& At(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }

  static uint64_t Hash(std::string_view s);

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  uint32_t Insert(std::string_view s, uint64_t h);

  std::deque<std::string> values_;       // deque: views into it stay valid
  std::vector<std::string_view> views_;  // views_[c] == values_[c], without the deque's indexing
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_;  // codes; kEmpty when free
  size_t mask_ = 0;
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
  /// True only when `valid` is known to hold no 0: set by a writer that
  /// starts a column empty and appends through AppendNull (the CSV, SQLite
  /// and PostgreSQL readers' TableBuilder), cleared by AppendNull. Any
  /// other writer leaves it false, which is always safe: a scan then looks
  /// for nulls itself. A scan over a null-free column skips its validity
  /// bytes.
  bool null_free = false;

  size_t size() const { return valid.size(); }
  bool IsNull(size_t row) const { return valid[row] == 0; }
  /// Drops values from row `n` on (rolls back a partially appended row).
  void Truncate(size_t n);
};

/// Appends a null (validity 0, a zero value).
inline void AppendNull(Column& col) {
  col.null_free = false;
  col.valid.push_back(0);
  if (col.type == ColType::kFloat)
    col.floats.push_back(0);
  else if (col.type == ColType::kString)
    col.codes.push_back(0);
  else
    col.ints.push_back(0);
}

}  // namespace kpic::rt
