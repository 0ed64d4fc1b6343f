// Subsetting and WOFF2 compression (see font_pack.h).
#include "report/font_pack.h"

#include <fcntl.h>
#include <hb-subset.h>
#include <unistd.h>
#include <woff2/encode.h>

#include <cstdio>
#include <memory>

namespace kpic::report {

namespace {

// Tables a report never uses: vertical metrics and origins (the report is
// laid out horizontally) and the baseline table.
constexpr hb_tag_t kUnusedTables[] = {HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
                                      HB_TAG('V', 'O', 'R', 'G'), HB_TAG('B', 'A', 'S', 'E')};
// Name records kept: HarfBuzz's defaults (copyright, family, style, unique
// id, full name, version, PostScript name) plus the licence and its URL,
// which the SIL Open Font License asks every copy to carry.
constexpr unsigned kNameIds[] = {0, 1, 2, 3, 4, 5, 6, 13, 14};

// Debian's libwoff2enc is built with FONT_COMPRESSION_BIN, so each
// conversion prints "Compressed N to M." on stderr, which would land in the
// middle of kpic's own messages. While this lives, file descriptor 2 points
// at /dev/null. That is process-wide: a report is written after the scans'
// threads have finished, so nothing else is writing then. If the descriptor
// cannot be duplicated, the line is printed, and nothing else changes.
class QuietStderr {
 public:
  QuietStderr() {
    std::fflush(stderr);
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    // Descriptor 2 was closed and /dev/null took its place: the line goes
    // nowhere already, and stderr stays /dev/null rather than closed.
    if (null_fd < 0 || null_fd == STDERR_FILENO) return;
    saved_ = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
    if (saved_ >= 0 && dup2(null_fd, STDERR_FILENO) < 0) {
      close(saved_);
      saved_ = -1;
    }
    close(null_fd);
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

std::optional<std::string> Woff2(const char* data, unsigned length, int quality, std::string* why) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  std::string woff2(woff2::MaxWOFF2CompressedSize(bytes, length), '\0');
  size_t woff2_length = woff2.size();
  woff2::WOFF2Params params;
  params.brotli_quality = quality;
  bool converted = false;
  {
    QuietStderr quiet;
    converted =
        woff2::ConvertTTFToWOFF2(bytes, length, reinterpret_cast<uint8_t*>(woff2.data()), &woff2_length, params);
  }
  if (!converted) {
    *why = "the WOFF2 encoder could not compress the font subset";
    return std::nullopt;
  }
  woff2.resize(woff2_length);
  return woff2;
}

}  // namespace

std::optional<std::string> SubsetToWoff2(hb_face_t* face, const std::vector<uint32_t>& codepoints, std::string* why,
                                         const PackOptions& options) {
  std::unique_ptr<hb_subset_input_t, decltype(&hb_subset_input_destroy)> input(hb_subset_input_create_or_fail(),
                                                                               hb_subset_input_destroy);
  if (!input) {
    *why = "out of memory while preparing the font subset";
    return std::nullopt;
  }
  hb_set_t* unicodes = hb_subset_input_unicode_set(input.get());
  for (uint32_t cp : codepoints) hb_set_add(unicodes, cp);
  hb_set_t* drop = hb_subset_input_set(input.get(), HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (hb_tag_t tag : kUnusedTables) hb_set_add(drop, tag);
  if (!options.keep_substitutions) hb_set_add(drop, HB_TAG('G', 'S', 'U', 'B'));
  hb_set_t* name_ids = hb_subset_input_set(input.get(), HB_SUBSET_SETS_NAME_ID);
  hb_set_clear(name_ids);
  for (unsigned id : kNameIds) hb_set_add(name_ids, id);
  unsigned flags = HB_SUBSET_FLAGS_NO_HINTING;
  if (options.desubroutinize) flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
  hb_subset_input_set_flags(input.get(), flags);

  std::unique_ptr<hb_face_t, decltype(&hb_face_destroy)> subset(hb_subset_or_fail(face, input.get()), hb_face_destroy);
  if (!subset) {
    *why = "HarfBuzz could not subset the font";
    return std::nullopt;
  }
  std::unique_ptr<hb_blob_t, decltype(&hb_blob_destroy)> blob(hb_face_reference_blob(subset.get()), hb_blob_destroy);
  unsigned length = 0;
  const char* data = hb_blob_get_data(blob.get(), &length);
  if (data == nullptr || length == 0) {
    *why = "HarfBuzz produced an empty font subset";
    return std::nullopt;
  }
  return Woff2(data, length, options.brotli_quality, why);
}

}  // namespace kpic::report
