// A decoder for the Thrift compact protocol, the encoding of Parquet's
// footer and page headers. Hand-written rather than generated (see
// docs/parquet.md): every read is bounds-checked against the bytes given,
// every count is checked against the bytes left before anything is sized
// by it, and nesting is limited, so corrupt input is a FormatError and
// never a crash or a large allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format.h"

namespace kpic::rt::parquet {

/// Compact protocol type codes of fields and list elements.
enum class TType : uint8_t {
  kStop = 0,
  kTrue = 1,  ///< a bool field that is true (in a list: a bool element)
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactReader {
 public:
  /// Reads `bytes`, which start at `file_offset` in the file (for messages).
  CompactReader(std::string_view bytes, uint64_t file_offset) : data_(bytes), base_(file_offset) {}

  /// Reads a struct: calls `field(id, type)` for each field; the callback
  /// must consume the value (a typed read, or Skip(type)).
  template <class F>
  void Struct(F&& field) {
    Enter();
    int16_t last = 0;
    for (;;) {
      uint8_t b = Byte();
      TType type = static_cast<TType>(b & 0x0F);
      if (type == TType::kStop) break;
      int16_t id;
      if (b >> 4)
        id = static_cast<int16_t>(last + (b >> 4));
      else
        id = static_cast<int16_t>(Zigzag(Varint()));
      last = id;
      field_type_ = type;
      field(id, type);
    }
    --depth_;
  }

  /// Reads a list or set header and calls `element(type)` once per element.
  template <class F>
  void List(F&& element) {
    TType type;
    size_t n = ListHeader(&type);
    field_type_ = TType::kStop;  // bools in lists carry a byte
    Enter();
    for (size_t i = 0; i < n; ++i) element(type);
    --depth_;
  }

  int64_t I64() { return Zigzag(Varint()); }
  int32_t I32();
  int16_t I16();
  int8_t I8() { return static_cast<int8_t>(Byte()); }
  double Double();
  /// A bool: in a field its value is the field's type; in a list, a byte.
  bool Bool(TType type);
  /// Binary or string bytes (a view into the input).
  std::string_view Binary();
  /// Skips one value of `type`.
  void Skip(TType type);

  size_t position() const { return pos_; }
  uint64_t file_offset() const { return base_ + pos_; }
  /// A FormatError at the current position.
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  uint8_t Byte() {
    if (pos_ >= data_.size()) Fail("the metadata ends early");
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Varint();
  static int64_t Zigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
  size_t ListHeader(TType* type);
  void Enter() {
    if (++depth_ > kMaxDepth) Fail("the metadata nests too deeply");
  }

  static constexpr int kMaxDepth = 64;
  std::string_view data_;
  uint64_t base_;
  size_t pos_ = 0;
  int depth_ = 0;
  TType field_type_ = TType::kStop;  ///< the type of the field being read (for bools)
};

}  // namespace kpic::rt::parquet
