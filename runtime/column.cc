// Column helpers.
#include "column.h"

#include <algorithm>
#include <cstring>

namespace kpic::rt {

const char* ColTypeName(ColType t) {
  switch (t) {
    case ColType::kInt:
      return "int";
    case ColType::kFloat:
      return "float";
    case ColType::kDecimal:
      return "decimal";
    case ColType::kBool:
      return "bool";
    case ColType::kString:
      return "string";
    case ColType::kDate:
      return "date";
    case ColType::kTimestamp:
      return "timestamp";
  }
  return "?";
}

uint64_t StringDict::Hash(std::string_view s) {
  // Eight bytes at a time, each word mixed by a multiply and a shift.
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0xC2B2AE3D27D4EB4FULL);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

StringDict::StringDict(const StringDict& o) : values_(o.values_), hashes_(o.hashes_), slots_(o.slots_), mask_(o.mask_) {
  views_.assign(values_.begin(), values_.end());
}

StringDict& StringDict::operator=(const StringDict& o) {
  if (this != &o) {
    StringDict copy(o);
    *this = std::move(copy);
  }
  return *this;
}

uint32_t StringDict::Find(std::string_view s) const {
  if (slots_.empty()) return kEmpty;
  uint64_t h = Hash(s);
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    uint32_t c = slots_[i];
    if (c == kEmpty) return kEmpty;
    if (hashes_[c] == h && views_[c] == s) return c;
  }
}

uint32_t StringDict::Insert(std::string_view s, uint64_t h) {
  uint32_t code = static_cast<uint32_t>(values_.size());
  values_.emplace_back(s);
  views_.push_back(values_.back());
  hashes_.push_back(h);
  // Keep the table at most half full.
  if (slots_.size() < 2 * views_.size()) {
    size_t n = std::max<size_t>(16, slots_.size() * 2);
    slots_.assign(n, kEmpty);
    mask_ = n - 1;
    for (uint32_t c = 0; c < views_.size(); ++c) {
      size_t i = hashes_[c] & mask_;
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = c;
    }
    return code;
  }
  size_t i = h & mask_;
  while (slots_[i] != kEmpty) i = (i + 1) & mask_;
  slots_[i] = code;
  return code;
}

void Column::Truncate(size_t n) {
  if (valid.size() > n) valid.resize(n);
  if (ints.size() > n) ints.resize(n);
  if (floats.size() > n) floats.resize(n);
  if (codes.size() > n) codes.resize(n);
}

}  // namespace kpic::rt
