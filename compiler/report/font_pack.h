// Cutting a font down to a set of code points with HarfBuzz's subsetter and
// compressing the result as WOFF2: the two steps that turn an installed
// font into bytes a report can carry.
#pragma once

#include <hb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpic::report {

/// How the subset is made. The defaults are what reports use; docs/fonts.md has the measurements
/// behind them.
struct PackOptions {
  /// Keep GSUB (glyph substitution). Off by default: for Chinese in a Simplified Chinese face nothing in
  /// it is needed (its lookups are other regions' forms, vertical forms and alternates) and keeping it
  /// pulls in those glyphs, +60% in size. Turn it on for scripts that need shaping. GPOS (kerning, the
  /// halving of full-width punctuation) is always kept, HarfBuzz's default features only: +4%.
  bool keep_substitutions = false;
  /// Inline CFF subroutines: a larger font that Brotli makes smaller.
  bool desubroutinize = true;
  /// WOFF2's Brotli quality, 0 to 11. Quality 5 takes a few milliseconds; 10 and 11 take 70 to 200 ms
  /// for a report's few hundred glyphs, for 8% fewer bytes.
  int brotli_quality = 5;
};

/// The glyphs of `face` for `codepoints` (those it lacks are ignored), without hinting, as WOFF2
/// bytes. nullopt, with `*why`, when HarfBuzz or the WOFF2 encoder fails. Deterministic: the same face
/// and code points give the same bytes. Not to be called while other threads write to stderr (see
/// font_pack.cc).
std::optional<std::string> SubsetToWoff2(hb_face_t* face, const std::vector<uint32_t>& codepoints, std::string* why,
                                         const PackOptions& options = {});

}  // namespace kpic::report
