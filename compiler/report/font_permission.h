// Whether a font's licence lets a report carry a subset of it: the OS/2
// table's fsType embedding bits, read from the font itself.
#pragma once

#include <hb.h>

#include <cstdint>
#include <string>

namespace kpic::report {

/// What fsType says about embedding a subset of a font's outlines in a document.
struct EmbeddingPermission {
  bool allowed = false;
  uint16_t fs_type = 0;  ///< the raw field (0 when the table is missing)
  std::string reason;    ///< why not, in plain words (empty when allowed)
};

/// Reads OS/2 fsType from `face`. Refused: restricted-licence embedding (0x0002, unless a less
/// restrictive usage bit, 0x0004 or 0x0008, is also set: the specification says the least restrictive
/// one applies), no subsetting (0x0100: a subset is all kpic embeds), bitmap embedding only (0x0200:
/// kpic embeds outlines), and a font with no OS/2 table, whose terms cannot be read. Installable (0),
/// preview & print (0x0004) and editable (0x0008) are allowed.
EmbeddingPermission CheckEmbedding(hb_face_t* face);

}  // namespace kpic::report
