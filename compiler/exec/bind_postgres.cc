// `postgres(uri: "postgresql://...", schema: "shop", table: "orders")` and
// `--bind SOURCE=postgresql://...#schema.table`: rows through a server-side
// cursor in chunks (runtime/postgres_source.h), always streamed, because a
// table's size is not known before reading it.
#include <fmt/format.h>

#include "base/errors.h"
#include "exec/binding.h"
#include "postgres_source.h"

namespace kpic::exec {

BindingKind PostgresBinding() {
  BindingKind k;
  k.name = "postgres";
  k.aliases = {"postgresql"};
  k.uri_prefixes = {"postgresql://", "postgres://"};
  k.parse_uri = [](const std::string& source, const std::string& uri) {
    auto hash = uri.rfind('#');
    if (hash == std::string::npos)
      throw UsageError(
          fmt::format("--bind {}: a postgresql URI names its table: postgresql://...#schema.table", source));
    return ResolvedBinding{"postgres", uri.substr(0, hash), uri.substr(hash + 1)};
  };
  k.relative_paths = false;
  k.names_table = true;
  k.read = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>& cols, const rt::CsvOptions& o,
              ReadContext&) {
    return rt::ReadPostgres(b.path, b.table, cols, o);
  };
  k.streams = true;
  k.size = [](const ResolvedBinding&, const std::vector<rt::CsvColumnRequest>&) -> std::optional<size_t> {
    return std::nullopt;
  };
  return k;
}

}  // namespace kpic::exec
