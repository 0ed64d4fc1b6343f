// The Thrift compact protocol decoder (see compact.h).
#include "compact.h"

#include <cstring>
#include <string>

namespace kpic::rt::parquet {

void CompactReader::Fail(const std::string& what) const {
  throw FormatError(what + " (metadata byte offset " + std::to_string(base_ + pos_) + ")");
}

uint64_t CompactReader::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = Byte();
    v |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return v;
  }
  Fail("a variable-length integer is too long");
}

int32_t CompactReader::I32() {
  int64_t v = I64();
  if (v < INT32_MIN || v > INT32_MAX) Fail("a 32-bit integer is out of range");
  return static_cast<int32_t>(v);
}

int16_t CompactReader::I16() {
  int64_t v = I64();
  if (v < INT16_MIN || v > INT16_MAX) Fail("a 16-bit integer is out of range");
  return static_cast<int16_t>(v);
}

double CompactReader::Double() {
  if (data_.size() - pos_ < 8) Fail("the metadata ends early");
  double d;
  std::memcpy(&d, data_.data() + pos_, 8);
  pos_ += 8;
  return d;
}

bool CompactReader::Bool(TType type) {
  if (field_type_ == TType::kTrue || field_type_ == TType::kFalse) {
    bool v = field_type_ == TType::kTrue;
    field_type_ = TType::kStop;  // consumed
    return v;
  }
  (void)type;
  return Byte() == 1;
}

std::string_view CompactReader::Binary() {
  uint64_t n = Varint();
  if (n > data_.size() - pos_) Fail("a string is longer than the metadata");
  std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

size_t CompactReader::ListHeader(TType* type) {
  uint8_t b = Byte();
  *type = static_cast<TType>(b & 0x0F);
  uint64_t n = b >> 4;
  if (n == 15) n = Varint();
  // Every element takes at least one byte: a count beyond the bytes left
  // is corrupt, and nothing is ever sized by it.
  if (n > data_.size() - pos_) Fail("a list claims more elements than the metadata has bytes");
  if (*type == TType::kStop || static_cast<uint8_t>(*type) > static_cast<uint8_t>(TType::kStruct))
    Fail("a list has an unknown element type");
  return static_cast<size_t>(n);
}

void CompactReader::Skip(TType type) {
  switch (type) {
    case TType::kTrue:
    case TType::kFalse:
      Bool(type);
      return;
    case TType::kByte:
      Byte();
      return;
    case TType::kI16:
    case TType::kI32:
    case TType::kI64:
      Varint();
      return;
    case TType::kDouble:
      Double();
      return;
    case TType::kBinary:
      Binary();
      return;
    case TType::kList:
    case TType::kSet:
      List([&](TType t) { Skip(t); });
      return;
    case TType::kMap: {
      uint64_t n = Varint();
      if (n == 0) return;
      if (n > data_.size() - pos_) Fail("a map claims more entries than the metadata has bytes");
      uint8_t kv = Byte();
      TType k = static_cast<TType>(kv >> 4), v = static_cast<TType>(kv & 0x0F);
      Enter();
      field_type_ = TType::kStop;
      for (uint64_t i = 0; i < n; ++i) {
        Skip(k);
        Skip(v);
      }
      --depth_;
      return;
    }
    case TType::kStruct:
      Struct([&](int16_t, TType t) { Skip(t); });
      return;
    case TType::kStop:
      break;
  }
  Fail("a field has an unknown type " + std::to_string(static_cast<int>(type)));
}

}  // namespace kpic::rt::parquet
