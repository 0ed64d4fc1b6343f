// ReadParquet: the dataset's files, pruning, and the two reading threads
// (see reader.h).
#include "reader.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "dataset.h"
#include "file.h"

namespace kpic::rt {

using namespace parquet;

namespace {

/// A file to read: its footer, plans, partition values and row numbers.
struct FileState {
  DatasetFile entry;
  std::unique_ptr<ParquetFile> file;
  std::vector<ColumnPlan> plans;
  std::vector<Column> constants;  ///< per request: one row (its partition value), or empty
  std::vector<size_t> first_row;  ///< per row group: its first row's index in the file
};

struct Task {
  size_t file, rg;
};

struct BadValue {
  size_t row, column;
  std::string value, reason;
};

std::vector<Column> EmptyColumns(const std::vector<CsvColumnRequest>& requests) {
  std::vector<Column> cols(requests.size());
  for (size_t r = 0; r < requests.size(); ++r) {
    cols[r].name = requests[r].name;
    cols[r].type = requests[r].type;
    cols[r].scale = requests[r].scale;
  }
  return cols;
}

/// The partition values of a file as one-row columns (empty for requests
/// that are not partitions); DataError when a value is not of its type.
std::vector<Column> PartitionValues(const DatasetFile& f, const std::vector<CsvColumnRequest>& requests,
                                    const CsvOptions& options) {
  std::vector<Column> out = EmptyColumns(requests);
  for (size_t r = 0; r < requests.size(); ++r)
    for (size_t k = 0; k < f.partitions.size(); ++k) {
      if (f.partitions[k].first != requests[r].header) continue;
      if (f.partition_null[k]) {
        AppendNull(out[r]);
        break;
      }
      std::string why = AppendField(out[r], rt::Field{f.partitions[k].second, false}, options);
      if (!why.empty())
        throw DataError(f.path, 0, requests[r].name, f.partitions[k].second,
                        why + " (the value of the partition folder `" + f.partitions[k].first + "=...`)");
      break;
    }
  return out;
}

/// A constant column's statistics: its one value, or all null.
std::optional<ColumnStats> ConstantStats(const Column& c, size_t rows) {
  if (c.size() != 1) return std::nullopt;
  ColumnStats s;
  s.null_count = c.valid[0] ? 0 : static_cast<int64_t>(rows);
  s.has_range = c.valid[0];
  // A null holds no value (a Hive null partition, `store=__HIVE_DEFAULT_PARTITION__`:
  // its code was read past the end, and the run ran out of memory; role
  // probe, 2026-12-07).
  if (!c.valid[0]) return s;
  if (c.type == ColType::kString) {
    s.min_string = s.max_string = c.dict.At(c.codes[0]);
  } else if (c.type == ColType::kFloat) {
    s.min_float = s.max_float = c.floats[0];
  } else {
    s.min_int = s.max_int = c.ints[0];
  }
  return s;
}

/// Appends `rows` copies of a one-row column's value.
void AppendConstant(Column& to, const Column& value, size_t rows) {
  bool valid = value.valid[0];
  to.valid.insert(to.valid.end(), rows, valid ? 1 : 0);
  if (to.type == ColType::kString) {
    uint32_t code = valid ? to.dict.Intern(value.dict.At(value.codes[0])) : 0;
    to.codes.insert(to.codes.end(), rows, code);
  } else if (to.type == ColType::kFloat) {
    to.floats.insert(to.floats.end(), rows, valid ? value.floats[0] : 0.0);
  } else {
    to.ints.insert(to.ints.end(), rows, valid ? value.ints[0] : 0);
  }
}

/// Removes rows [from, from + n) marked in `drop` from every column.
void DropRows(std::vector<Column>& cols, size_t from, const std::vector<uint8_t>& drop) {
  auto compact = [&](auto& v) {
    if (v.size() < from + drop.size()) return;
    size_t w = from;
    for (size_t i = 0; i < drop.size(); ++i)
      if (!drop[i]) v[w++] = v[from + i];
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(w), v.begin() + static_cast<std::ptrdiff_t>(from + drop.size()));
  };
  for (Column& c : cols) {
    compact(c.valid);
    compact(c.ints);
    compact(c.floats);
    compact(c.codes);
  }
}

/// Appends all rows of `from` to `to`; string codes go through `remap`
/// (per column: `from`'s code to `to`'s), extended for new codes.
void AppendAll(std::vector<Column>& to, const std::vector<Column>& from, std::vector<std::vector<uint32_t>>& remap) {
  for (size_t c = 0; c < to.size(); ++c) {
    Column& a = to[c];
    const Column& b = from[c];
    a.valid.insert(a.valid.end(), b.valid.begin(), b.valid.end());
    if (a.type == ColType::kString) {
      std::vector<uint32_t>& m = remap[c];
      for (uint32_t k = static_cast<uint32_t>(m.size()); k < b.dict.size(); ++k)
        m.push_back(a.dict.Intern(b.dict.At(k)));
      size_t base = a.codes.size();
      a.codes.resize(base + b.codes.size());
      // A null row's code is 0 whether or not the part's dictionary has an
      // entry (a part of only nulls has none); it stays 0.
      for (size_t i = 0; i < b.codes.size(); ++i)
        a.codes[base + i] = b.valid[i] != 0 ? m.at(b.codes[i]) : 0;
    } else if (a.type == ColType::kFloat) {
      a.floats.insert(a.floats.end(), b.floats.begin(), b.floats.end());
    } else {
      a.ints.insert(a.ints.end(), b.ints.begin(), b.ints.end());
    }
  }
}

/// Rows decoded at a time when the table is read whole (they are
/// appended to the part's copy of the row group, then to the result).
constexpr size_t kWholeSlice = size_t{1} << 16;

/// Thrown to a thread waiting to commit when another has failed.
struct Stopped {};

class Reader {
 public:
  Reader(const std::vector<CsvColumnRequest>& requests, const CsvOptions& options, const ParquetOptions& parquet)
      : requests_(requests), options_(options), parquet_(parquet) {}

  TableData Run(const std::string& path) {
    Plan(path);
    result_.columns = EmptyColumns(requests_);
    if (!options_.on_chunk) {
      size_t rows = 0;
      for (const Task& t : tasks_)
        if (__builtin_add_overflow(rows, RowsOf(t), &rows)) rows = SIZE_MAX;
      if (parquet_.before_whole_read) parquet_.before_whole_read(rows, InMemoryBytes(requests_, rows));
      for (Column& c : result_.columns) {
        size_t n = std::min<size_t>(rows, size_t{1} << 26);  // a hint: claims are not trusted further
        c.valid.reserve(n);
        if (c.type == ColType::kFloat)
          c.floats.reserve(n);
        else if (c.type == ColType::kString)
          c.codes.reserve(n);
        else
          c.ints.reserve(n);
      }
    }
    int threads = std::max(1, std::min<int>(parquet_.threads, static_cast<int>(std::min<size_t>(tasks_.size(), 2))));
    if (options_.on_chunk) threads = std::max(threads, 1);
    parts_.resize(static_cast<size_t>(std::max(threads, 1)));
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) workers.emplace_back([this, t] { Work(t); });
    Work(0);
    for (std::thread& w : workers) w.join();
    if (error_) std::rethrow_exception(error_);
    if (parquet_.counts) *parquet_.counts = counts_;
    if (options_.on_chunk) {
      TableData counts;
      for (Part& p : parts_) {
        counts.rows += p.streamed;
        counts.skipped += p.skipped;
        for (BadRow& b : p.bad)
          if (counts.bad.size() < options_.max_reported) counts.bad.push_back(std::move(b));
      }
      return counts;
    }
    return std::move(result_);
  }

 private:
  struct Part {
    std::vector<Column> columns;
    std::vector<std::vector<uint32_t>> remap;  ///< whole-table: part codes to result codes
    RowGroupReader group;
    TableData chunk;  ///< streaming: the rows not handed over yet
    size_t streamed = 0, skipped = 0;
    std::vector<BadRow> bad;
  };

  void Plan(const std::string& path) {
    std::vector<DatasetFile> entries = ListDataset(path);
    for (DatasetFile& e : entries) {
      if (!parquet_.only_file.empty() && e.path != parquet_.only_file) continue;
      auto st = std::make_unique<FileState>();
      st->constants = PartitionValues(e, requests_, options_);
      // Partition pruning happens before the file is opened.
      std::vector<std::optional<ColumnStats>> stats(requests_.size());
      bool has_constant = false;
      for (size_t r = 0; r < requests_.size(); ++r)
        if ((stats[r] = ConstantStats(st->constants[r], 1))) has_constant = true;
      if (has_constant && HasRowsFrom(parquet_.filter, requests_, stats, 1)) counts_.rows_after = true;
      if (has_constant && !MayMatch(parquet_.filter, requests_, stats, 1)) {
        ++counts_.files_skipped;
        continue;
      }
      st->file = std::make_unique<ParquetFile>(e.path);
      std::vector<std::string> keys;
      for (const auto& kv : e.partitions) keys.push_back(kv.first);
      st->plans = PlanColumns(*st->file, requests_, keys, options_);
      st->entry = std::move(e);
      ++counts_.files;
      const FileMeta& m = st->file->meta();
      const size_t tasks_before = tasks_.size(), skipped_before = counts_.row_groups_skipped;
      size_t row = 0;
      for (size_t g = 0; g < m.row_groups.size(); ++g) {
        st->first_row.push_back(row);
        const size_t rows = static_cast<size_t>(m.row_groups[g].num_rows);
        row += rows;
        if (!parquet_.filter.empty()) {
          for (size_t r = 0; r < requests_.size(); ++r)
            stats[r] = st->plans[r].field
                           ? std::optional<ColumnStats>(DecodeStats(*st->file, g, st->plans[r], requests_[r].type))
                           : ConstantStats(st->constants[r], rows);
          if (HasRowsFrom(parquet_.filter, requests_, stats, rows)) counts_.rows_after = true;
          if (!MayMatch(parquet_.filter, requests_, stats, rows)) {
            ++counts_.row_groups_skipped;
            continue;
          }
        }
        if (rows == 0) continue;
        tasks_.push_back({files_.size(), g});
        ++counts_.row_groups;
      }
      // A file whose row groups were all ruled out was opened, not read.
      if (tasks_.size() == tasks_before && skipped_before < counts_.row_groups_skipped) {
        --counts_.files;
        ++counts_.files_skipped;
      }
      files_.push_back(std::move(st));
    }
  }

  void Work(int t) {
    Part& part = parts_[static_cast<size_t>(t)];
    part.columns = EmptyColumns(requests_);
    part.remap.resize(requests_.size());
    if (options_.on_chunk) part.chunk.columns = EmptyColumns(requests_);
    const size_t chunk_rows = std::max<size_t>(1, options_.chunk_rows);
    std::vector<BadValue> bad;
    for (;;) {
      size_t i = next_.fetch_add(1);
      if (i >= tasks_.size() || failed_.load()) break;
      try {
        const Task& task = tasks_[i];
        FileState& f = *files_[task.file];
        std::vector<Column>& cols = options_.on_chunk ? part.chunk.columns : part.columns;
        part.group.Start(*f.file, task.rg, f.plans, requests_, cols);
        size_t kept = 0;
        while (part.group.left() > 0) {
          // Streaming: a slice fills the chunk up to chunk_rows, and the
          // chunk is handed over while its rows are still in the cache (its
          // buffers are then reused). Whole: the row group in slices.
          const size_t room = options_.on_chunk ? chunk_rows - part.chunk.rows : kWholeSlice;
          const size_t n = std::min(part.group.left(), room);
          const size_t got = ReadSlice(task, f, n, cols, part, bad);
          if (!options_.on_chunk) {
            kept += got;
            continue;
          }
          part.chunk.rows += got;
          if (n == room && part.chunk.rows > 0) {
            part.streamed += part.chunk.rows;
            options_.on_chunk(t, part.chunk, false);
            for (Column& c : part.chunk.columns) c.Truncate(0);
            part.chunk.rows = 0;
          }
        }
        if (!options_.on_chunk) Commit(i, part, kept);
      } catch (const Stopped&) {
        break;
      } catch (...) {
        Fail(i);
        break;
      }
    }
    if (options_.on_chunk && !failed_.load()) {
      try {
        part.streamed += part.chunk.rows;
        options_.on_chunk(t, part.chunk, true);
      } catch (...) {
        Fail(tasks_.size());
      }
    }
  }

  size_t RowsOf(const Task& t) const {
    return static_cast<size_t>(files_[t.file]->file->meta().row_groups[t.rg].num_rows);
  }

  /// Reads the next `n` rows of a task's row group into `cols` (with their
  /// partition values), then applies the bad-row policy to them; returns
  /// the rows kept.
  size_t ReadSlice(const Task& t, FileState& f, size_t n, std::vector<Column>& cols, Part& part,
                   std::vector<BadValue>& bad) {
    const size_t start = cols.empty() ? 0 : cols[0].size();
    const size_t first = RowsOf(t) - part.group.left();  // the slice's first row in the row group
    bad.clear();
    part.group.Read(n, [&](size_t row, size_t column, std::string value, std::string reason) {
      bad.push_back({row, column, std::move(value), std::move(reason)});
    });
    for (size_t r = 0; r < cols.size(); ++r)
      if (!f.plans[r].field) AppendConstant(cols[r], f.constants[r], n);
    if (bad.empty()) return n;
    std::sort(bad.begin(), bad.end(), [](const BadValue& a, const BadValue& b) {
      return a.row != b.row ? a.row < b.row : a.column < b.column;
    });
    auto line = [&](size_t row) { return f.first_row[t.rg] + row + 1; };
    const std::string where = " (row group " + std::to_string(t.rg) + ")";
    if (!options_.skip_bad_rows) {
      const BadValue& b = bad[0];
      throw DataError(f.entry.path, line(b.row), requests_[b.column].name, b.value, b.reason + where);
    }
    std::vector<uint8_t> drop(n, 0);
    size_t dropped = 0;
    for (const BadValue& b : bad) {
      if (drop[b.row - first]) continue;
      drop[b.row - first] = 1;
      ++dropped;
      if (part.bad.size() < options_.max_reported)
        part.bad.push_back({line(b.row), requests_[b.column].name, b.value, b.reason + " in " + f.entry.path + where});
    }
    part.skipped += dropped;
    DropRows(cols, start, drop);
    return n - dropped;
  }

  /// Whole-table: appends task i's rows to the result once every earlier
  /// task's are there, so rows keep file and row-group order.
  void Commit(size_t i, Part& part, size_t kept) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return committed_ == i || failed_.load(); });
    if (failed_.load()) throw Stopped{};
    AppendAll(result_.columns, part.columns, part.remap);
    result_.rows += kept;
    result_.skipped += part.skipped;
    part.skipped = 0;
    for (BadRow& b : part.bad)
      if (result_.bad.size() < options_.max_reported) result_.bad.push_back(std::move(b));
    part.bad.clear();
    for (Column& c : part.columns) c.Truncate(0);
    committed_ = i + 1;
    cv_.notify_all();
  }

  /// Records the failure of task `i` (the lowest task's error wins, so the
  /// error is the first in file order whatever the threads' timing).
  void Fail(size_t i) {
    std::lock_guard lock(m_);
    if (!error_ || i < error_task_) {
      error_ = std::current_exception();
      error_task_ = i;
    }
    failed_ = true;
    cv_.notify_all();
  }

  const std::vector<CsvColumnRequest>& requests_;
  const CsvOptions& options_;
  const ParquetOptions& parquet_;
  std::vector<std::unique_ptr<FileState>> files_;
  std::vector<Task> tasks_;
  ParquetCounts counts_;
  std::vector<Part> parts_;
  TableData result_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex m_;
  std::condition_variable cv_;
  size_t committed_ = 0;
  std::exception_ptr error_;
  size_t error_task_ = SIZE_MAX;
};

}  // namespace

size_t InMemoryBytes(const std::vector<CsvColumnRequest>& columns, size_t rows) {
  size_t per_row = 0;
  for (const CsvColumnRequest& c : columns) per_row += (c.type == ColType::kString ? 4 : 8) + 1;
  size_t bytes;
  return __builtin_mul_overflow(per_row, rows, &bytes) ? SIZE_MAX : bytes;
}

ClaimedSize ClaimParquetSize(const std::string& path) {
  ClaimedSize out;
  for (const DatasetFile& f : ListDataset(path)) {
    try {
      ParquetFile file(f.path);
      if (__builtin_add_overflow(out.file_bytes, file.size(), &out.file_bytes)) out.file_bytes = SIZE_MAX;
      for (const RowGroupMeta& g : file.meta().row_groups)  // counts are not negative (ParquetFile checks)
        if (__builtin_add_overflow(out.rows, static_cast<uint64_t>(g.num_rows), &out.rows)) out.rows = SIZE_MAX;
    } catch (const DataError&) {
      std::error_code ec;
      auto bytes = std::filesystem::file_size(f.path, ec);
      if (!ec && __builtin_add_overflow(out.file_bytes, static_cast<size_t>(bytes), &out.file_bytes))
        out.file_bytes = SIZE_MAX;
    }
  }
  return out;
}

bool PartitionMayMatch(const parquet::DatasetFile& f, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options, const parquet::ParquetFilter& filter) {
  if (filter.empty()) return true;
  std::vector<Column> constants = PartitionValues(f, columns, options);
  std::vector<std::optional<parquet::ColumnStats>> stats(columns.size());
  bool has_constant = false;
  for (size_t r = 0; r < columns.size(); ++r)
    if ((stats[r] = ConstantStats(constants[r], 1))) has_constant = true;
  return !has_constant || parquet::MayMatch(filter, columns, stats, 1);
}

TableData ReadParquet(const std::string& path, const std::vector<CsvColumnRequest>& columns, const CsvOptions& options,
                      const ParquetOptions& parquet) {
  Reader reader(columns, options, parquet);
  return reader.Run(path);
}

}  // namespace kpic::rt
