// `csv("path", delimiter: ";", null: ["", "NA"], date_format: "%d/%m/%Y")`
// and `--bind SOURCE=csv:PATH`: the RFC 4180 reader (runtime/csv.h), which
// streams large files in chunks on two threads.
#include <filesystem>

#include "exec/binding.h"

namespace kpic::exec {

BindingKind CsvBinding() {
  BindingKind k;
  k.name = "csv";
  k.uri_prefixes = {"csv:"};
  k.parse_uri = [](const std::string&, const std::string& uri) { return ResolvedBinding{"csv", uri.substr(4), ""}; };
  k.read = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>& cols, const rt::CsvOptions& o,
              ReadContext&) {
    return rt::ReadCsv(b.path, cols, o);
  };
  k.streams = true;
  k.size = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>&) -> std::optional<size_t> {
    std::error_code ec;
    auto bytes = std::filesystem::file_size(b.path, ec);
    if (ec) return std::nullopt;
    return static_cast<size_t>(bytes);
  };
  return k;
}

}  // namespace kpic::exec
