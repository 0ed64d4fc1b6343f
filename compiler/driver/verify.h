// `kpic verify OUTPUT`: do a stamped output's numbers still stand?
#pragma once

#include <string>
#include <vector>

#include "driver/commands.h"

namespace kpic {

struct VerifyOptions {
  std::string output;              ///< the file to verify
  std::vector<std::string> binds;  ///< --bind SOURCE=URI: replaces the stamped binding (masked passwords)
  std::string format = "human";    ///< human | json
  /// --role/--param: the role the caller runs as; a stamp made under
  /// another role or other parameters is refused (a stamp can be edited).
  std::string role;
  std::vector<std::string> params;
  /// --path: with --role, the packages the output must come from.
  std::vector<std::string> paths;
};

/// Exit 0 when the numbers stand, kExitStale (7) when they do not.
int RunVerify(const VerifyOptions& options, const CommonOptions& common);

}  // namespace kpic
