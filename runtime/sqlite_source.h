// Reads a SQLite table or view into the same columnar form as CSV, with the
// same conversion rules (values are read as text and converted exactly, so
// a REAL that cannot be an exact decimal(n) is an error, not rounded).
#pragma once

#include <string>
#include <vector>

#include "csv.h"

namespace kpic::rt {

/// `uri` is used in messages (`sqlite:path#table`). Throws DataError for a
/// missing database, table or column, a declared type that cannot hold the
/// source's type, and bad values (the "line" of a value is its row number).
TableData ReadSqlite(const std::string& path, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                     const CsvOptions& options);

}  // namespace kpic::rt
