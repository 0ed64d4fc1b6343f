// `kpic diff OLD NEW`: the impact of a change of 口径 (docs/cli.md, "kpic
// diff"): the metrics and goals whose meaning changed (by fingerprint), the
// textual diff of each, what they reach, and their numbers before and after
// on the same data.
#pragma once

#include <string>
#include <vector>

#include "driver/commands.h"

namespace kpic {

struct DiffOptions {
  std::string old_path, new_path;  ///< folders or files, or REV:PATH (a git revision)
  std::vector<std::string> binds;  ///< --bind for both sides
  std::string grain = "month";     ///< the numbers' grain
  std::string as_of;               ///< --as-of for both sides
  std::string format = "human";    ///< human | json | html
  std::string output;              ///< -o FILE
};

/// Exit 0 (with or without changes), 1 when a side has errors, 2, 3.
int RunDiff(const DiffOptions& options, const CommonOptions& common);

}  // namespace kpic
