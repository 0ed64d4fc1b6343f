// Reading OS/2 fsType (see font_permission.h). The table is read through
// HarfBuzz's blob API, byte by byte, so a short or damaged table is refused
// rather than read past its end.
#include "report/font_permission.h"

#include <fmt/format.h>

#include <memory>

namespace kpic::report {

namespace {

// OS/2 starts version (2 bytes), xAvgCharWidth (2), usWeightClass (2),
// usWidthClass (2), then fsType: a big-endian uint16 at byte 8.
constexpr unsigned kFsTypeOffset = 8;
constexpr uint16_t kRestrictedLicense = 0x0002;
constexpr uint16_t kPreviewAndPrint = 0x0004;
constexpr uint16_t kEditable = 0x0008;
constexpr uint16_t kNoSubsetting = 0x0100;
constexpr uint16_t kBitmapOnly = 0x0200;

}  // namespace

EmbeddingPermission CheckEmbedding(hb_face_t* face) {
  std::unique_ptr<hb_blob_t, decltype(&hb_blob_destroy)> os2(hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2')),
                                                             hb_blob_destroy);
  unsigned length = 0;
  const char* data = hb_blob_get_data(os2.get(), &length);
  if (data == nullptr || length < kFsTypeOffset + 2) {
    return {false, 0, "it has no OS/2 table, so its embedding terms are unknown"};
  }
  uint16_t fs_type = static_cast<uint16_t>((static_cast<unsigned char>(data[kFsTypeOffset]) << 8) |
                                           static_cast<unsigned char>(data[kFsTypeOffset + 1]));
  EmbeddingPermission p{false, fs_type, ""};
  if ((fs_type & kRestrictedLicense) != 0 && (fs_type & (kPreviewAndPrint | kEditable)) == 0) {
    p.reason = fmt::format("its licence forbids embedding (OS/2 fsType 0x{:04X}: restricted licence)", fs_type);
  } else if ((fs_type & kNoSubsetting) != 0) {
    p.reason = fmt::format("its licence forbids subsetting (OS/2 fsType 0x{:04X}: no subsetting)", fs_type);
  } else if ((fs_type & kBitmapOnly) != 0) {
    p.reason =
        fmt::format("its licence allows only bitmaps to be embedded (OS/2 fsType 0x{:04X}: bitmap only)", fs_type);
  } else {
    p.allowed = true;
  }
  return p;
}

}  // namespace kpic::report
