// The diagnostic sink.
#include "diag/diagnostic.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/suggest.h"
#include "diag/registry.h"

namespace kpic {

Diagnostic& Diagnostic::HelpClosest(std::string_view written, Span span, const std::vector<std::string>& candidates) {
  if (auto s = Suggest(written, candidates)) {
    Help(fmt::format("did you mean `{}`?", *s));
    return WithFix(span, *s, fmt::format("replace with `{}`", *s));
  }
  return Help(fmt::format("expected one of: {}", fmt::join(candidates, ", ")));
}

Diagnostic& DiagnosticSink::Report(DiagCode code, Span span, std::string message) {
  if (span.valid()) {
    if (per_file_.size() <= span.file) per_file_.resize(span.file + 1);
    if (per_file_[span.file] >= max_per_file_) {
      ++suppressed_;
      if (suppressed_per_file_.size() <= span.file) suppressed_per_file_.resize(span.file + 1);
      ++suppressed_per_file_[span.file];
      overflow_ = Diagnostic{};
      overflow_.dropped = true;
      return overflow_;
    }
    ++per_file_[span.file];
  }
  Diagnostic d;
  d.code = code;
  d.severity = InfoOf(code).severity;
  d.span = span;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
  return diags_.back();
}

size_t DiagnosticSink::error_count() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

size_t DiagnosticSink::warning_count() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
}

void DiagnosticSink::SortByPosition() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    return a.span.begin < b.span.begin;
  });
}

}  // namespace kpic
