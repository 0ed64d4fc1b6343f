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
  Diagnostic d;
  d.code = code;
  d.severity = InfoOf(code).severity;
  d.span = span;
  d.message = std::move(message);
  if (span.valid()) {
    if (per_file_.size() <= span.file) per_file_.resize(span.file + 1);
    std::vector<size_t>& kept = per_file_[span.file];
    if (kept.size() >= max_per_file_) {
      // The file's first diagnostics by position are kept, whatever order
      // the checker met them in (by name, m1 m10 m11 ..., it kept lines 2-6
      // and 11-55 of 60 and left 7-10 out: CLI probe, 2026-12-07): a later
      // one is dropped, an earlier one takes the place of the latest kept.
      ++suppressed_;
      if (suppressed_per_file_.size() <= span.file) suppressed_per_file_.resize(span.file + 1);
      ++suppressed_per_file_[span.file];
      size_t latest = kept.front();
      for (size_t i : kept)
        if (diags_[i].span.begin >= diags_[latest].span.begin) latest = i;
      if (span.begin >= diags_[latest].span.begin) {
        if (d.severity == Severity::kError) ++suppressed_errors_;
        overflow_ = Diagnostic{};
        overflow_.dropped = true;
        return overflow_;
      }
      if (diags_[latest].severity == Severity::kError) ++suppressed_errors_;
      diags_[latest] = std::move(d);
      return diags_[latest];
    }
    kept.push_back(diags_.size());
  }
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
  for (std::vector<size_t>& kept : per_file_) kept.clear();
  for (size_t i = 0; i < diags_.size(); ++i)
    if (diags_[i].span.valid()) per_file_[diags_[i].span.file].push_back(i);
}

}  // namespace kpic
