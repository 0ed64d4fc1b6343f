// Ending a run cleanly when it must stop early: SIGINT/SIGTERM (exit 130),
// `--timeout` (exit 5), and an input file that shrinks under its memory
// mapping (SIGBUS, exit 3). Each removes the output file being written, if
// any, and a burst's folder of finished but not yet handed-over files, so
// that no partial output is ever left behind.
#pragma once

#include <string>

namespace kpic {

/// Installs the handlers for SIGINT, SIGTERM and SIGBUS. Call once.
void InstallStopHandlers();

/// Stops the process with exit 5 after `seconds` (0: never).
void StartTimeout(double seconds);

/// The temporary output file being written (removed if the run stops), or
/// empty when none.
void SetPendingOutput(const std::string& tmp_path);

/// A temporary folder of outputs not yet handed over (`run --each`): if the
/// run stops, the files in it and the folder are removed. Empty: none.
void SetPendingDirectory(const std::string& dir);

}  // namespace kpic
