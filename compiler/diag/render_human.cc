// The human renderer: a header line, the file position, the source line
// with carets under the primary span, secondary labels, then help notes.
// Carets are placed by terminal display width, so a line holding Chinese
// labels still gets its caret under the right character.
#include <fmt/format.h>

#include <algorithm>

#include "base/utf8.h"
#include "diag/registry.h"
#include "diag/render.h"

namespace kpic {
namespace {

constexpr size_t kMaxShownBytes = 200;

struct Colors {
  const char* bold = "";
  const char* red = "";
  const char* yellow = "";
  const char* blue = "";
  const char* cyan = "";
  const char* reset = "";
};

Colors MakeColors(bool on) {
  if (!on) return {};
  return {"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m", "\x1b[1;36m", "\x1b[0m"};
}

/// Replaces control characters and invalid bytes so that the line is safe to
/// print to a terminal; tabs become four spaces.
std::string Sanitize(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    i += DecodeUtf8(s, i, &cp);
    if (cp == '\t') {
      out += "    ";
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      AppendUtf8(&out, kReplacementChar);
    } else {
      AppendUtf8(&out, cp);
    }
  }
  return out;
}

/// Moves `pos` back to the start of a UTF-8 sequence.
size_t AlignBack(std::string_view s, size_t pos) {
  while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

struct Snippet {
  std::string text;      // sanitized line text (possibly a window of it)
  size_t caret_col = 0;  // display columns before the span
  size_t caret_width = 1;
};

Snippet MakeSnippet(const SourceManager& sm, Span span, uint32_t line) {
  const SourceFile& f = sm.Get(span.file);
  std::string_view full = sm.LineText(span.file, line);
  // The line as shown starts after a byte order mark (LineText).
  uint32_t line_start = static_cast<uint32_t>(full.data() - f.text.data());
  size_t rel_begin = std::min<size_t>(span.begin > line_start ? span.begin - line_start : 0, full.size());
  size_t rel_end = std::min<size_t>(std::max<size_t>(std::max(span.end, span.begin), line_start) - line_start,
                                    full.size());
  // Window very long lines around the span.
  size_t win_begin = 0, win_end = full.size();
  std::string prefix, suffix;
  if (full.size() > kMaxShownBytes) {
    win_begin = AlignBack(full, rel_begin > 60 ? rel_begin - 60 : 0);
    win_end = AlignBack(full, std::min(full.size(), win_begin + kMaxShownBytes));
    if (win_end <= rel_begin) win_end = std::min(full.size(), rel_begin + 1);
    if (win_begin > 0) prefix = "...";
    if (win_end < full.size()) suffix = "...";
    rel_end = std::min(rel_end, win_end);
  }
  Snippet s;
  std::string_view window = full.substr(win_begin, win_end - win_begin);
  s.text = prefix + Sanitize(window) + suffix;
  s.caret_col = prefix.size() + DisplayWidth(Sanitize(full.substr(win_begin, rel_begin - win_begin)));
  size_t w = DisplayWidth(Sanitize(full.substr(rel_begin, rel_end > rel_begin ? rel_end - rel_begin : 0)));
  s.caret_width = std::max<size_t>(1, w);
  return s;
}

}  // namespace

std::string RenderHuman(const SourceManager& sm, const Diagnostic& d, const HumanStyle& style) {
  Colors c = MakeColors(style.color);
  const char* sev_color = d.severity == Severity::kError ? c.red : d.severity == Severity::kWarning ? c.yellow : c.cyan;
  std::string out = fmt::format("{}{}[{}]{}{}: {}{}\n", sev_color, SeverityName(d.severity), CodeName(d.code), c.reset,
                                c.bold, d.message, c.reset);
  if (!d.span.valid()) {
    for (const std::string& n : d.notes) out += fmt::format("  {}={} {}\n", c.blue, c.reset, n);
    return out;
  }

  // Gutter width covers every line number we print.
  std::vector<std::pair<Span, Position>> spans;
  Position primary = sm.Resolve(d.span.file, d.span.begin);
  uint32_t max_line = primary.line;
  for (const auto& l : d.labels)
    if (l.span.valid()) max_line = std::max(max_line, sm.Resolve(l.span.file, l.span.begin).line);
  size_t gutter = fmt::format("{}", max_line).size();
  std::string pad(gutter, ' ');

  const SourceFile& f = sm.Get(d.span.file);
  out += fmt::format("{}{}-->{} {}:{}:{}\n", pad, c.blue, c.reset, PrintablePath(f.path), primary.line,
                     primary.char_column);
  // A file or folder that could not be read has no text to show.
  if (f.text.empty() && d.span.size() == 0 && d.labels.empty()) {
    for (const std::string& n : d.notes) out += fmt::format("{} {}={} {}\n", pad, c.blue, c.reset, n);
    return out;
  }
  out += fmt::format("{} {}|{}\n", pad, c.blue, c.reset);

  // A label on the line just shown gets only its own underline row.
  FileId shown_file = kNoFile;
  uint32_t shown_line = 0;
  auto emit_line = [&](Span span, const Position& pos, char mark, const std::string& label, const char* color) {
    Snippet s = MakeSnippet(sm, span, pos.line);
    if (span.file != shown_file || pos.line != shown_line)
      out += fmt::format("{}{:>{}} |{} {}\n", c.blue, pos.line, gutter, c.reset, s.text);
    shown_file = span.file;
    shown_line = pos.line;
    out += fmt::format("{} {}|{} {}{}{}", pad, c.blue, c.reset, std::string(s.caret_col, ' '), color,
                       std::string(s.caret_width, mark));
    if (!label.empty()) out += " " + label;
    out += fmt::format("{}\n", c.reset);
  };
  emit_line(d.span, primary, '^', d.span_label, sev_color);

  // Secondary labels, in the primary's file first, then others with a header.
  for (const auto& l : d.labels) {
    if (!l.span.valid()) continue;
    Position p = sm.Resolve(l.span.file, l.span.begin);
    if (l.span.file != d.span.file || p.line != primary.line) {
      if (l.span.file != d.span.file) {
        out +=
            fmt::format("{}{}:::{} {}:{}:{}\n", pad, c.blue, c.reset, PrintablePath(sm.Get(l.span.file).path), p.line,
                        p.char_column);
      }
      out += fmt::format("{} {}|{}\n", pad, c.blue, c.reset);
    }
    emit_line(l.span, p, '-', l.message, c.blue);
  }
  if (!d.notes.empty()) {
    out += fmt::format("{} {}|{}\n", pad, c.blue, c.reset);
    for (const std::string& n : d.notes) out += fmt::format("{} {}={} {}\n", pad, c.blue, c.reset, n);
  }
  return out;
}

std::string RenderGcc(const SourceManager& sm, const Diagnostic& d) {
  if (!d.span.valid()) return fmt::format("kpic: {}: {} [{}]\n", SeverityName(d.severity), d.message, CodeName(d.code));
  Position p = sm.Resolve(d.span.file, d.span.begin);
  std::string out = fmt::format("{}:{}:{}: {}: {} [{}]\n", PrintablePath(sm.Get(d.span.file).path), p.line, p.byte_column,
                                SeverityName(d.severity), d.message, CodeName(d.code));
  for (const auto& l : d.labels) {
    if (!l.span.valid()) continue;
    Position lp = sm.Resolve(l.span.file, l.span.begin);
    out += fmt::format("{}:{}:{}: note: {}\n", PrintablePath(sm.Get(l.span.file).path), lp.line, lp.byte_column, l.message);
  }
  return out;
}

std::string RenderSummary(size_t errors, size_t warnings, size_t suppressed) {
  std::string out;
  auto plural = [](size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  if (errors == 0 && warnings == 0) return out;
  if (errors > 0 && warnings > 0)
    out = plural(errors, "error") + ", " + plural(warnings, "warning");
  else if (errors > 0)
    out = plural(errors, "error");
  else
    out = plural(warnings, "warning");
  if (suppressed > 0) out += fmt::format(" ({} more not shown)", suppressed);
  return out;
}

}  // namespace kpic
