// Ranking installed fonts with fontconfig (see font_candidates.h).
#include "report/font_candidates.h"

#include <fmt/format.h>
#include <fontconfig/fontconfig.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <tuple>

namespace kpic::report {

namespace {

// Families preferred, in order, for Simplified Chinese: Noto Sans CJK SC is
// the most complete and readable; WenQuanYi Zen Hei is the other common
// free one (and the one the test images have).
constexpr std::string_view kPreferredFamilies[] = {"Noto Sans CJK SC", "WenQuanYi Zen Hei"};

template <typename T, void (*Destroy)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Destroy(p);
  }
};
using ConfigPtr = std::unique_ptr<FcConfig, Deleter<FcConfig, FcConfigDestroy>>;
using PatternPtr = std::unique_ptr<FcPattern, Deleter<FcPattern, FcPatternDestroy>>;
using CharSetPtr = std::unique_ptr<FcCharSet, Deleter<FcCharSet, FcCharSetDestroy>>;
using ObjectSetPtr = std::unique_ptr<FcObjectSet, Deleter<FcObjectSet, FcObjectSetDestroy>>;
using FontSetPtr = std::unique_ptr<FcFontSet, Deleter<FcFontSet, FcFontSetDestroy>>;

int IntOr(FcPattern* p, const char* object, int fallback) {
  int value = 0;
  return FcPatternGetInteger(p, object, 0, &value) == FcResultMatch ? value : fallback;
}

// 0, 1, ... for the preferred families in order; after them, fonts that
// declare Simplified Chinese; last, the rest.
int FamilyRank(FcPattern* p) {
  int rank = std::size(kPreferredFamilies) + 1;
  FcChar8* name = nullptr;
  for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &name) == FcResultMatch; ++i) {
    for (size_t k = 0; k < std::size(kPreferredFamilies); ++k) {
      if (kPreferredFamilies[k] == reinterpret_cast<const char*>(name)) rank = std::min(rank, static_cast<int>(k));
    }
  }
  FcLangSet* langs = nullptr;
  if (rank > static_cast<int>(std::size(kPreferredFamilies)) &&
      FcPatternGetLangSet(p, FC_LANG, 0, &langs) == FcResultMatch &&
      FcLangSetHasLang(langs, reinterpret_cast<const FcChar8*>("zh-cn")) == FcLangEqual) {
    rank = std::size(kPreferredFamilies);
  }
  return rank;
}

// How far a face is from the plain one the report's body text wants.
int StylePenalty(FcPattern* p) {
  return std::abs(IntOr(p, FC_WEIGHT, FC_WEIGHT_REGULAR) - FC_WEIGHT_REGULAR) +
         (IntOr(p, FC_SLANT, FC_SLANT_ROMAN) != FC_SLANT_ROMAN ? 1000 : 0) +
         (IntOr(p, FC_SPACING, FC_PROPORTIONAL) != FC_PROPORTIONAL ? 500 : 0) +
         std::abs(IntOr(p, FC_WIDTH, FC_WIDTH_NORMAL) - FC_WIDTH_NORMAL) * 2;
}

struct Ranked {
  FontCandidate font;
  int family_rank;
  int style_penalty;
  auto Key() const {
    return std::make_tuple(-static_cast<long long>(font.covered), family_rank, style_penalty,
                           std::string_view(font.file), font.face_index);
  }
};

}  // namespace

std::vector<FontCandidate> FindFontCandidates(const std::vector<uint32_t>& required, std::string* why) {
  // A configuration of our own for this call rather than the process-wide
  // one: it reads FONTCONFIG_FILE now, and is freed after (the global one is
  // never freed, which LeakSanitizer reports). Loading it reads fontconfig's
  // cache files, a few milliseconds, once per report.
  ConfigPtr config(FcInitLoadConfigAndFonts());
  if (!config) {
    *why = "fontconfig could not load its configuration";
    return {};
  }
  CharSetPtr needed(FcCharSetCreate());
  for (uint32_t cp : required) FcCharSetAddChar(needed.get(), cp);

  // Outline fonts only: a bitmap-only font cannot be subset into a web font.
  PatternPtr pattern(FcPatternCreate());
  FcPatternAddBool(pattern.get(), FC_OUTLINE, FcTrue);
  ObjectSetPtr objects(FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FAMILY, FC_CHARSET, FC_LANG, FC_WEIGHT, FC_SLANT,
                                        FC_SPACING, FC_WIDTH, nullptr));
  FontSetPtr fonts(FcFontList(config.get(), pattern.get(), objects.get()));
  size_t listed = fonts ? fonts->nfont : 0;

  std::vector<Ranked> ranked;
  for (size_t i = 0; i < listed; ++i) {
    FcPattern* p = fonts->fonts[i];
    FcChar8* file = nullptr;
    FcCharSet* charset = nullptr;
    if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch ||
        FcPatternGetCharSet(p, FC_CHARSET, 0, &charset) != FcResultMatch) {
      continue;
    }
    // A variable font's named instances share the face's file and index
    // (their instance number sits above bit 16): list the face once.
    int index = IntOr(p, FC_INDEX, 0);
    if (index < 0 || (index >> 16) != 0) continue;
    size_t covered = FcCharSetIntersectCount(needed.get(), charset);
    if (covered == 0) continue;
    FcChar8* family = nullptr;
    FcPatternGetString(p, FC_FAMILY, 0, &family);
    ranked.push_back({{reinterpret_cast<const char*>(file), static_cast<unsigned>(index),
                       family != nullptr ? reinterpret_cast<const char*>(family) : "", covered},
                      FamilyRank(p),
                      StylePenalty(p)});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.Key() < b.Key(); });

  if (ranked.empty()) {
    *why = listed == 0 ? "no outline fonts are installed (fontconfig lists none)"
                       : fmt::format(
                             "none of the {} installed outline fonts has any of the text's {} non-ASCII "
                             "characters (install fonts-noto-cjk or fonts-wqy-zenhei)",
                             listed, required.size());
  }
  std::vector<FontCandidate> out;
  out.reserve(ranked.size());
  for (Ranked& r : ranked) out.push_back(std::move(r.font));
  return out;
}

}  // namespace kpic::report
