// Stamped numbers (docs/cli.md, "Stamps"): the one metadata block every
// output of `kpic run` and `kpic sql` carries — the kpic version, the
// request, a definition fingerprint per metric and goal the output reads,
// and a data fingerprint per source it reads. `kpic verify` reads it back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "driver/run.h"
#include "driver/session.h"
#include "plan/plan.h"

namespace kpic {

/// The stamp of a run (or of `kpic sql` with `command` "sql"): what
/// produced it. Under a role the data fingerprints hold only the bindings
/// (no sizes, times or hashes: those describe rows outside the role).
/// Without `with_data` the data fingerprints are left out (no file is read
/// for them: an output without a stamp, such as the table, skips the hash).
nlohmann::ordered_json MakeStamp(const std::string& command, const RunOptions& o, const Session& s,
                                 const plan::Plan& p, bool with_data = true);

/// The definition fingerprints of the metrics and goals `p` reads, as in a
/// stamp's `definitions` (for `kpic verify`).
nlohmann::ordered_json Definitions(const Session& s, const plan::Plan& p);

/// The data fingerprints of the sources `p` reads, as in a stamp's `data`.
nlohmann::ordered_json DataFingerprints(const RunOptions& o, const plan::Plan& p);

/// The kpic version, as `kpic --version` prints it.
std::string KpicVersion();

}  // namespace kpic
