// The source manager owns every file's text. The rest of the compiler refers
// to text by byte spans; line and column numbers are computed only at the
// output edge (renderers, LSP), through the queries below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpic {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

/// A half-open byte range [begin, end) in one file.
struct Span {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  uint32_t size() const { return end - begin; }
};

/// A position resolved for display. Lines are 1-based; every column is
/// 1-based and counts a different unit, because each consumer wants its own.
struct Position {
  uint32_t line = 1;
  uint32_t byte_column = 1;   ///< gcc-style consumers
  uint32_t char_column = 1;   ///< code points: human, JSON, SARIF
  uint32_t utf16_column = 1;  ///< LSP default
};

struct SourceFile {
  FileId id = kNoFile;
  std::string path;                   ///< as given by the user (relative paths stay relative)
  std::string text;                   ///< raw bytes, possibly invalid UTF-8
  std::vector<uint32_t> line_starts;  ///< byte offset of each line start
};

class SourceManager {
 public:
  /// Adds a file's text and returns its id. The text is kept verbatim.
  FileId Add(std::string path, std::string text);

  const SourceFile& Get(FileId id) const { return files_[id]; }
  size_t size() const { return files_.size(); }

  /// Resolves a byte offset (clamped to the file size) to a position.
  Position Resolve(FileId id, uint32_t offset) const;

  /// The text of line `line` (1-based), without its line terminator.
  std::string_view LineText(FileId id, uint32_t line) const;

  std::string_view Text(Span span) const;

 private:
  std::vector<SourceFile> files_;
};

}  // namespace kpic
