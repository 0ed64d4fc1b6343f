// The tables a run has read, and the lookup columns joined into them.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "exec/sources.h"
#include "plan/plan.h"

namespace kpic::exec {

/// A lookup key W0701 gives as its example: `K`, or the empty text (it
/// showed ``: probe, 2026-12-06).
inline std::string KeyExample(const std::string& k) { return k.empty() ? "the empty text" : "`" + k + "`"; }

struct Tables {
  std::map<std::string, SourceData> by_source;  ///< catalog key -> data
  std::map<std::string, std::map<std::string, size_t>> column_index;
  std::deque<rt::Column> joined;  ///< lookup columns built for scans
  std::vector<Warning> warnings;

  /// Adds a source's data, indexing its columns by name.
  void Add(SourceData d);
  const rt::Column& Column(const std::string& source, const std::string& column) const;
};

/// Joins a scan column's lookup path many-to-one: row i of the scanned
/// source gets the value of the last column of the path in the referenced
/// row, or null when the key is not found (counted and reported as a
/// warning). A duplicated key in the referenced source is a DataError,
/// since it would count rows twice.
const rt::Column* JoinPath(const plan::Plan& p, Tables& t, const plan::ScanColumn& sc);

}  // namespace kpic::exec
