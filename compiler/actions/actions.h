// The action log (行动日志): what was done about an indicator, by whom and
// when, and whether it worked (docs/language.md, "Actions").
//
// Storage: a package's actions live in its folder `actions/`, one file per
// action (`ID.action`), each a list of entries, one JSON object per line:
// the first opens the action, later ones change its state. Entries are only
// ever appended (under an exclusive lock, then fsync), so history is never
// rewritten; two branches that add actions add different files, and
// `actions/.gitattributes` merges two branches' appends to one file as a
// union. A line that is not a whole entry (a torn write) is reported
// (W0901) and skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/source_manager.h"
#include "calendar.h"
#include "diag/diagnostic.h"

namespace kpic::ir {
struct Module;
}

namespace kpic::actions {

/// One dimension's member an action is on: `store=成都锦江店`.
struct Member {
  std::string dim, value;
  Span span;  ///< in the action's file
};

struct Action {
  std::string id;
  std::string by;        ///< who opened it
  std::string recorded;  ///< when the entry was written (UTC, ISO 8601)
  std::string what, expected;
  std::string goal, metric, alert;  ///< what it is tied to (any may be empty; at least one is set)
  std::vector<Member> members;      ///< empty: the whole company
  int32_t start = 0;                ///< days since 1970-01-01
  std::optional<int32_t> end;
  std::optional<int32_t> planned_end;  ///< the opening entry's `end`
  std::optional<int32_t> closed_on;    ///< the closing entry's `end`, else the day of its `at`
  int window = 0;  ///< periods before and after compared (0: the default, kDefaultWindow)
  std::string status = "open";  ///< open, done, dropped
  std::string closed_by, note;
  std::string file;  ///< the action's file
  Span span;         ///< its opening entry
  Span goal_span, metric_span, alert_span;
};

/// The action as it stood at the end of `day`: one closed after that day
/// is still open (with its planned end), as `--as-of` shows it.
Action AsOf(const Action& a, int32_t day);

inline constexpr int kDefaultWindow = 3;
inline constexpr int kMaxWindow = 120;

/// The action folders of the inputs: `DIR/actions` for each folder given,
/// the file's folder's for a file; each once, those that exist.
std::vector<std::string> Folders(const std::vector<std::string>& paths);

/// Reads every `*.action` file of the folders (sorted by name), adding each
/// to `sm`; torn or malformed entries are diagnostics (W0901, W0907), never
/// exceptions.
std::vector<Action> Load(const std::vector<std::string>& folders, SourceManager& sm, DiagnosticSink& diags);

/// The entries of one action file's text (as Load reads each file).
std::vector<Action> Parse(const std::string& path, const std::string& text, SourceManager& sm, DiagnosticSink& diags);

/// Checks what actions name against the checked module: goals (W0903),
/// metrics (W0904), alerts (W0905) and dimensions (W0906), with the
/// closest name. Actions with a problem are reported and removed.
void Validate(std::vector<Action>& actions, const ir::Module& m, DiagnosticSink& diags);

/// The metric whose change measures an action: its own, else its goal's
/// (a plain metric name), else empty.
std::string MeasuredMetric(const Action& a, const ir::Module& m);

/// An action id: 1 to 64 letters, digits, `-` and `_` (a file name that
/// cannot leave its folder).
bool ValidId(const std::string& id);

/// A control character in text: C0, DEL or C1 (U+0080 to U+009F).
bool HasControlText(std::string_view s);

/// A new action's id: `A` + its start date + `-` + 4 random hex digits.
std::string NewId(int32_t start);

/// Why an append failed.
struct AppendError : std::runtime_error {
  bool usage = false;  ///< the id: in use already, or not an id
  AppendError(const std::string& what, bool usage_) : std::runtime_error(what), usage(usage_) {}
};

/// Appends one entry (a JSON object, without newline) to the action's
/// file in `folder` (created with the folder when missing; with
/// `create_only`, an existing file is an error): an exclusive lock, one
/// write of the whole line, fsync. Throws AppendError with the reason.
void Append(const std::string& folder, const std::string& id, const std::string& entry, bool create_only);

}  // namespace kpic::actions
