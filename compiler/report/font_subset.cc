// SubsetFontFor: the text's code points, the installed fonts that cover
// them best first, the first whose licence allows a subset, then the subset
// as WOFF2 (see font_subset.h). Each step lives in its own file.
#include "report/font_subset.h"

#include <fmt/format.h>
#include <hb.h>

#include <memory>

#include "report/font_candidates.h"
#include "report/font_codepoints.h"
#include "report/font_pack.h"
#include "report/font_permission.h"

namespace kpic::report {

namespace {

// More distinct characters than this is no longer a report's labels and
// names but running text or a data dump (3,500 characters cover 99.5% of
// modern Chinese text). The subset would pass 650 KB (measured: 1,000
// characters of Noto Sans CJK SC give 160 KB, 3,500 give 580 KB, 8,000 give
// 1.3 MB), so the report relies on the reader's fonts instead.
constexpr size_t kMaxCharacters = 4000;
// Refusals named in `why` before "and N more".
constexpr size_t kMaxReasons = 4;

using BlobPtr = std::unique_ptr<hb_blob_t, decltype(&hb_blob_destroy)>;
using FacePtr = std::unique_ptr<hb_face_t, decltype(&hb_face_destroy)>;
using FontPtr = std::unique_ptr<hb_font_t, decltype(&hb_font_destroy)>;

// "kpic " and the family's letters, digits, spaces and hyphens: a name no
// installed font has, and one that needs no escaping in CSS or HTML.
std::string CssFamily(const std::string& family) {
  std::string out = "kpic ";
  for (char c : family) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
    if (plain) out += c;
  }
  return out == "kpic " ? "kpic embedded" : out;
}

std::vector<char32_t> Uncovered(hb_face_t* face, const std::vector<uint32_t>& required) {
  FontPtr font(hb_font_create(face), hb_font_destroy);
  std::vector<char32_t> out;
  for (uint32_t cp : required) {
    hb_codepoint_t glyph = 0;
    if (!hb_font_get_nominal_glyph(font.get(), cp, &glyph)) out.push_back(cp);
  }
  return out;
}

std::string JoinReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (size_t i = 0; i < reasons.size() && i < kMaxReasons; ++i) out += (i == 0 ? "" : "; ") + reasons[i];
  if (reasons.size() > kMaxReasons) out += fmt::format("; and {} more", reasons.size() - kMaxReasons);
  return out;
}

}  // namespace

std::optional<EmbeddedFont> SubsetFontFor(std::string_view utf8_text, std::string* why) {
  std::string ignored;
  if (why == nullptr) why = &ignored;
  why->clear();

  if (utf8_text.empty()) {
    *why = "the text is empty";
    return std::nullopt;
  }
  TextCodePoints codepoints = CodePointsOf(utf8_text);
  if (codepoints.required.empty()) {
    *why = "the text has no visible non-ASCII character, so the reader's own fonts show it";
    return std::nullopt;
  }
  if (codepoints.required.size() > kMaxCharacters) {
    *why = fmt::format("the text has {} distinct non-ASCII characters, more than the {} a report embeds",
                       codepoints.required.size(), kMaxCharacters);
    return std::nullopt;
  }
  std::vector<FontCandidate> candidates = FindFontCandidates(codepoints.required, why);
  if (candidates.empty()) return std::nullopt;

  std::vector<std::string> refusals;
  for (const FontCandidate& candidate : candidates) {
    std::string name = fmt::format("{} ({}, face {})", candidate.family, candidate.file, candidate.face_index);
    BlobPtr blob(hb_blob_create_from_file_or_fail(candidate.file.c_str()), hb_blob_destroy);
    if (!blob) {
      refusals.push_back(name + ": the file cannot be read");
      continue;
    }
    FacePtr face(hb_face_create(blob.get(), candidate.face_index), hb_face_destroy);
    if (hb_face_get_glyph_count(face.get()) == 0) {
      refusals.push_back(name + ": HarfBuzz finds no glyphs in it");
      continue;
    }
    EmbeddingPermission permission = CheckEmbedding(face.get());
    if (!permission.allowed) {
      refusals.push_back(name + ": " + permission.reason);
      continue;
    }
    std::string pack_why;
    PackOptions options;
    options.keep_substitutions = codepoints.needs_substitution;
    std::optional<std::string> woff2 = SubsetToWoff2(face.get(), codepoints.wanted, &pack_why, options);
    if (!woff2) {
      refusals.push_back(name + ": " + pack_why);
      continue;
    }
    return EmbeddedFont{CssFamily(candidate.family), std::move(*woff2), candidate.file, candidate.face_index,
                        Uncovered(face.get(), codepoints.required)};
  }
  *why = fmt::format("no font that covers the text may be embedded: {}", JoinReasons(refusals));
  return std::nullopt;
}

}  // namespace kpic::report
