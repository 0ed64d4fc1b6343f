// UTF-8 decoding and display widths.
#include "base/utf8.h"

#include <cstdio>
#include <cstring>

namespace kpic {

size_t DecodeUtf8(std::string_view s, size_t pos, uint32_t* cp) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c0 = b(pos);
  size_t left = s.size() - pos;
  if (c0 < 0x80) {
    *cp = c0;
    return 1;
  }
  auto cont = [&](size_t i) { return i < left && (b(pos + i) & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF && cont(1)) {
    *cp = ((c0 & 0x1Fu) << 6) | (b(pos + 1) & 0x3Fu);
    return 2;
  }
  if (c0 >= 0xE0 && c0 <= 0xEF && cont(1) && cont(2)) {
    uint32_t v = ((c0 & 0x0Fu) << 12) | ((b(pos + 1) & 0x3Fu) << 6) | (b(pos + 2) & 0x3Fu);
    if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
      *cp = v;
      return 3;
    }
  }
  if (c0 >= 0xF0 && c0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    uint32_t v =
        ((c0 & 0x07u) << 18) | ((b(pos + 1) & 0x3Fu) << 12) | ((b(pos + 2) & 0x3Fu) << 6) | (b(pos + 3) & 0x3Fu);
    if (v >= 0x10000 && v <= 0x10FFFF) {
      *cp = v;
      return 4;
    }
  }
  *cp = kReplacementChar;
  return 1;
}

size_t FindInvalidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // Eight ASCII bytes at a time (most of a .kpi file).
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    size_t n = DecodeUtf8(s, i, &cp);
    if (cp == kReplacementChar && n == 1) {
      // A literal U+FFFD is three bytes, so a one-byte replacement is an error.
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int DisplayWidth(uint32_t cp) {
  if (cp == 0) return 0;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  // Combining marks (the common blocks).
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F)) return 0;
  // East Asian Wide and Fullwidth ranges (abridged from UAX #11).
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    i += DecodeUtf8(s, i, &cp);
    w += cp == '\t' ? 4 : DisplayWidth(cp);
  }
  return w;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    i += DecodeUtf8(s, i, &cp);
    ++n;
  }
  return n;
}

bool IsBidiOrSeparator(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

std::string EscapeBidi(std::string_view in) {
  // Also the C1 controls (U+0080 to U+009F, C2 80 to C2 9F): U+009B starts
  // a terminal control sequence as ESC [ does (data probe, 2026-12-07).
  if (in.find('\xE2') == std::string_view::npos && in.find('\xC2') == std::string_view::npos) return std::string(in);
  std::string out;
  for (size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(in, i, &cp);
    if (IsBidiOrSeparator(cp) || (cp >= 0x80 && cp < 0xA0)) {
      char esc[12];
      std::snprintf(esc, sizeof esc, "\\u{%x}", static_cast<unsigned>(cp));
      out += esc;
    } else {
      out.append(in.substr(i, n));
    }
    i += n;
  }
  return out;
}

namespace {

/// The invisible format characters (general category Cf) that data may not
/// hold (runtime/csv.cc, InvisibleCharacter), but the zero-width joiners,
/// which emoji and some scripts need: shown escaped, so that `s2` and `s2`
/// with a zero-width space do not print alike (review, 2026-12-07).
bool IsInvisibleFormat(uint32_t cp) {
  return cp == 0x00AD || cp == 0x061C || cp == 0x180E || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
}

std::string Escape(std::string_view in, bool backslashes) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(in, i, &cp);
    char esc[16];
    if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned>(cp));
      out += esc;
    } else if ((cp >= 0x80 && cp < 0xA0) || IsBidiOrSeparator(cp) || IsInvisibleFormat(cp)) {
      std::snprintf(esc, sizeof esc, "\\u{%x}", static_cast<unsigned>(cp));
      out += esc;
    } else if (cp == '\\' && backslashes) {
      out += "\\\\";
    } else if (cp == kReplacementChar) {
      AppendUtf8(&out, cp);
    } else {
      out.append(in.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string Printable(std::string_view in) { return Escape(in, true); }
std::string PrintablePath(std::string_view in) { return Escape(in, false); }

std::string PrintableLines(std::string_view in) {
  std::string out;
  for (size_t start = 0;;) {
    size_t nl = in.find('\n', start);
    out += Escape(in.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start), false);
    if (nl == std::string_view::npos) return out;
    out += '\n';
    start = nl + 1;
  }
}

}  // namespace kpic
