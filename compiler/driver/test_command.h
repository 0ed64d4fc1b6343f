// `kpic test`: runs the package's `expect` declarations (data tests) on the
// embedded engine or inside PostgreSQL, and reports each as human text,
// JSON or JUnit XML. Exit 0 when every expectation holds, 6 when one fails,
// 3 when bad data stopped a check and no failed expectation explains it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/commands.h"
#include "driver/run.h"
#include "plan/plan.h"

namespace kpic {

struct TestOptions {
  RunOptions run;     ///< paths, --as-of, --role/--param, --bind, --engine, --format, -o
  std::string state;  ///< --state FILE: the row counts of the last run (default PACKAGE/.kpic/test-state.tsv)
  /// `kpic verify`: replays a stamped test. The row counts to compare with
  /// are these (no state file is read or written), warnings are not
  /// printed, and the output goes to `*text` instead of stdout or -o.
  const std::vector<std::pair<std::string, int64_t>>* replay_counts = nullptr;
  std::string* text = nullptr;
  /// With replay_counts and no --as-of: the day freshness was measured
  /// against (the stamp's `as_of`), instead of today.
  std::string replay_today;
};

/// One failing key, value, or period and member of an expectation.
struct ExpectFailure {
  std::string period;  ///< metric checks: the period's label
  std::vector<std::pair<std::string, std::string>> members;  ///< dimension, member
  std::string expected, actual;
};

/// The outcome of one expectation.
struct ExpectOutcome {
  std::string name;   ///< its canonical text: `orders.order_id unique`
  std::string label;  ///< its label, or empty
  std::string check;  ///< unique not_null accepted found fresh rows range reconcile
  std::string subject;  ///< the source, or the metric expression
  std::string file;
  int line = 0;
  /// kError: it could not be checked, because the data it reads is
  /// invalid (a lookup's duplicated key, a bad value in a metric's source).
  enum class Status { kPass, kFail, kSkip, kError } status = Status::kPass;
  std::string message;  ///< one sentence: what was found
  std::vector<ExpectFailure> failures;  ///< the first ones (kMaxFailures)
  size_t failure_count = 0;             ///< all of them
  int64_t failing_rows = -1;            ///< source checks: rows that fail, or -1
  std::optional<std::string> example;   ///< source checks: an example key or value (it may be empty text)
};

inline constexpr size_t kMaxFailures = 50;

/// What `kpic test` writes: the outcomes and the context they were found in.
struct TestReport {
  std::string package;
  std::string as_of;  ///< the date freshness is measured against
  /// `--as-of` was given: rows after it were left out. Without it every
  /// row is read (a row dated after today too), and `as_of` is today.
  bool as_of_given = false;
  std::string role;
  std::vector<ExpectOutcome> outcomes;
  nlohmann::ordered_json stamp;  ///< what produced it (JSON and JUnit), or null
  size_t Count(ExpectOutcome::Status s) const;
};

std::string RenderTestHuman(const TestReport& r);
std::string RenderTestJson(const TestReport& r);
/// JUnit XML: one testsuite per run, one testcase per expectation.
std::string RenderTestJunit(const TestReport& r);
/// Text escaped for XML attribute values (and content, with `attribute`
/// false: line breaks kept); characters XML 1.0 cannot hold, and invalid
/// UTF-8, become U+FFFD.
std::string XmlEscape(const std::string& in, bool attribute = true);

/// Row counts of the last run, per source and role (`--state`): one line
/// `KEY<TAB>COUNT` each. Throws UsageError E0607 when the file is not in
/// that form.
std::vector<std::pair<std::string, int64_t>> ParseTestState(const std::string& text, const std::string& path);
std::string FormatTestState(const std::vector<std::pair<std::string, int64_t>>& counts);

/// The canonical texts of the expectations `p` checks, sorted: a test
/// output's stamp keeps them, so that `kpic verify` sees a changed one.
std::vector<std::string> ExpectationTexts(const plan::Plan& p);

int RunTest(const TestOptions& options, const CommonOptions& common);

}  // namespace kpic
