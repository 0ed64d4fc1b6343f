// The diagnostic record and the sink that collects diagnostics. Every stage
// reports through a DiagnosticSink; nothing in the compiler prints directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/source_manager.h"

namespace kpic {

enum class DiagCode {
#define KPIC_DIAG(code, severity, title) code,
#include "diag/codes.def"
#undef KPIC_DIAG
};

enum class Severity { kError, kWarning, kNote };

/// A secondary span with its own message ("previous definition is here").
struct DiagLabel {
  Span span;
  std::string message;
};

/// A machine-applicable edit: replace `span` with `replacement`.
struct Fix {
  Span span;
  std::string replacement;
  std::string message;
};

struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::kError;
  std::string message;             ///< lowercase, no trailing period, names in backticks
  Span span;                       ///< primary span; may be empty (a point)
  std::string span_label;          ///< text under the primary carets, may be empty
  std::vector<DiagLabel> labels;   ///< secondary spans
  std::vector<std::string> notes;  ///< "help: ..." / "note: ..." lines
  std::vector<Fix> fixes;
  /// Past the per-file limit: this diagnostic is discarded, so callers may
  /// skip the work of decorating it (suggestions scan every name).
  bool dropped = false;

  Diagnostic& Label(Span s, std::string msg) {
    labels.push_back({s, std::move(msg)});
    return *this;
  }
  Diagnostic& Help(std::string msg) {
    notes.push_back("help: " + std::move(msg));
    return *this;
  }
  Diagnostic& Note(std::string msg) {
    notes.push_back("note: " + std::move(msg));
    return *this;
  }
  Diagnostic& WithFix(Span s, std::string replacement, std::string msg) {
    fixes.push_back({s, std::move(replacement), std::move(msg)});
    return *this;
  }
  /// For a value outside a closed list, written at `span`: "did you mean
  /// `x`?" with a fix replacing it, when a candidate is close; else
  /// "expected one of: a, b, c".
  Diagnostic& HelpClosest(std::string_view written, Span span, const std::vector<std::string>& candidates);
};

/// Collects diagnostics in report order. Caps the number per file
/// (`--max-errors`, 50 by default) so that a binary blob or a generated file
/// with many mistakes reports in seconds, with a count of what was left out.
class DiagnosticSink {
 public:
  static constexpr size_t kMaxPerFile = 50;
  void set_max_per_file(size_t n) { max_per_file_ = n == 0 ? 1 : n; }
  size_t max_per_file() const { return max_per_file_; }
  /// Diagnostics dropped per file (by file id).
  const std::vector<size_t>& suppressed_per_file() const { return suppressed_per_file_; }

  /// Adds a diagnostic with the registry's default severity for its code and
  /// returns it for further decoration (labels, help, fixes).
  Diagnostic& Report(DiagCode code, Span span, std::string message);

  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  size_t error_count() const;
  size_t warning_count() const;
  /// Also when the errors were all left out by the cap (kept warnings
  /// before them must not make a broken package pass).
  bool has_errors() const { return error_count() > 0 || suppressed_errors_ > 0; }
  /// Number of diagnostics dropped because a file hit kMaxPerFile.
  size_t suppressed() const { return suppressed_; }

  /// Sorts by file, then offset, keeping report order for ties.
  void SortByPosition();

 private:
  std::vector<Diagnostic> diags_;
  std::vector<std::vector<size_t>> per_file_;  ///< per file, the indices in diags_ of those kept
  std::vector<size_t> suppressed_per_file_;
  size_t suppressed_ = 0;
  size_t suppressed_errors_ = 0;
  size_t max_per_file_ = kMaxPerFile;
  Diagnostic overflow_;  ///< returned when a diagnostic is dropped
};

}  // namespace kpic
