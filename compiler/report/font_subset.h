// Chinese that renders without system fonts: the HTML report embeds, as a
// WOFF2 data: URL, the few hundred glyphs its text needs, cut with HarfBuzz's
// subsetter from a CJK font installed on the machine that writes the report.
// The reader's machine then needs no CJK font. See docs/fonts.md for how the
// font is chosen, the embedding-permission policy and the sizes measured.
//
// This header is the library's only public one; it depends on the standard
// library alone, so callers do not see fontconfig, HarfBuzz or woff2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kpic::report {

/// A subset of an installed font, ready to inline into a report.
struct EmbeddedFont {
  std::string
      family;  ///< CSS family name to use in @font-face (prefixed "kpic ", so it never shadows an installed font)
  std::string woff2;        ///< the subset font, WOFF2 bytes
  std::string source;       ///< the font file it came from (for the report's metadata / --verbose)
  unsigned face_index = 0;  ///< the face inside `source` when it is a collection (.ttc), else 0
  /// Visible non-ASCII code points of the text that the chosen font lacks (empty when it covers them all);
  /// the browser shows these with its own fonts, so list them in a warning.
  std::vector<char32_t> uncovered;
};

/// The glyphs needed to show `utf8_text`, taken from a font on this machine that covers its
/// non-ASCII characters (CJK first), subset with HarfBuzz and compressed as WOFF2.
///
/// The font is found through fontconfig (so FONTCONFIG_FILE is honoured): the installed outline font
/// that covers most of the text's visible non-ASCII code points, preferring Noto Sans CJK SC, then
/// WenQuanYi Zen Hei, then any font for Simplified Chinese, then anything, regular weight first. A
/// font whose OS/2 fsType forbids embedding, subsetting or outline embedding is passed over. Besides
/// the text's own code points the subset keeps basic Latin and the punctuation reports use (¥ % − …
/// · × ÷ and CJK punctuation) when the font has them, so numbers can use the same font.
///
/// nullopt, with `*why` in plain words (when `why` is not null), when no installed font covers any of
/// them, or the covering fonts forbid embedding (OS/2 fsType), or the text needs no embedded font
/// (it has no visible non-ASCII character), or it needs more distinct characters than a report should
/// carry. Any bytes are accepted: invalid UTF-8 is skipped. The same text and font file give the same
/// bytes.
std::optional<EmbeddedFont> SubsetFontFor(std::string_view utf8_text, std::string* why);

/// `data:font/woff2;base64,...` for the font's bytes.
std::string FontDataUrl(const EmbeddedFont& font);

/// A CSS @font-face rule (regular weight, normal style) whose source is FontDataUrl(font); safe to put
/// inside an HTML <style> element. Use `font.family` first in the page's font-family list.
std::string FontFaceCss(const EmbeddedFont& font);

}  // namespace kpic::report
