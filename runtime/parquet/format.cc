// Names of the format's enumerations, for messages and parquet_dump.
#include "format.h"

namespace kpic::rt::parquet {

namespace {

template <size_t N>
std::string Named(const char* const (&names)[N], int32_t v) {
  if (v >= 0 && static_cast<size_t>(v) < N && names[v][0]) return names[v];
  return "unknown (" + std::to_string(v) + ")";
}

}  // namespace

std::string PhysicalName(Physical t) {
  static const char* const kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                       "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return Named(kNames, static_cast<int32_t>(t));
}

std::string EncodingName(Encoding e) {
  static const char* const kNames[] = {"PLAIN",
                                       "GROUP_VAR_INT",
                                       "PLAIN_DICTIONARY",
                                       "RLE",
                                       "BIT_PACKED",
                                       "DELTA_BINARY_PACKED",
                                       "DELTA_LENGTH_BYTE_ARRAY",
                                       "DELTA_BYTE_ARRAY",
                                       "RLE_DICTIONARY",
                                       "BYTE_STREAM_SPLIT",
                                       "ALP"};
  return Named(kNames, static_cast<int32_t>(e));
}

std::string CodecName(Codec c) {
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  return Named(kNames, static_cast<int32_t>(c));
}

}  // namespace kpic::rt::parquet
