// `kpic run`: evaluates goals or ad-hoc metrics over the bound data, and the
// plan-level dumps of `kpic compile --emit plan|llvm-ir`.
#pragma once

#include <string>
#include <vector>

#include "base/warning.h"
#include "driver/commands.h"

namespace kpic {

namespace ir {
struct Module;
}

/// The language of what people read (`--lang`): `asked` when given, else
/// the first of the package's `languages` that is `zh` or `en`, else `zh`
/// when a goal's or a user metric's main label is Chinese, else `en`.
std::string ReportLanguage(const ir::Module& m, const std::string& asked);

struct RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> goals, metrics, by;
  std::string grain;
  std::string from, to;
  std::string as_of;  ///< --as-of DATE
  std::vector<std::string> binds;
  std::string role;
  std::vector<std::string> params;
  std::string report;  ///< --report NAME
  std::string engine = "auto";  ///< auto | jit | interp
  std::string lang;  ///< --lang zh|en, or empty: ReportLanguage decides
  std::string format;  ///< FORMAT, or with --each FORMAT,FORMAT...; empty: table (html with --each)
  std::string output;
  std::string each;    ///< --each PARAM or PARAM=V1,V2,...: one output per member (driver/burst.h)
  std::string fail_on;
  std::string on_bad_row = "fail";
  size_t max_groups = 10'000'000;
  size_t max_distinct = 100'000'000;  ///< values held by one scan's distinct counts
  std::string emit;  ///< compile: plan | llvm-ir
  bool timings = false;  ///< --timings: print where the time went
  bool no_stream = false;  ///< --no-stream: read tables whole, then scan the columns in memory
  bool no_cache = false;   ///< --no-cache: neither use nor fill the state cache (exec/state_cache.h)
  std::string cache_size;  ///< --cache-size SIZE (else $KPIC_CACHE_SIZE, else 1G)
  double timeout = 0;      ///< --timeout SECONDS: stop with exit 5 (0: none)
  int max_decimal_digits = 38;  ///< exact results with more digits are an error (exit 3)
  int forecast = 0;  ///< --forecast N: extend each metric's series by N periods (0: none)
  /// Before each warning line on stderr: a burst's `[member M] `.
  std::string warning_prefix;
};

int RunRun(const RunOptions& options, const CommonOptions& common);
/// `kpic compile --emit plan|llvm-ir` with the selection options of run.
int RunEmitPlan(const RunOptions& options, const CommonOptions& common);

/// `kpic sql` (and `compile --emit sql`): the selection as SQL of a dialect.
int RunSql(const RunOptions& options, const std::string& dialect, const CommonOptions& common);
/// The SQL text RunSql writes (with its stamp line) into `text`; returns
/// the exit code (0, or 1/2 after printing the errors).
/// `notes`, when given, receives the plan's warnings (W0705, W0706, W0711).
int SqlText(const RunOptions& options, const std::string& dialect, const CommonOptions& common, std::string* text,
            std::vector<Warning>* notes = nullptr);

/// Writes `text` to `path` through a temporary file in the same folder and a
/// rename, so that a failure (a full disk, SIGINT, --timeout) never leaves a
/// partial file. Throws rt::DataError (exit 3) on failure.
/// A `path` that exists and is not a regular file (a device such as
/// /dev/null, a FIFO, or a symbolic link such as /dev/stdout, to anything)
/// is written into directly: a rename would replace it with a file.
void WriteFileAtomically(const std::string& path, const std::string& text);
/// Writes into `path` when it is such a special file: true when it was
/// (throws rt::DataError when the write fails), false when `path` is a
/// regular file or does not exist.
bool WriteSpecialFile(const std::string& path, const std::string& text);

}  // namespace kpic
