// Reads a PostgreSQL table or view (libpq) into the same columnar form as
// CSV, with the same conversion rules; declared types are checked against
// the server's column types first.
#pragma once

#include <string>
#include <vector>

#include "csv.h"

namespace kpic::rt {

/// `uri` is a libpq connection URI (`postgresql://user@host:port/db`);
/// `table` is `schema.table` or `table` (schema `public`). Errors name the
/// URI with any password masked.
TableData ReadPostgres(const std::string& uri, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options);

/// The URI with the password replaced by `***`.
std::string MaskPassword(const std::string& uri);

}  // namespace kpic::rt
