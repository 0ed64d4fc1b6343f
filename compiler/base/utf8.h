// UTF-8 decoding that never fails: an invalid byte decodes as U+FFFD and
// consumes exactly one byte, so byte offsets stay meaningful. Also terminal
// display widths, so carets line up under Chinese text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kpic {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

/// Decodes one code point at `pos` (< s.size()). Returns the number of bytes
/// consumed (1 to 4). Invalid, overlong or truncated sequences and surrogates
/// give U+FFFD and consume one byte.
size_t DecodeUtf8(std::string_view s, size_t pos, uint32_t* cp);

/// Returns the byte offset of the first invalid sequence, or npos.
size_t FindInvalidUtf8(std::string_view s);

/// Appends the UTF-8 encoding of `cp`.
void AppendUtf8(std::string* out, uint32_t cp);

/// Columns a code point occupies in a terminal: 0, 1 or 2 (East Asian wide).
int DisplayWidth(uint32_t cp);

/// Display width of a UTF-8 string (tabs count as 4).
size_t DisplayWidth(std::string_view s);

/// Text safe to print on a terminal: control characters (C0, DEL, C1) as
/// `\xNN` or `\u{NN}`, the bidirectional embeddings, overrides and
/// isolates and the line and paragraph separators as `\u{202e}`, a
/// backslash doubled, invalid UTF-8 as U+FFFD, so
/// that no label or value can move the cursor or pass for another line.
std::string Printable(std::string_view in);
/// Printable without doubling backslashes: for file paths, which are shown
/// as they are typed.
std::string PrintablePath(std::string_view in);
/// PrintablePath line by line: a message's own line breaks are kept.
std::string PrintableLines(std::string_view in);

/// The bidirectional embeddings, overrides and isolates (U+202A to U+202E,
/// U+2066 to U+2069) and the line and paragraph separators (U+2028,
/// U+2029): characters that can reorder or break the text after them.
bool IsBidiOrSeparator(uint32_t cp);
/// `in` with those characters, and the C1 controls (U+0080 to U+009F), as
/// `\u{202e}`; the rest unchanged.
std::string EscapeBidi(std::string_view in);

/// Number of code points in a UTF-8 string.
size_t CodePointCount(std::string_view s);

/// Whether a text holds Chinese: a character of U+3000 to U+9FFF (CJK
/// punctuation and the unified ideographs), whose UTF-8 lead bytes are
/// 0xE3 to 0xE9.
inline bool HasChinese(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0xE3 && c <= 0xE9) return true;
  return false;
}

}  // namespace kpic
