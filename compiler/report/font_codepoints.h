// Which code points a report's text needs from an embedded font: the
// visible non-ASCII ones the font must cover, and the wider set worth keeping
// when the font has them (the text's ASCII, basic Latin, report punctuation).
// Decoding goes through HarfBuzz's UTF-8 reader, which never fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kpic::report {

/// The code points of a text, each list ascending and without repeats.
struct TextCodePoints {
  /// Visible non-ASCII code points (not controls, format characters, spaces, private use, unassigned or
  /// U+FFFD): a font is chosen for covering these.
  std::vector<uint32_t> required;
  /// `required`, plus the text's other printable code points, basic Latin and the punctuation reports
  /// use: what the subset keeps of them is whatever the chosen font has.
  std::vector<uint32_t> wanted;
  /// Some required code point is a combining mark or belongs to a script that needs glyph substitution
  /// to be shown right (Arabic, the Indic scripts, Thai...): the subset must then keep GSUB.
  bool needs_substitution = false;
};

/// The code points of `utf8_text`. Invalid UTF-8 sequences are skipped; memory stays bounded for huge
/// texts (they are decoded in slices).
TextCodePoints CodePointsOf(std::string_view utf8_text);

}  // namespace kpic::report
