// Report bursting, `kpic run --each PARAM -o DIR`: one complete evaluation
// per member of a role parameter, each file exactly what `kpic run --param
// PARAM=MEMBER -o FILE` writes, and a manifest (docs/cli.md, "Bursting").
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "driver/run.h"
#include "ir/ir.h"

namespace kpic {

/// A column that a role's row filter compares a parameter with by `==`:
/// where the members of `--each PARAM` are found.
struct MemberColumn {
  int source = -1;     ///< the column's source (the last one of a lookup path), in Module::sources
  std::string column;  ///< its name
  std::string text;    ///< as written, e.g. `orders.store`
};

/// The columns role `role` compares parameter `param` with by `==` in its
/// filters (`src.col == param` or `param == src.col`), in the order of the
/// role's lines, each once. None is UsageError E0606: the members must be
/// given as a list.
std::vector<MemberColumn> MemberColumns(const ir::Module& m, const ir::Role& role, const std::string& param);

/// File names (without the extension) for the members, one each, in their
/// order: the member itself when it is a safe name (no path separator,
/// control character, invalid UTF-8 or character Windows refuses, no
/// leading dot, dash or space, no trailing dot or space, not a Windows
/// device name, at most 100 bytes); else its safe form followed by `-` and
/// 8 hex digits of the member's FNV-1a hash. Names that would be equal
/// ignoring ASCII case, or equal to one of `reserved`, all get the hash,
/// and a number after it if they still collide. No two results are equal
/// ignoring ASCII case; names that a file system takes for one file in
/// other ways (Unicode case or normalisation) are told apart when the
/// files are written (MemberFileWriter).
std::vector<std::string> MemberFileNames(const std::vector<std::string>& members,
                                         const std::vector<std::string>& reserved);

/// Writes the members' files into one folder, each file created exclusively
/// (O_CREAT|O_EXCL), so that no member's file replaces another's, even on a
/// file system that folds case or normalises Unicode (macOS, Windows: `é`
/// and `e` + U+0301, or `É`, can name one file). When a name is taken by a
/// file this writer wrote (the same device and inode), the member gets its
/// hashed name (MemberFileNames' `NAME-1a2b3c4d`), then a number after it;
/// any other file of that name (left from an earlier run) is replaced.
class MemberFileWriter {
 public:
  /// Writes `files` (extension, text) as `dir/BASE.EXT` and returns BASE:
  /// `name`, or the member's fallback when `name` is taken. Throws
  /// rt::DataError (exit 3) when a file cannot be written.
  std::string Write(const std::filesystem::path& dir, const std::string& name, const std::string& member,
                    const std::vector<std::pair<std::string, std::string>>& files);
  /// Whether `path` names a file this writer wrote.
  bool Wrote(const std::filesystem::path& path) const;

 private:
  std::set<std::pair<uint64_t, uint64_t>> written_;  ///< (device, inode)
};

/// `kpic run --each`: the members (given, or the distinct values of the
/// MemberColumns in the data), one evaluation each through the run
/// pipeline, the files into DIR and the manifest last. All or nothing: a
/// member that fails stops the burst with its exit code and DIR gets none
/// of the files.
int RunBurst(const RunOptions& o, const CommonOptions& common);

}  // namespace kpic
