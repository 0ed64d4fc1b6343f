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
/// Whether `n` definition levels are one RLE run of 1s (every row a value,
/// as writers encode an optional column's page without nulls), read from
/// its header alone; false for anything else, which DecodeLevels reads.
bool AllValues(const uint8_t* data, size_t size, size_t n) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  uint64_t header = 0;
  try {
    header = ReadUleb(&p, end);
  } catch (const FormatError&) {
    return false;
  }
  return (header & 1) == 0 && (header >> 1) >= n && p < end && *p == 1;
}

size_t DecodeLevels(const uint8_t* data, size_t size, size_t n, uint8_t* out) {
  RleDecoder rle(data, size, 1);
  rle.GetBytes(out, n);
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
  // Cleared, not replaced: the vectors keep their memory for the next chunk.
  dict.ints.clear();
  dict.floats.clear();
  dict.codes.clear();
  dict.bad.clear();
  dict.why.clear();
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

void ColumnChunkReader::Start(const uint8_t* bytes, size_t size, uint64_t file_offset, Codec codec, size_t rows,
                              bool optional, const ValueContext& ctx) {
  if (!CodecSupported(codec))
    throw FormatError("the column is compressed with " + CodecName(codec) +
                      ", which kpic cannot read (it reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW)");
  bytes_ = bytes;
  size_ = size;
  file_offset_ = file_offset;
  codec_ = codec;
  rows_ = rows;
  optional_ = optional;
  ctx_ = ctx;
  pos_ = done_ = started_ = 0;
  have_dict_ = false;
  page_rows_ = page_done_ = 0;
  levels_ = nullptr;
  values_.reset();
}

void ColumnChunkReader::Read(size_t n, const BadRowFn& bad) {
  if (n > left()) throw FormatError("asked for more rows than the column chunk has left");
  while (n > 0) {
    if (page_done_ == page_rows_) NextPage();
    const size_t k = std::min(n, page_rows_ - page_done_);
    try {
      Append(*values_, levels_ ? levels_ + page_done_ : nullptr, k, done_, *ctx_.column, bad);
    } catch (const FormatError& e) {
      throw FormatError("page at byte offset " + std::to_string(page_offset_) + ": " + e.what());
    }
    page_done_ += k;
    done_ += k;
    n -= k;
  }
}

bool ColumnChunkReader::OneCompressedPage() const {
  if (codec_ == Codec::kUncompressed) return false;
  size_t data_pages = 0;
  try {
    for (size_t pos = 0; pos < size_;) {
      size_t header_len = 0;
      PageHeader h = DecodePageHeader(std::string_view(reinterpret_cast<const char*>(bytes_ + pos), size_ - pos),
                                      file_offset_ + pos, &header_len);
      if (h.compressed_size < 0 || static_cast<size_t>(h.compressed_size) > size_ - pos - header_len) return false;
      pos += header_len + static_cast<size_t>(h.compressed_size);
      if (h.type == PageType::kDataPageV2 && (!h.has_data_v2 || !h.is_compressed)) return false;
      if (h.type == PageType::kDataPage || h.type == PageType::kDataPageV2) ++data_pages;
    }
  } catch (const FormatError&) {
    return false;
  }
  return data_pages == 1;
}

void ColumnChunkReader::Detach() {
  if (left() > 0 && page_done_ == page_rows_) NextPage();
  bytes_ = nullptr;
  size_ = pos_ = 0;
}

void ColumnChunkReader::NextPage() {
  values_.reset();
  for (;;) {
    if (pos_ >= size_)
      throw FormatError("the column chunk (at byte offset " + std::to_string(file_offset_) + ") ends after " +
                        std::to_string(started_) + " of its " + std::to_string(rows_) + " values");
    const uint64_t page_offset = file_offset_ + pos_;
    try {
      size_t header_len = 0;
      PageHeader h = DecodePageHeader(std::string_view(reinterpret_cast<const char*>(bytes_ + pos_), size_ - pos_),
                                      page_offset, &header_len);
      pos_ += header_len;
      if (h.compressed_size < 0 || h.uncompressed_size < 0 || static_cast<size_t>(h.compressed_size) > size_ - pos_)
        throw FormatError("the page's size runs past the end of the column chunk");
      const uint8_t* body = bytes_ + pos_;
      const size_t body_size = static_cast<size_t>(h.compressed_size);
      const size_t full_size = static_cast<size_t>(h.uncompressed_size);
      pos_ += body_size;
      if (full_size > kMaxPageBytes)
        throw FormatError("a page of " + std::to_string(full_size) + " bytes is too large");
      // The page's bytes from `skip` on, uncompressed.
      auto expand = [&](size_t skip) -> const uint8_t* {
        if (skip > body_size || skip > full_size) throw FormatError("the page's levels are longer than the page");
        if (codec_ == Codec::kUncompressed) {
          if (body_size != full_size) throw FormatError("an uncompressed page's two sizes differ");
          return body + skip;
        }
        uint8_t* out = page_.Reserve(full_size - skip);
        Decompress(codec_, body + skip, body_size - skip, out, full_size - skip);
        return out;
      };
      if (h.type == PageType::kDictionaryPage) {
        if (!h.has_dictionary) throw FormatError("a dictionary page has no dictionary header");
        if (have_dict_ || started_ > 0) throw FormatError("a second dictionary page, or one after data pages");
        ReadDictionary(h, expand(0), full_size, ctx_, dict_);
        have_dict_ = true;
        continue;
      }
      if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) continue;  // index pages: not needed
      if (h.type == PageType::kDataPage ? !h.has_data : !h.has_data_v2)
        throw FormatError("a data page has no data page header");
      if (h.num_values < 0 || static_cast<size_t>(h.num_values) > rows_ - started_)
        throw FormatError("a data page has " + std::to_string(h.num_values) + " values, more than the " +
                          std::to_string(rows_ - started_) + " rows left in the row group");
      const size_t n = static_cast<size_t>(h.num_values);
      const uint8_t* values;
      size_t values_size, count = n;
      const uint8_t* levels = nullptr;
      if (h.type == PageType::kDataPage) {
        const uint8_t* page = expand(0);
        values = page;
        values_size = full_size;
        if (optional_) {
          if (h.definition_encoding != Encoding::kRle)
            throw FormatError("definition levels in " + EncodingName(h.definition_encoding) +
                              ", which kpic cannot read");
          if (values_size < 4 || Le32(values) > values_size - 4)
            throw FormatError("the definition levels' length runs past the end of the page");
          size_t len = Le32(values);
          if (!AllValues(values + 4, len, n)) {
            levels = level_buf_.Reserve(n);
            count = DecodeLevels(values + 4, len, n, level_buf_.data());
          }
          values += 4 + len;
          values_size -= 4 + len;
        }
      } else {
        if (h.definition_levels_length < 0 || h.repetition_levels_length != 0)
          throw FormatError("a flat column's page has repetition levels or a negative level length");
        const size_t def_len = static_cast<size_t>(h.definition_levels_length);
        if (def_len > body_size || def_len > full_size)
          throw FormatError("the definition levels are longer than the page");
        if (optional_) {
          if (!AllValues(body, def_len, n)) {
            levels = level_buf_.Reserve(n);
            count = DecodeLevels(body, def_len, n, level_buf_.data());
          }
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
      if (count == n) levels = nullptr;  // no nulls: every row is a value
      values_.emplace(h.encoding, values, values_size, count, ctx_, have_dict_ ? &dict_ : nullptr);
      started_ += n;
      if (n == 0) {
        values_.reset();
        continue;
      }
      page_offset_ = page_offset;
      page_rows_ = n;
      page_done_ = 0;
      levels_ = levels;
      return;
    } catch (const FormatError& e) {
      throw FormatError("page at byte offset " + std::to_string(page_offset) + ": " + e.what());
    }
  }
}

}  // namespace kpic::rt::parquet
