// Lookup into the diagnostic code registry (codes.def) and the embedded
// documentation pages (docs/diagnostics/*.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"

namespace kpic {

struct DiagInfo {
  DiagCode code;
  std::string_view name;  ///< "E0201"
  Severity severity;
  std::string_view title;
};

const DiagInfo& InfoOf(DiagCode code);
std::string_view CodeName(DiagCode code);
const std::vector<DiagInfo>& AllDiagnostics();
std::optional<DiagCode> ParseCode(std::string_view name);

/// The markdown documentation page for a code, embedded at build time.
/// Empty when the page does not exist (the coverage test prevents that).
std::string_view DocPage(DiagCode code);

std::string_view SeverityName(Severity s);

}  // namespace kpic
