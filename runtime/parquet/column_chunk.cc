// Reading a column chunk's pages (see column_chunk.h).
#include "column_chunk.h"

#include <algorithm>
#include <cstring>

#include "rle.h"

namespace kpic::rt::parquet {

namespace {

/// Values are decoded in batches of this many rows: the column grows only
/// as values are decoded, and a batch's values stay in the core's cache.
constexpr size_t kBatch = 8192;

template <class T>
std::vector<T>& Storage(Column& col);
template <>
std::vector<int64_t>& Storage(Column& col) {
  return col.ints;
}
template <>
std::vector<double>& Storage(Column& col) {
  return col.floats;
}
template <>
std::vector<uint32_t>& Storage(Column& col) {
  return col.codes;
}

void Decode(PageValues& pv, int64_t* out, size_t n, const BadFn& bad) { pv.Ints(out, n, bad); }
void Decode(PageValues& pv, double* out, size_t n, const BadFn& bad) { pv.Floats(out, n, bad); }
void Decode(PageValues& pv, uint32_t* out, size_t n, const BadFn& bad) { pv.Codes(out, n, bad); }

/// Appends a page's `n` rows: `levels` (1 value, 0 null; nullptr when
/// all are values) and the values from `pv`.
template <class T>
void AppendRows(PageValues& pv, const uint8_t* levels, size_t n, size_t first_row, Column& col,
                const BadRowFn& bad_row) {
  std::vector<T>& out = Storage<T>(col);
  for (size_t off = 0; off < n; off += kBatch) {
    const size_t b = std::min(kBatch, n - off);
    const uint8_t* lv = levels ? levels + off : nullptr;
    size_t k = b;
    if (lv) k = static_cast<size_t>(std::count(lv, lv + b, uint8_t{1}));
    const size_t base = out.size();
    out.resize(base + b);
    T* dst = out.data() + base;
    BadFn bad = [&](size_t i, std::string value, std::string reason) {
      size_t row = i;  // the i-th value's row in the batch
      if (lv)
        for (size_t j = 0, seen = 0; j < b; ++j)
          if (lv[j] && seen++ == i) {
            row = j;
            break;
          }
      bad_row(first_row + off + row, std::move(value), std::move(reason));
    };
    Decode(pv, dst, k, bad);
    if (lv) {
      if (k < b) {
        // Spread the values to their rows, from the back, in place.
        size_t src = k;
        for (size_t j = b; j-- > 0;) dst[j] = lv[j] ? dst[--src] : T{};
      }
      col.valid.insert(col.valid.end(), lv, lv + b);
    } else {
      col.valid.resize(col.valid.size() + b, 1);
    }
  }
}

void Append(PageValues& pv, const uint8_t* levels, size_t n, size_t first_row, Column& col, const BadRowFn& bad) {
  if (col.type == ColType::kFloat)
    AppendRows<double>(pv, levels, n, first_row, col, bad);
  else if (col.type == ColType::kString)
    AppendRows<uint32_t>(pv, levels, n, first_row, col, bad);
  else
    AppendRows<int64_t>(pv, levels, n, first_row, col, bad);
}

/// Decodes `n` definition levels (max level 1) into `out`; returns how
/// many are 1.
size_t DecodeLevels(const uint8_t* data, size_t size, size_t n, std::vector<uint8_t>& out) {
  out.resize(n);
  RleDecoder rle(data, size, 1);
  rle.GetBytes(out.data(), n);
  size_t ones = 0;
  for (size_t i = 0; i < n; ++i) {
    if (out[i] > 1) throw FormatError("a definition level is above the column's maximum (1)");
    ones += out[i];
  }
  return ones;
}

uint32_t Le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void ReadDictionary(const PageHeader& h, const uint8_t* data, size_t size, const ValueContext& ctx, Dictionary& dict) {
  if (h.dictionary_encoding != Encoding::kPlain && h.dictionary_encoding != Encoding::kPlainDictionary)
    throw FormatError("a dictionary page uses the encoding " + EncodingName(h.dictionary_encoding) +
                      ", which kpic cannot read");
  if (h.dictionary_num_values < 0) throw FormatError("a dictionary page has a negative size");
  size_t n = static_cast<size_t>(h.dictionary_num_values);
  // Every PLAIN value takes at least a bit: a larger count is corrupt, and
  // nothing is sized by it.
  if (n > size * 8) throw FormatError("a dictionary page claims more entries than it has bytes");
  dict = Dictionary{};
  dict.size = n;
  PageValues pv(Encoding::kPlain, data, size, n, ctx, nullptr);
  BadFn bad = [&](size_t i, std::string value, std::string reason) {
    if (dict.bad.empty()) {
      dict.bad.assign(n, 0);
      dict.why.resize(n);
    }
    dict.bad[i] = 1;
    dict.why[i] = {std::move(value), std::move(reason)};
  };
  switch (ctx.column->type) {
    case ColType::kFloat:
      dict.floats.resize(n);
      pv.Floats(dict.floats.data(), n, bad);
      break;
    case ColType::kString:
      dict.codes.resize(n);
      pv.Codes(dict.codes.data(), n, bad);
      break;
    default:
      dict.ints.resize(n);
      pv.Ints(dict.ints.data(), n, bad);
  }
}

}  // namespace

void ReadColumnChunk(const uint8_t* bytes, size_t size, uint64_t file_offset, Codec codec, size_t rows, bool optional,
                     const ValueContext& ctx, ChunkScratch& scratch, const BadRowFn& bad) {
  if (!CodecSupported(codec))
    throw FormatError("the column is compressed with " + CodecName(codec) +
                      ", which kpic cannot read (it reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW)");
  size_t pos = 0, done = 0;
  bool have_dict = false;
  while (done < rows) {
    if (pos >= size)
      throw FormatError("the column chunk (at byte offset " + std::to_string(file_offset) + ") ends after " +
                        std::to_string(done) + " of its " + std::to_string(rows) + " values");
    const uint64_t page_offset = file_offset + pos;
    try {
      size_t header_len = 0;
      PageHeader h = DecodePageHeader(std::string_view(reinterpret_cast<const char*>(bytes + pos), size - pos),
                                      page_offset, &header_len);
      pos += header_len;
      if (h.compressed_size < 0 || h.uncompressed_size < 0 || static_cast<size_t>(h.compressed_size) > size - pos)
        throw FormatError("the page's size runs past the end of the column chunk");
      const uint8_t* body = bytes + pos;
      const size_t body_size = static_cast<size_t>(h.compressed_size);
      const size_t full_size = static_cast<size_t>(h.uncompressed_size);
      pos += body_size;
      if (full_size > kMaxPageBytes)
        throw FormatError("a page of " + std::to_string(full_size) + " bytes is too large");
      // The page's bytes from `skip` on, uncompressed.
      auto expand = [&](size_t skip) -> const uint8_t* {
        if (skip > body_size || skip > full_size) throw FormatError("the page's levels are longer than the page");
        if (codec == Codec::kUncompressed) {
          if (body_size != full_size) throw FormatError("an uncompressed page's two sizes differ");
          return body + skip;
        }
        uint8_t* out = scratch.page.Reserve(full_size - skip);
        Decompress(codec, body + skip, body_size - skip, out, full_size - skip);
        return out;
      };
      if (h.type == PageType::kDictionaryPage) {
        if (!h.has_dictionary) throw FormatError("a dictionary page has no dictionary header");
        if (have_dict || done > 0) throw FormatError("a second dictionary page, or one after data pages");
        ReadDictionary(h, expand(0), full_size, ctx, scratch.dict);
        have_dict = true;
        continue;
      }
      if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) continue;  // index pages: not needed
      if (h.type == PageType::kDataPage ? !h.has_data : !h.has_data_v2)
        throw FormatError("a data page has no data page header");
      if (h.num_values < 0 || static_cast<size_t>(h.num_values) > rows - done)
        throw FormatError("a data page has " + std::to_string(h.num_values) + " values, more than the " +
                          std::to_string(rows - done) + " rows left in the row group");
      const size_t n = static_cast<size_t>(h.num_values);
      const uint8_t* values;
      size_t values_size, count = n;
      const uint8_t* levels = nullptr;
      if (h.type == PageType::kDataPage) {
        const uint8_t* page = expand(0);
        values = page;
        values_size = full_size;
        if (optional) {
          if (h.definition_encoding != Encoding::kRle)
            throw FormatError("definition levels in " + EncodingName(h.definition_encoding) +
                              ", which kpic cannot read");
          if (values_size < 4 || Le32(values) > values_size - 4)
            throw FormatError("the definition levels' length runs past the end of the page");
          size_t len = Le32(values);
          count = DecodeLevels(values + 4, len, n, scratch.levels);
          levels = scratch.levels.data();
          values += 4 + len;
          values_size -= 4 + len;
        }
      } else {
        if (h.definition_levels_length < 0 || h.repetition_levels_length != 0)
          throw FormatError("a flat column's page has repetition levels or a negative level length");
        const size_t def_len = static_cast<size_t>(h.definition_levels_length);
        if (def_len > body_size || def_len > full_size)
          throw FormatError("the definition levels are longer than the page");
        if (optional) {
          count = DecodeLevels(body, def_len, n, scratch.levels);
          levels = scratch.levels.data();
          if (h.num_nulls < 0 || count != n - std::min(n, static_cast<size_t>(h.num_nulls)))
            throw FormatError("the page's null count disagrees with its definition levels");
        } else if (def_len != 0 || h.num_nulls != 0) {
          throw FormatError("a required column's page has nulls");
        }
        if (h.is_compressed) {
          values = expand(def_len);
        } else {
          if (body_size != full_size) throw FormatError("an uncompressed page's two sizes differ");
          values = body + def_len;
        }
        values_size = full_size - def_len;
      }
      PageValues pv(h.encoding, values, values_size, count, ctx, have_dict ? &scratch.dict : nullptr);
      Append(pv, levels, n, done, *ctx.column, bad);
      done += n;
    } catch (const FormatError& e) {
      throw FormatError("page at byte offset " + std::to_string(page_offset) + ": " + e.what());
    }
  }
}

}  // namespace kpic::rt::parquet
