// Decoding FileMetaData and PageHeader (field ids from parquet.thrift).
#include "metadata.h"

#include "compact.h"

namespace kpic::rt::parquet {

namespace {

std::string Str(CompactReader& r) { return std::string(r.Binary()); }

void ReadTimeUnit(CompactReader& r, Logical* l) {
  r.Struct([&](int16_t id, TType t) {
    if (id >= 1 && id <= 3) l->unit = id;
    r.Skip(t);  // MilliSeconds, MicroSeconds, NanoSeconds are empty structs
  });
}

Logical ReadLogical(CompactReader& r) {
  Logical l;
  r.Struct([&](int16_t id, TType t) {
    if (t != TType::kStruct) {
      r.Skip(t);
      return;
    }
    l.kind = id;
    switch (id) {
      case Logical::kDecimal:
        r.Struct([&](int16_t f, TType ft) {
          if (f == 1 && ft == TType::kI32)
            l.scale = r.I32();
          else if (f == 2 && ft == TType::kI32)
            l.precision = r.I32();
          else
            r.Skip(ft);
        });
        break;
      case Logical::kTime:
      case Logical::kTimestamp:
        r.Struct([&](int16_t f, TType ft) {
          if (f == 1 && (ft == TType::kTrue || ft == TType::kFalse))
            l.utc = r.Bool(ft);
          else if (f == 2 && ft == TType::kStruct)
            ReadTimeUnit(r, &l);
          else
            r.Skip(ft);
        });
        break;
      case Logical::kInteger:
        r.Struct([&](int16_t f, TType ft) {
          if (f == 1 && ft == TType::kByte)
            l.bit_width = r.I8();
          else if (f == 2 && (ft == TType::kTrue || ft == TType::kFalse))
            l.is_signed = r.Bool(ft);
          else
            r.Skip(ft);
        });
        break;
      default:
        r.Skip(t);
    }
  });
  return l;
}

SchemaElement ReadSchemaElement(CompactReader& r) {
  SchemaElement e;
  r.Struct([&](int16_t id, TType t) {
    switch (id) {
      case 1:
        if (t == TType::kI32) {
          e.type = static_cast<Physical>(r.I32());
          if (static_cast<int32_t>(*e.type) < 0 || static_cast<int32_t>(*e.type) > 7) r.Fail("unknown physical type");
          return;
        }
        break;
      case 2:
        if (t == TType::kI32) return void(e.type_length = r.I32());
        break;
      case 3:
        if (t == TType::kI32) {
          int32_t v = r.I32();
          if (v < 0 || v > 2) r.Fail("unknown repetition type " + std::to_string(v));
          e.repetition = static_cast<Repetition>(v);
          return;
        }
        break;
      case 4:
        if (t == TType::kBinary) return void(e.name = Str(r));
        break;
      case 5:
        if (t == TType::kI32) return void(e.num_children = r.I32());
        break;
      case 6:
        if (t == TType::kI32) return void(e.converted = static_cast<Converted>(r.I32()));
        break;
      case 7:
        if (t == TType::kI32) return void(e.scale = r.I32());
        break;
      case 8:
        if (t == TType::kI32) return void(e.precision = r.I32());
        break;
      case 10:
        if (t == TType::kStruct) return void(e.logical = ReadLogical(r));
        break;
    }
    r.Skip(t);
  });
  return e;
}

RawStatistics ReadStatistics(CompactReader& r) {
  RawStatistics s;
  r.Struct([&](int16_t id, TType t) {
    if (t == TType::kBinary && id >= 1 && id <= 6 && id != 3 && id != 4) {
      std::string v = Str(r);
      (id == 1 ? s.max : id == 2 ? s.min : id == 5 ? s.max_value : s.min_value) = std::move(v);
    } else if (id == 3 && t == TType::kI64) {
      s.null_count = r.I64();
    } else {
      r.Skip(t);
    }
  });
  return s;
}

template <class F>
void ReadList(CompactReader& r, TType t, TType want, F&& each) {
  if (t != TType::kList) return r.Skip(t);
  r.List([&](TType et) {
    if (et != want) r.Fail("a list has elements of an unexpected type");
    each();
  });
}

void ReadColumnMeta(CompactReader& r, ColumnChunkMeta* c) {
  c->has_metadata = true;
  r.Struct([&](int16_t id, TType t) {
    switch (id) {
      case 1:
        if (t == TType::kI32) {
          c->type = static_cast<Physical>(r.I32());
          if (static_cast<int32_t>(c->type) < 0 || static_cast<int32_t>(c->type) > 7) r.Fail("unknown physical type");
          return;
        }
        break;
      case 2:
        return ReadList(r, t, TType::kI32, [&] { c->encodings.push_back(static_cast<Encoding>(r.I32())); });
      case 3:
        return ReadList(r, t, TType::kBinary, [&] { c->path.push_back(Str(r)); });
      case 4:
        if (t == TType::kI32) return void(c->codec = static_cast<Codec>(r.I32()));
        break;
      case 5:
        if (t == TType::kI64) return void(c->num_values = r.I64());
        break;
      case 6:
        if (t == TType::kI64) return void(c->total_uncompressed_size = r.I64());
        break;
      case 7:
        if (t == TType::kI64) return void(c->total_compressed_size = r.I64());
        break;
      case 9:
        if (t == TType::kI64) return void(c->data_page_offset = r.I64());
        break;
      case 11:
        if (t == TType::kI64) return void(c->dictionary_page_offset = r.I64());
        break;
      case 12:
        if (t == TType::kStruct) return void(c->statistics = ReadStatistics(r));
        break;
    }
    r.Skip(t);
  });
}

ColumnChunkMeta ReadColumnChunk(CompactReader& r) {
  ColumnChunkMeta c;
  r.Struct([&](int16_t id, TType t) {
    if (id == 1 && t == TType::kBinary) {
      c.external = !r.Binary().empty();
    } else if (id == 3 && t == TType::kStruct) {
      ReadColumnMeta(r, &c);
    } else if ((id == 8 || id == 9) && t != TType::kStop) {
      c.external = true;  // encrypted column: treated as unreadable
      r.Skip(t);
    } else {
      r.Skip(t);
    }
  });
  return c;
}

RowGroupMeta ReadRowGroup(CompactReader& r) {
  RowGroupMeta g;
  r.Struct([&](int16_t id, TType t) {
    if (id == 1)
      ReadList(r, t, TType::kStruct, [&] { g.columns.push_back(ReadColumnChunk(r)); });
    else if (id == 3 && t == TType::kI64)
      g.num_rows = r.I64();
    else
      r.Skip(t);
  });
  return g;
}

}  // namespace

FileMeta DecodeFileMeta(std::string_view bytes, uint64_t file_offset) {
  CompactReader r(bytes, file_offset);
  FileMeta m;
  r.Struct([&](int16_t id, TType t) {
    switch (id) {
      case 1:
        if (t == TType::kI32) return void(m.version = r.I32());
        break;
      case 2:
        return ReadList(r, t, TType::kStruct, [&] { m.schema.push_back(ReadSchemaElement(r)); });
      case 3:
        if (t == TType::kI64) return void(m.num_rows = r.I64());
        break;
      case 4:
        return ReadList(r, t, TType::kStruct, [&] { m.row_groups.push_back(ReadRowGroup(r)); });
      case 6:
        if (t == TType::kBinary) return void(m.created_by = Str(r));
        break;
      case 7:
        return ReadList(r, t, TType::kStruct, [&] {
          bool type_order = false;
          r.Struct([&](int16_t f, TType ft) {
            type_order = f == 1;
            r.Skip(ft);
          });
          m.type_order.push_back(type_order);
        });
      case 8:
        m.encrypted = true;
        break;
    }
    r.Skip(t);
  });
  return m;
}

PageHeader DecodePageHeader(std::string_view bytes, uint64_t file_offset, size_t* length) {
  CompactReader r(bytes, file_offset);
  PageHeader h;
  r.Struct([&](int16_t id, TType t) {
    switch (id) {
      case 1:
        if (t == TType::kI32) return void(h.type = static_cast<PageType>(r.I32()));
        break;
      case 2:
        if (t == TType::kI32) return void(h.uncompressed_size = r.I32());
        break;
      case 3:
        if (t == TType::kI32) return void(h.compressed_size = r.I32());
        break;
      case 5:
        if (t != TType::kStruct) break;
        h.has_data = true;
        return r.Struct([&](int16_t f, TType ft) {
          if (f == 1 && ft == TType::kI32)
            h.num_values = r.I32();
          else if (f == 2 && ft == TType::kI32)
            h.encoding = static_cast<Encoding>(r.I32());
          else if (f == 3 && ft == TType::kI32)
            h.definition_encoding = static_cast<Encoding>(r.I32());
          else if (f == 4 && ft == TType::kI32)
            h.repetition_encoding = static_cast<Encoding>(r.I32());
          else
            r.Skip(ft);
        });
      case 7:
        if (t != TType::kStruct) break;
        h.has_dictionary = true;
        return r.Struct([&](int16_t f, TType ft) {
          if (f == 1 && ft == TType::kI32)
            h.dictionary_num_values = r.I32();
          else if (f == 2 && ft == TType::kI32)
            h.dictionary_encoding = static_cast<Encoding>(r.I32());
          else
            r.Skip(ft);
        });
      case 8:
        if (t != TType::kStruct) break;
        h.has_data_v2 = true;
        return r.Struct([&](int16_t f, TType ft) {
          if (ft == TType::kI32 && f >= 1 && f <= 6) {
            int32_t v = r.I32();
            switch (f) {
              case 1:
                h.num_values = v;
                break;
              case 2:
                h.num_nulls = v;
                break;
              case 3:
                h.num_rows = v;
                break;
              case 4:
                h.encoding = static_cast<Encoding>(v);
                break;
              case 5:
                h.definition_levels_length = v;
                break;
              case 6:
                h.repetition_levels_length = v;
                break;
            }
          } else if (f == 7 && (ft == TType::kTrue || ft == TType::kFalse)) {
            h.is_compressed = r.Bool(ft);
          } else {
            r.Skip(ft);
          }
        });
    }
    r.Skip(t);
  });
  *length = r.position();
  return h;
}

}  // namespace kpic::rt::parquet
