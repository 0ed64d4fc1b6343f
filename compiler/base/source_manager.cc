// Implementation of the source manager's position queries.
#include "base/source_manager.h"

#include <algorithm>

#include "base/utf8.h"

namespace kpic {

FileId SourceManager::Add(std::string path, std::string text) {
  SourceFile f;
  f.id = static_cast<FileId>(files_.size());
  f.path = std::move(path);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  for (uint32_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(f));
  return files_.back().id;
}

Position SourceManager::Resolve(FileId id, uint32_t offset) const {
  const SourceFile& f = files_[id];
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(f.text.size()));
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  uint32_t line_index = static_cast<uint32_t>(it - f.line_starts.begin()) - 1;
  uint32_t start = f.line_starts[line_index];
  Position p;
  p.line = line_index + 1;
  std::string_view prefix(f.text.data() + start, offset - start);
  // A byte order mark is invisible in editors, so it takes no column, not
  // even a byte one (`--format gcc` counted its 3 bytes: CLI probe,
  // 2026-12-07); an editor that keeps the mark strips it from the buffer.
  if (start == 0 && prefix.substr(0, 3) == "\xEF\xBB\xBF") prefix.remove_prefix(3);
  p.byte_column = static_cast<uint32_t>(prefix.size()) + 1;
  uint32_t chars = 0, units = 0;
  for (size_t i = 0; i < prefix.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(prefix, i, &cp);
    i += n;
    ++chars;
    units += cp >= 0x10000 ? 2 : 1;
  }
  p.char_column = chars + 1;
  p.utf16_column = units + 1;
  return p;
}

std::string_view SourceManager::LineText(FileId id, uint32_t line) const {
  const SourceFile& f = files_[id];
  if (line == 0 || line > f.line_starts.size()) return {};
  uint32_t start = f.line_starts[line - 1];
  uint32_t end = line < f.line_starts.size() ? f.line_starts[line] : static_cast<uint32_t>(f.text.size());
  std::string_view s(f.text.data() + start, end - start);
  if (start == 0 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);  // shown without the mark, as columns count
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view SourceManager::Text(Span span) const {
  if (!span.valid()) return {};
  const std::string& t = files_[span.file].text;
  uint32_t b = std::min<uint32_t>(span.begin, t.size());
  uint32_t e = std::min<uint32_t>(std::max(span.end, b), t.size());
  return std::string_view(t.data() + b, e - b);
}

}  // namespace kpic
