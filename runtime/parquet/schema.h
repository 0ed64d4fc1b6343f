// A file's schema as kpic reads it: the top-level fields (the columns a
// source can request), what each field's physical and logical types mean
// as a value domain, and which declared kpic types that domain can fill.
// The rules follow the other readers (postgres_source.cc's Compatible):
// a declared type is filled only by values of the same kind, and exact
// decimals stay exact.
#pragma once

#include <string>
#include <vector>

#include "column.h"
#include "metadata.h"

namespace kpic::rt::parquet {

/// What a leaf column's values are, from its physical type and its
/// annotations (LogicalType, else the legacy ConvertedType).
struct ValueKind {
  enum Kind {
    kSignedInt,    ///< INT32/INT64, INT(8..64, signed)
    kUnsignedInt,  ///< INT(8..64, unsigned), UINT_*
    kFloat,        ///< FLOAT, DOUBLE
    kBool,
    kString,  ///< STRING/UTF8, ENUM, JSON (UTF-8 text)
    kBinary,  ///< BYTE_ARRAY without annotation (read as UTF-8 text, checked)
    kDecimal,
    kDate,
    kTimestamp,  ///< INT64 TIMESTAMP, TIMESTAMP_MILLIS/MICROS, or INT96
    kNull,       ///< the UNKNOWN (always null) annotation
    kOther,      ///< anything kpic does not read (TIME, UUID, INTERVAL, ...)
  };
  Kind kind = kOther;
  int scale = 0;    ///< kDecimal
  int unit = 2;     ///< kTimestamp: 1 millis, 2 micros, 3 nanos (INT96 is 3)
  bool utc = true;  ///< kTimestamp: isAdjustedToUTC (else wall-clock time)
  int bits = 64;    ///< k*Int: 8, 16, 32 or 64
};

ValueKind KindOf(const SchemaElement& e);

/// The file's type in the words of the format: `INT64 TIMESTAMP(MICROS,
/// UTC)`, `BYTE_ARRAY STRING`, `FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,4)`.
std::string DescribeType(const SchemaElement& e);

/// Why a column of this kind cannot fill a declared `type` (with `scale`
/// for decimals), or "" when it can.
std::string Incompatible(const ValueKind& k, ColType type, int scale);

/// A top-level field of the schema.
struct FileColumn {
  std::string name;
  int element = -1;  ///< index in FileMeta::schema
  int leaf = -1;     ///< its column chunk's index in each row group (-1 for a group)
  bool group = false;
  bool repeated = false;
  bool optional = false;
};

/// The top-level fields, in schema order, and the number of leaf columns.
/// FormatError when the schema's tree is malformed.
struct FlatSchema {
  std::vector<FileColumn> fields;
  size_t leaves = 0;
  const FileColumn* Find(const std::string& name) const;
};
FlatSchema Flatten(const FileMeta& meta);

}  // namespace kpic::rt::parquet
