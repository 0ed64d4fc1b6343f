// The code registry as data, generated from codes.def.
#include "diag/registry.h"

#include <algorithm>

namespace kpic {

// Defined in the build-generated diag_docs.cc.
std::string_view EmbeddedDocPage(std::string_view code);

const std::vector<DiagInfo>& AllDiagnostics() {
  static const std::vector<DiagInfo> all = {
#define KPIC_DIAG(code, severity, title) {DiagCode::code, #code, Severity::k##severity, title},
#include "diag/codes.def"
#undef KPIC_DIAG
  };
  return all;
}

const DiagInfo& InfoOf(DiagCode code) { return AllDiagnostics()[static_cast<size_t>(code)]; }

std::string_view CodeName(DiagCode code) { return InfoOf(code).name; }

std::optional<DiagCode> ParseCode(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const DiagInfo& info : AllDiagnostics())
    if (info.name == upper) return info.code;
  return std::nullopt;
}

std::string_view DocPage(DiagCode code) { return EmbeddedDocPage(CodeName(code)); }

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

}  // namespace kpic
