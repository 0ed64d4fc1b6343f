// Schema flattening, value kinds and declared-type checks (see schema.h).
#include "schema.h"

#include <string>

namespace kpic::rt::parquet {

namespace {

ValueKind Int(bool is_signed, int bits) {
  ValueKind k;
  k.kind = is_signed ? ValueKind::kSignedInt : ValueKind::kUnsignedInt;
  k.bits = bits;
  return k;
}

ValueKind Of(ValueKind::Kind kind) {
  ValueKind k;
  k.kind = kind;
  return k;
}

bool IsIntegral(Physical p) { return p == Physical::kInt32 || p == Physical::kInt64; }

}  // namespace

ValueKind KindOf(const SchemaElement& e) {
  if (!e.type) return Of(ValueKind::kOther);
  const Physical p = *e.type;
  const Logical& l = e.logical;
  const bool bytes = p == Physical::kByteArray || p == Physical::kFixedLenByteArray;
  switch (l.kind) {
    case Logical::kString:
    case Logical::kEnum:
    case Logical::kJson:
      return Of(p == Physical::kByteArray ? ValueKind::kString : ValueKind::kOther);
    case Logical::kDecimal: {
      if (!IsIntegral(p) && !bytes) return Of(ValueKind::kOther);
      ValueKind k = Of(ValueKind::kDecimal);
      k.scale = l.scale;
      return k.scale >= 0 && k.scale <= 38 ? k : Of(ValueKind::kOther);  // beyond any 128-bit decimal
    }
    case Logical::kDate:
      return Of(p == Physical::kInt32 ? ValueKind::kDate : ValueKind::kOther);
    case Logical::kTimestamp: {
      if (p != Physical::kInt64 || l.unit < 1 || l.unit > 3) return Of(ValueKind::kOther);
      ValueKind k = Of(ValueKind::kTimestamp);
      k.unit = l.unit;
      k.utc = l.utc;
      return k;
    }
    case Logical::kInteger:
      if (!IsIntegral(p) || (l.bit_width != 8 && l.bit_width != 16 && l.bit_width != 32 && l.bit_width != 64) ||
          (p == Physical::kInt32) != (l.bit_width <= 32))
        return Of(ValueKind::kOther);
      return Int(l.is_signed, l.bit_width);
    case Logical::kUnknown:
      return Of(ValueKind::kNull);
    case Logical::kNone:
      break;
    default:
      return Of(ValueKind::kOther);
  }
  switch (e.converted) {
    case Converted::kUtf8:
    case Converted::kEnum:
    case Converted::kJson:
      return Of(p == Physical::kByteArray ? ValueKind::kString : ValueKind::kOther);
    case Converted::kDecimal: {
      if (!IsIntegral(p) && !bytes) return Of(ValueKind::kOther);
      ValueKind k = Of(ValueKind::kDecimal);
      k.scale = e.scale;
      return k.scale >= 0 && k.scale <= 38 ? k : Of(ValueKind::kOther);
    }
    case Converted::kDate:
      return Of(p == Physical::kInt32 ? ValueKind::kDate : ValueKind::kOther);
    case Converted::kTimestampMillis:
    case Converted::kTimestampMicros: {
      if (p != Physical::kInt64) return Of(ValueKind::kOther);
      ValueKind k = Of(ValueKind::kTimestamp);
      k.unit = e.converted == Converted::kTimestampMillis ? 1 : 2;
      return k;
    }
    case Converted::kInt8:
    case Converted::kInt16:
    case Converted::kInt32:
    case Converted::kInt64:
    case Converted::kUint8:
    case Converted::kUint16:
    case Converted::kUint32:
    case Converted::kUint64: {
      static const int kBits[] = {8, 16, 32, 64};
      bool is_signed = e.converted >= Converted::kInt8;
      int bits = kBits[static_cast<int>(e.converted) - (is_signed ? 15 : 11)];
      if (!IsIntegral(p) || (p == Physical::kInt32) != (bits <= 32)) return Of(ValueKind::kOther);
      return Int(is_signed, bits);
    }
    case Converted::kNone:
      break;
    default:
      return Of(ValueKind::kOther);
  }
  switch (p) {
    case Physical::kBoolean:
      return Of(ValueKind::kBool);
    case Physical::kInt32:
      return Int(true, 32);
    case Physical::kInt64:
      return Int(true, 64);
    case Physical::kInt96: {
      ValueKind k = Of(ValueKind::kTimestamp);  // the legacy (Impala, Spark) timestamp: nanoseconds, UTC
      k.unit = 3;
      return k;
    }
    case Physical::kFloat:
    case Physical::kDouble:
      return Of(ValueKind::kFloat);
    case Physical::kByteArray:
      return Of(ValueKind::kBinary);
    case Physical::kFixedLenByteArray:
      return Of(ValueKind::kOther);
  }
  return Of(ValueKind::kOther);
}

std::string DescribeType(const SchemaElement& e) {
  if (!e.type) return "a group (nested columns)";
  std::string s = PhysicalName(*e.type);
  if (*e.type == Physical::kFixedLenByteArray) s += "(" + std::to_string(e.type_length) + ")";
  static const char* const kUnits[] = {"?", "MILLIS", "MICROS", "NANOS"};
  const Logical& l = e.logical;
  switch (l.kind) {
    case Logical::kNone:
      break;
    case Logical::kString:
      return s + " STRING";
    case Logical::kEnum:
      return s + " ENUM";
    case Logical::kJson:
      return s + " JSON";
    case Logical::kDecimal:
      return s + " DECIMAL(" + std::to_string(l.precision) + "," + std::to_string(l.scale) + ")";
    case Logical::kDate:
      return s + " DATE";
    case Logical::kTime:
    case Logical::kTimestamp:
      return s + (l.kind == Logical::kTime ? " TIME(" : " TIMESTAMP(") +
             kUnits[l.unit >= 1 && l.unit <= 3 ? l.unit : 0] + (l.utc ? ", UTC)" : ", local)");
    case Logical::kInteger:
      return s + " INT(" + std::to_string(l.bit_width) + (l.is_signed ? ", signed)" : ", unsigned)");
    case Logical::kUnknown:
      return s + " UNKNOWN (always null)";
    case Logical::kUuid:
      return s + " UUID";
    case Logical::kFloat16:
      return s + " FLOAT16";
    case Logical::kBson:
      return s + " BSON";
    default:
      return s + " (logical type " + std::to_string(l.kind) + ")";
  }
  static const char* const kConverted[] = {"UTF8",
                                           "MAP",
                                           "MAP_KEY_VALUE",
                                           "LIST",
                                           "ENUM",
                                           "DECIMAL",
                                           "DATE",
                                           "TIME_MILLIS",
                                           "TIME_MICROS",
                                           "TIMESTAMP_MILLIS",
                                           "TIMESTAMP_MICROS",
                                           "UINT_8",
                                           "UINT_16",
                                           "UINT_32",
                                           "UINT_64",
                                           "INT_8",
                                           "INT_16",
                                           "INT_32",
                                           "INT_64",
                                           "JSON",
                                           "BSON",
                                           "INTERVAL"};
  int c = static_cast<int>(e.converted);
  if (c >= 0 && c <= 21) {
    s += std::string(" ") + kConverted[c];
    if (e.converted == Converted::kDecimal)
      s += "(" + std::to_string(e.precision) + "," + std::to_string(e.scale) + ")";
  }
  return s;
}

std::string Incompatible(const ValueKind& k, ColType type, int scale) {
  using K = ValueKind;
  if (k.kind == K::kNull) return "";
  if (k.kind == K::kOther) return "kpic cannot read this Parquet type";
  bool ok = false;
  bool integer = k.kind == K::kSignedInt || k.kind == K::kUnsignedInt;
  switch (type) {
    case ColType::kInt:
      ok = integer;
      break;
    case ColType::kFloat:
      ok = integer || k.kind == K::kFloat || k.kind == K::kDecimal;
      break;
    case ColType::kDecimal:
      // A larger file scale is checked value by value: extra digits must be zeros.
      ok = integer || k.kind == K::kDecimal;
      if (ok && (scale < 0 || scale > 18)) return "decimal scale " + std::to_string(scale) + " is out of range";
      break;
    case ColType::kBool:
      ok = k.kind == K::kBool;
      break;
    case ColType::kString:
      ok = k.kind == K::kString || k.kind == K::kBinary;
      break;
    case ColType::kDate:
      ok = k.kind == K::kDate;
      break;
    case ColType::kTimestamp:
      ok = k.kind == K::kTimestamp;
      break;
  }
  return ok ? "" : "the types contradict";
}

const FileColumn* FlatSchema::Find(const std::string& name) const {
  for (const FileColumn& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

FlatSchema Flatten(const FileMeta& meta) {
  FlatSchema s;
  const auto& el = meta.schema;
  if (el.empty()) throw FormatError("the schema is empty");
  if (el[0].num_children < 0 || static_cast<size_t>(el[0].num_children) >= el.size() + 1)
    throw FormatError("the schema's root claims more children than the schema has elements");
  // Depth-first: each element is followed by its subtree. Count the leaves
  // under each top-level field to number the column chunks.
  size_t i = 1;
  for (int32_t c = 0; c < el[0].num_children; ++c) {
    if (i >= el.size()) throw FormatError("the schema ends inside the root's children");
    FileColumn f;
    f.name = el[i].name;
    f.element = static_cast<int>(i);
    f.repeated = el[i].repetition == Repetition::kRepeated;
    f.optional = el[i].repetition == Repetition::kOptional;
    f.group = !el[i].type.has_value();
    if (!f.group) {
      f.leaf = static_cast<int>(s.leaves++);
      ++i;
    } else {
      // Skip the subtree, counting its leaves.
      size_t pending = 1;
      while (pending > 0) {
        if (i >= el.size()) throw FormatError("the schema ends inside the group `" + f.name + "`");
        --pending;
        if (el[i].type) {
          ++s.leaves;
        } else {
          if (el[i].num_children < 0 || static_cast<size_t>(el[i].num_children) > el.size())
            throw FormatError("a schema group claims more children than the schema has elements");
          pending += static_cast<size_t>(el[i].num_children);
        }
        ++i;
      }
    }
    s.fields.push_back(std::move(f));
  }
  if (i != el.size()) throw FormatError("the schema has elements outside the root's tree");
  return s;
}

}  // namespace kpic::rt::parquet
