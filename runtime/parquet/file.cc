// Opening a Parquet file, planning its columns, reading a row group.
#include "file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kpic::rt::parquet {

namespace {

/// The largest footer kpic reads.
constexpr uint64_t kMaxFooter = uint64_t{256} << 20;

std::string Declared(const CsvColumnRequest& r) {
  return std::string(ColTypeName(r.type)) + (r.type == ColType::kDecimal ? "(" + std::to_string(r.scale) + ")" : "");
}

}  // namespace

ParquetFile::ParquetFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw DataError(path_, 0, "", "", std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw DataError(path_, 0, "", "", "not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  try {
    if (size_ < 12)
      throw DataError(path_, 0, "", "", "not a Parquet file: it has only " + std::to_string(size_) + " bytes");
    uint8_t head[4], tail[8];
    ReadAt(0, 4, head);
    ReadAt(size_ - 8, 8, tail);
    if (std::memcmp(tail + 4, "PARE", 4) == 0)
      throw DataError(path_, 0, "", "", "the file is an encrypted Parquet file, which kpic cannot read");
    if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0)
      throw DataError(path_, 0, "", "", "not a Parquet file (no PAR1 magic at its start and end)");
    uint32_t len;
    std::memcpy(&len, tail, 4);
    if (len > size_ - 12 || len > kMaxFooter)
      throw DataError(
          path_, 0, "", "",
          "corrupt Parquet file: the footer's length (" + std::to_string(len) + " bytes) does not fit in the file");
    std::string footer(len, '\0');
    const uint64_t at = size_ - 8 - len;
    ReadAt(at, len, reinterpret_cast<uint8_t*>(footer.data()));
    try {
      meta_ = DecodeFileMeta(footer, at);
      if (meta_.encrypted) throw FormatError("the file is encrypted");
      schema_ = Flatten(meta_);
      for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
        const RowGroupMeta& rg = meta_.row_groups[g];
        if (rg.columns.size() != schema_.leaves)
          throw FormatError("row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) +
                            " column chunks for " + std::to_string(schema_.leaves) + " columns");
        if (rg.num_rows < 0 || rg.num_rows > INT32_MAX)
          throw FormatError("row group " + std::to_string(g) + " claims " + std::to_string(rg.num_rows) + " rows");
      }
    } catch (const FormatError& e) {
      throw DataError(path_, 0, "", "", std::string("corrupt Parquet footer: ") + e.what());
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

ParquetFile::~ParquetFile() { ::close(fd_); }

void ParquetFile::ReadAt(uint64_t offset, size_t n, uint8_t* out) const {
  if (offset > size_ || n > size_ - offset)
    throw DataError(path_, 0, "", "",
                    "corrupt Parquet file: bytes " + std::to_string(offset) + ".." + std::to_string(offset + n) +
                        " are past its end (" + std::to_string(size_) + " bytes)");
  for (size_t got = 0; got < n;) {
    ssize_t r = ::pread(fd_, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw DataError(path_, 0, "", "",
                      r < 0 ? std::string("cannot read: ") + std::strerror(errno) : "the file became shorter");
    got += static_cast<size_t>(r);
  }
}

std::vector<ColumnPlan> PlanColumns(const ParquetFile& file, const std::vector<CsvColumnRequest>& requests,
                                    const std::vector<std::string>& partitions, const CsvOptions& options) {
  std::vector<ColumnPlan> plans(requests.size());
  const FlatSchema& schema = file.schema();
  for (size_t r = 0; r < requests.size(); ++r) {
    const CsvColumnRequest& req = requests[r];
    const FileColumn* f = schema.Find(req.header);
    if (!f) {
      if (std::find(partitions.begin(), partitions.end(), req.header) != partitions.end()) continue;
      std::string list;
      for (size_t i = 0; i < schema.fields.size() && i < 20; ++i) list += (i ? ", " : "") + schema.fields[i].name;
      throw DataError(file.path(), 0, req.name, "",
                      "missing: the Parquet file has no column `" + req.header + "` (it has: " + list + ")", false);
    }
    // As the CSV reader does with a header: which of two columns of one
    // name is meant cannot be told (other readers take the first, the
    // last, or rename one).
    for (const FileColumn& other : schema.fields)
      if (&other != f && other.name == req.header)
        throw DataError(file.path(), 0, req.name, "", "the Parquet file has two columns named `" + req.header + "`",
                        false);
    const SchemaElement& e = file.meta().schema[static_cast<size_t>(f->element)];
    if (f->group || f->repeated)
      throw DataError(file.path(), 0, req.name, "",
                      "column `" + req.header + "` is " + (f->group ? "nested (a group)" : "repeated (a list)") +
                          "; kpic reads flat columns only",
                      false);
    ColumnPlan& p = plans[r];
    p.field = f;
    p.element = &e;
    p.kind = KindOf(e);
    std::string why = Incompatible(p.kind, req.type, req.scale);
    if (!why.empty())
      throw DataError(
          file.path(), 0, req.name, "",
          "is declared `" + Declared(req) + "` but the Parquet file has `" + DescribeType(e) + "` (" + why + ")",
          false);
    p.convert.emplace(p.kind, *e.type, req.type, req.scale, options);
  }
  return plans;
}

void RowGroupReader::Fail(size_t c, const std::string& why) const {
  throw DataError(file_->path(), 0, (*requests_)[c].name, "",
                  "corrupt or unreadable Parquet data in row group " + std::to_string(rg_) +
                      " (column chunk at byte offset " + std::to_string(start_[c]) + "): " + why,
                  false);
}

void RowGroupReader::Start(const ParquetFile& file, size_t rg, const std::vector<ColumnPlan>& plans,
                           const std::vector<CsvColumnRequest>& requests, std::vector<Column>& columns) {
  file_ = &file;
  rg_ = rg;
  requests_ = &requests;
  const RowGroupMeta& g = file.meta().row_groups[rg];
  rows_ = static_cast<size_t>(g.num_rows);
  done_ = 0;
  planned_.clear();
  start_.assign(plans.size(), 0);
  if (readers_.size() < plans.size()) readers_.resize(plans.size());
  if (bytes_.size() < plans.size()) bytes_.resize(plans.size());
  for (size_t c = 0; c < plans.size(); ++c) {
    const ColumnPlan& p = plans[c];
    if (!p.field) continue;
    const ColumnChunkMeta& m = g.columns[static_cast<size_t>(p.field->leaf)];
    int64_t start = m.data_page_offset;
    if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 && *m.dictionary_page_offset < start)
      start = *m.dictionary_page_offset;
    start_[c] = start < 0 ? 0 : static_cast<uint64_t>(start);
    if (!m.has_metadata || m.external) {
      start_[c] = 0;
      Fail(c, "the column chunk's data is not in this file");
    }
    if (m.type != *p.element->type) Fail(c, "the column chunk's type disagrees with the schema");
    if (start < 4 || m.total_compressed_size < 0 || static_cast<uint64_t>(start) > file.size() ||
        static_cast<uint64_t>(m.total_compressed_size) > file.size() - static_cast<uint64_t>(start))
      Fail(c, "the column chunk lies outside the file");
    // A chunk that is one compressed page (as DuckDB writes them) is
    // decompressed now and its bytes let go, so that one buffer serves
    // every such column; another chunk keeps the buffer its bytes are in.
    const size_t size = static_cast<size_t>(m.total_compressed_size);
    uint8_t* bytes = shared_.Reserve(size);
    file.ReadAt(static_cast<uint64_t>(start), size, bytes);
    ValueContext ctx{m.type, p.element->type_length, &*p.convert, &columns[c]};
    try {
      readers_[c].Start(bytes, size, static_cast<uint64_t>(start), m.codec, rows_, p.field->optional, ctx);
      if (readers_[c].OneCompressedPage()) {
        readers_[c].Detach();
      } else {
        std::swap(bytes_[c], shared_);  // the column keeps the buffer that holds its bytes
      }
    } catch (const FormatError& e) {
      Fail(c, e.what());
    }
    planned_.push_back(c);
  }
}

void RowGroupReader::Read(size_t n, const BadValueFn& bad) {
  for (size_t c : planned_) {
    try {
      readers_[c].Read(n, [&](size_t row, std::string value, std::string reason) {
        bad(row, c, std::move(value), std::move(reason));
      });
    } catch (const FormatError& e) {
      Fail(c, e.what());
    }
  }
  done_ += n;
}

}  // namespace kpic::rt::parquet
