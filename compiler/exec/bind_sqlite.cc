// `sqlite("shop.db", table: "orders")` and `--bind SOURCE=sqlite:PATH#TABLE`:
// a table or view of a SQLite file (runtime/sqlite_source.h).
#include <fmt/format.h>

#include "base/errors.h"
#include "exec/binding.h"
#include "sqlite_source.h"

namespace kpic::exec {

BindingKind SqliteBinding() {
  BindingKind k;
  k.name = "sqlite";
  k.uri_prefixes = {"sqlite:"};
  k.parse_uri = [](const std::string& source, const std::string& uri) {
    std::string rest = uri.substr(7);
    auto hash = rest.rfind('#');
    if (hash == std::string::npos)
      throw UsageError(fmt::format("--bind {}: a sqlite URI names its table: sqlite:path.db#table", source));
    return ResolvedBinding{"sqlite", rest.substr(0, hash), rest.substr(hash + 1)};
  };
  k.names_table = true;
  k.read = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>& cols, const rt::CsvOptions& o,
              ReadContext&) {
    return rt::ReadSqlite(b.path, b.table, cols, o);
  };
  return k;
}

}  // namespace kpic::exec
