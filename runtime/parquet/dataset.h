// A Parquet dataset: one file, a folder (every *.parquet under it,
// recursively), or a glob (glob(3): `*`, `?`, `[...]` in any component;
// a matched folder counts as its files). Files are sorted by path. Folders
// named `key=value` between the dataset's root and a file are Hive-style
// partitions: columns with one value for the whole file.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kpic::rt::parquet {

struct DatasetFile {
  std::string path;
  /// Partition columns from the folders, outermost first: name, value
  /// (percent-decoded; `__HIVE_DEFAULT_PARTITION__` is null, value "").
  std::vector<std::pair<std::string, std::string>> partitions;
  std::vector<bool> partition_null;
};

/// The files of a dataset; DataError naming `path` when it matches none.
std::vector<DatasetFile> ListDataset(const std::string& path);

}  // namespace kpic::rt::parquet
