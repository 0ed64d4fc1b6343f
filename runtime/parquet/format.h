// The Parquet format's enumerations (physical types, encodings, codecs, page
// types, as numbered in parquet-format's parquet.thrift), their names for
// messages, and FormatError: what every decoder here throws when the bytes
// are corrupt or use something kpic cannot read. The reader turns a
// FormatError into a DataError that names the file, row group, column and
// byte offset.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kpic::rt::parquet {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the decoders read Parquet's little-endian values in place");

enum class Physical : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

/// ConvertedType (the legacy annotations) that the reader interprets.
enum class Converted : int32_t {
  kNone = -1,
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

/// Names as the format spells them (`SNAPPY`, `DELTA_BYTE_ARRAY`), or
/// `unknown (N)`.
std::string PhysicalName(Physical t);
std::string EncodingName(Encoding e);
std::string CodecName(Codec c);

/// Corrupt bytes, or a feature kpic does not read. `what()` says which.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kpic::rt::parquet
