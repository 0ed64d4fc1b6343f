// Column helpers.
#include "column.h"

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

uint32_t StringDict::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  values_.emplace_back(s);
  uint32_t code = static_cast<uint32_t>(values_.size() - 1);
  index_.emplace(values_.back(), code);
  return code;
}

void Column::Truncate(size_t n) {
  if (valid.size() > n) valid.resize(n);
  if (ints.size() > n) ints.resize(n);
  if (floats.size() > n) floats.resize(n);
  if (codes.size() > n) codes.resize(n);
}

}  // namespace kpic::rt
