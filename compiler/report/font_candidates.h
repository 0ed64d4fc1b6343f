// The installed fonts that could show a report's Chinese, best first, as
// fontconfig knows them (so FONTCONFIG_FILE and the user's configuration
// apply). Only fontconfig's cache is read here; the font files are opened
// later, by the caller, to check their embedding permission.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kpic::report {

/// One face of an installed font file.
struct FontCandidate {
  std::string file;         ///< path of the font file
  unsigned face_index = 0;  ///< the face within the file (collections hold several)
  std::string family;       ///< its first family name
  size_t covered = 0;       ///< how many of the required code points its character set holds
};

/// Installed outline fonts covering at least one of `required` (ascending code points), best first:
/// most covered first; among equals Noto Sans CJK SC, then WenQuanYi Zen Hei, then fonts for
/// Simplified Chinese, then the rest; then regular weight, upright, proportional and normal width
/// before others; then by file and face, so the order never depends on the order fonts were installed.
/// Empty, with `*why`, when fontconfig cannot be initialised or no font covers any of them.
std::vector<FontCandidate> FindFontCandidates(const std::vector<uint32_t>& required, std::string* why);

}  // namespace kpic::report
