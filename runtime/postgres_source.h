// Reads a PostgreSQL table or view (libpq) into the same columnar form as
// CSV, with the same conversion rules; declared types are checked against
// the server's column types first.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csv.h"

namespace kpic::rt {

/// `uri` is a libpq connection URI (`postgresql://user@host:port/db`);
/// `table` is `schema.table` or `table` (schema `public`). Errors name the
/// URI with any password masked.
TableData ReadPostgres(const std::string& uri, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options);

/// A value check of kpic's inside the SQL failed (a decimal with too many
/// places, a float that is not finite): PostgreSQL's message names the
/// source, column and value, but no row. Told from other failures by the
/// message's text alone, which a row's value could imitate: under a role it
/// is not shown either (DatabaseMessageError).
class PgValueError : public DatabaseMessageError {
 public:
  using DatabaseMessageError::DatabaseMessageError;
};

/// A connection for the queries of `kpic run --engine postgres`: kpic's own
/// SQL, results as text. Errors are DataErrors naming the URI (password
/// masked) and what was being done.
class PgSession {
 public:
  explicit PgSession(const std::string& uri);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  struct Rows {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
  };
  /// Runs one statement; `what` names it in errors (`the scan of orders`).
  Rows Query(const std::string& sql, const std::string& what);
  /// Checks that `table` (`schema.table` or `table`) exists with columns of
  /// compatible types (as ReadPostgres does); returns the server's type of
  /// each requested column, in order.
  std::vector<std::string> CheckColumns(const std::string& table, const std::vector<CsvColumnRequest>& columns);
  const std::string& uri() const { return shown_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string shown_;
};

/// The URI with the password replaced by `***`.
std::string MaskPassword(const std::string& uri);

}  // namespace kpic::rt
