// Parquet's footer (FileMetaData) and page headers, decoded from the
// Thrift compact protocol into plain structs. Only the fields the reader
// uses are kept; every other field is skipped. Values are taken as
// written: the checks that they make sense (offsets inside the file,
// counts that agree) are made where they are used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format.h"

namespace kpic::rt::parquet {

/// The LogicalType union: which member is set (its field id in
/// parquet.thrift, 0 for none) and the parameters of those kpic reads.
struct Logical {
  enum Kind : int16_t {
    kNone = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
  };
  int16_t kind = kNone;
  int32_t scale = 0, precision = 0;  ///< DECIMAL
  bool utc = false;                  ///< TIME, TIMESTAMP: isAdjustedToUTC
  int unit = 0;                      ///< TIME, TIMESTAMP: 1 millis, 2 micros, 3 nanos
  int bit_width = 0;                 ///< INTEGER
  bool is_signed = true;             ///< INTEGER
};

struct SchemaElement {
  std::string name;
  std::optional<Physical> type;  ///< unset for a group
  int32_t type_length = 0;
  std::optional<Repetition> repetition;
  int32_t num_children = 0;
  Converted converted = Converted::kNone;
  int32_t scale = 0, precision = 0;
  Logical logical;
};

/// A Statistics struct as written (min/max in PLAIN encoding, byte arrays
/// without their length).
struct RawStatistics {
  std::optional<std::string> min_value, max_value;  ///< fields 6 and 5: ordered by the column's type
  std::optional<std::string> min, max;              ///< fields 2 and 1 (deprecated): signed order
  std::optional<int64_t> null_count;
};

struct ColumnChunkMeta {
  Physical type = Physical::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  RawStatistics statistics;
  bool has_metadata = false;  ///< meta_data was present
  bool external = false;      ///< file_path set: the data is in another file
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t num_rows = 0;
};

struct FileMeta {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
  std::string created_by;
  /// Per leaf column: whether min_value/max_value follow the type's own
  /// order (ColumnOrder TYPE_ORDER). Empty when the file does not say.
  std::vector<bool> type_order;
  bool encrypted = false;
};

/// Decodes a footer; `file_offset` locates `bytes` in the file for messages.
FileMeta DecodeFileMeta(std::string_view bytes, uint64_t file_offset);

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  bool has_data = false, has_data_v2 = false, has_dictionary = false;
  // DataPageHeader and DataPageHeaderV2
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_encoding = Encoding::kRle;
  Encoding repetition_encoding = Encoding::kRle;
  // DataPageHeaderV2 only
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t definition_levels_length = 0;
  int32_t repetition_levels_length = 0;
  bool is_compressed = true;
  // DictionaryPageHeader
  int32_t dictionary_num_values = 0;
  Encoding dictionary_encoding = Encoding::kPlain;
};

/// Decodes the page header at the start of `bytes` and sets `*length` to
/// its size in bytes.
PageHeader DecodePageHeader(std::string_view bytes, uint64_t file_offset, size_t* length);

}  // namespace kpic::rt::parquet
