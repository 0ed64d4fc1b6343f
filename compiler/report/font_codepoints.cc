// The code points of a report's text (see font_codepoints.h).
#include "report/font_codepoints.h"

#include <hb.h>

#include <memory>

namespace kpic::report {

namespace {

// Kept in every subset when the font has them, so that numbers, units and
// punctuation around the Chinese labels come from the same font: basic Latin
// is added as a range below; these are the rest (¥ ° ± · × ÷ – — ‘ ’ “ ” …
// ‰ − ← ↑ → ↓ ▲ ▼, the CJK full stop, comma, brackets and full-width forms).
constexpr uint32_t kReportPunctuation[] = {
    0x00A5, 0x00B0, 0x00B1, 0x00B7, 0x00D7, 0x00F7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
    0x2026, 0x2030, 0x2212, 0x2190, 0x2191, 0x2192, 0x2193, 0x25B2, 0x25BC, 0x3001, 0x3002, 0x300A,
    0x300B, 0x3010, 0x3011, 0xFF01, 0xFF05, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F, 0xFFE5,
};

// Slices of this many bytes keep HarfBuzz's buffer (20 bytes a code point)
// small whatever the size of the text.
constexpr size_t kSliceBytes = 1 << 16;

// Where a slice starting at `begin` should end: at most kSliceBytes on, moved
// back (at most three bytes) off UTF-8 continuation bytes so that no valid
// sequence is cut in two.
size_t SliceEnd(std::string_view s, size_t begin) {
  if (s.size() - begin <= kSliceBytes) return s.size();
  size_t end = begin + kSliceBytes;
  for (int back = 0; back < 3 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80; ++back) --end;
  return end;
}

// Nothing to draw, or nothing a font should be chosen for: controls, format
// characters (zero-width joiners, the BOM), surrogates, private use,
// unassigned code points, and line and paragraph separators.
bool Invisible(hb_unicode_general_category_t category) {
  switch (category) {
    case HB_UNICODE_GENERAL_CATEGORY_CONTROL:
    case HB_UNICODE_GENERAL_CATEGORY_FORMAT:
    case HB_UNICODE_GENERAL_CATEGORY_SURROGATE:
    case HB_UNICODE_GENERAL_CATEGORY_PRIVATE_USE:
    case HB_UNICODE_GENERAL_CATEGORY_UNASSIGNED:
    case HB_UNICODE_GENERAL_CATEGORY_LINE_SEPARATOR:
    case HB_UNICODE_GENERAL_CATEGORY_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return false;
  }
}

// Scripts shown right without any glyph substitution: one glyph per code
// point (Hangul as precomposed syllables). Anything else, and combining
// marks, may need the font's GSUB.
bool NeedsSubstitution(hb_unicode_funcs_t* funcs, hb_unicode_general_category_t category, uint32_t cp) {
  switch (category) {
    case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
      return true;
    default:
      break;
  }
  switch (hb_unicode_script(funcs, cp)) {
    case HB_SCRIPT_COMMON:
    case HB_SCRIPT_LATIN:
    case HB_SCRIPT_GREEK:
    case HB_SCRIPT_CYRILLIC:
    case HB_SCRIPT_HAN:
    case HB_SCRIPT_HIRAGANA:
    case HB_SCRIPT_KATAKANA:
    case HB_SCRIPT_BOPOMOFO:
    case HB_SCRIPT_HANGUL:
      return false;
    default:
      return true;
  }
}

std::vector<uint32_t> ToVector(const hb_set_t* set) {
  std::vector<uint32_t> out;
  out.reserve(hb_set_get_population(set));
  for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(set, &cp);) out.push_back(cp);
  return out;
}

}  // namespace

TextCodePoints CodePointsOf(std::string_view utf8_text) {
  std::unique_ptr<hb_set_t, decltype(&hb_set_destroy)> seen(hb_set_create(), hb_set_destroy);
  std::unique_ptr<hb_buffer_t, decltype(&hb_buffer_destroy)> buffer(hb_buffer_create(), hb_buffer_destroy);
  for (size_t begin = 0; begin < utf8_text.size();) {
    size_t end = SliceEnd(utf8_text, begin);
    hb_buffer_clear_contents(buffer.get());
    hb_buffer_add_utf8(buffer.get(), utf8_text.data() + begin, static_cast<int>(end - begin), 0,
                       static_cast<int>(end - begin));
    unsigned length = 0;
    const hb_glyph_info_t* infos = hb_buffer_get_glyph_infos(buffer.get(), &length);
    for (unsigned i = 0; i < length; ++i) hb_set_add(seen.get(), infos[i].codepoint);
    begin = end;
  }
  // Invalid sequences decoded as U+FFFD; any font's, or the browser's, does for that.
  hb_set_del(seen.get(), 0xFFFD);

  hb_unicode_funcs_t* funcs = hb_unicode_funcs_get_default();
  std::unique_ptr<hb_set_t, decltype(&hb_set_destroy)> required(hb_set_create(), hb_set_destroy);
  std::unique_ptr<hb_set_t, decltype(&hb_set_destroy)> wanted(hb_set_create(), hb_set_destroy);
  bool needs_substitution = false;
  for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(seen.get(), &cp);) {
    hb_unicode_general_category_t category = hb_unicode_general_category(funcs, cp);
    if (Invisible(category)) continue;
    hb_set_add(wanted.get(), cp);
    // A space (U+3000, U+00A0) is kept for its width but never decides the font.
    if (cp >= 0x80 && category != HB_UNICODE_GENERAL_CATEGORY_SPACE_SEPARATOR) {
      hb_set_add(required.get(), cp);
      needs_substitution = needs_substitution || NeedsSubstitution(funcs, category, cp);
    }
  }
  hb_set_add_range(wanted.get(), 0x20, 0x7E);
  for (uint32_t cp : kReportPunctuation) hb_set_add(wanted.get(), cp);
  return {ToVector(required.get()), ToVector(wanted.get()), needs_substitution};
}

}  // namespace kpic::report
