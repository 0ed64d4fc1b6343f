// The exit codes of every kpic command, in one place (the CLI contract,
// docs/cli.md). Scripts and editors rely on them: never renumber one.
#pragma once

namespace kpic {

inline constexpr int kExitOk = 0;           ///< success; warnings allowed
inline constexpr int kExitInputErrors = 1;  ///< errors in the .kpi input, or `fmt --check` found changes
inline constexpr int kExitUsage = 2;        ///< the command line: an unknown command, flag, name or value
inline constexpr int kExitData = 3;         ///< the data: a missing file, a bad row, a failed connection
inline constexpr int kExitAlerts = 4;       ///< alerts fired at or above --fail-on (the run completed)
inline constexpr int kExitLimit = 5;        ///< a resource limit: groups, distinct values, --timeout
inline constexpr int kExitTestFailed = 6;   ///< `kpic test`: an expectation failed (the run completed)
inline constexpr int kExitStale = 7;        ///< `kpic verify`: the output's numbers no longer stand
inline constexpr int kExitInternal = 70;    ///< a bug, reported as such
inline constexpr int kExitInterrupted = 130;  ///< SIGINT; no partial output is left behind

}  // namespace kpic
