// The language server's core (no JSON here).
#include "lsp/workspace.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "actions/actions.h"
#include "base/utf8.h"
#include "diag/registry.h"
#include "driver/session.h"
#include "builtins/builtins.h"
#include "ir/ir.h"
#include "sema/catalog.h"
#include "sema/checked.h"
#include "sema/governance.h"
#include "sema/lint.h"
#include "sema/scope.h"
#include "syntax/parse.h"
#include "syntax/format.h"

namespace kpic::lsp {

namespace fs = std::filesystem;
using ast::DeclKind;

namespace {

/// The bytes of the name character at `i` (IsNameChar), or 0. U+3000 and
/// NBSP separate names as the lexer reads them (the scanner took every
/// byte above 0x7F as part of one: `销售额　` was an unknown word).
size_t NameCharAt(std::string_view t, size_t i) {
  uint32_t cp;
  size_t n = DecodeUtf8(t, i, &cp);
  return IsNameChar(cp) ? n : 0;
}
/// The bytes of the code point at `i`.
size_t CodePointBytes(std::string_view t, size_t i) {
  uint32_t cp;
  return DecodeUtf8(t, i, &cp);
}

/// A dotted name in the text, with the byte range of each part.
struct PathOcc {
  struct Part {
    std::string name;
    uint32_t begin, end;
  };
  std::vector<Part> parts;
};

/// Every dotted name outside strings and comments (numbers and dates skipped).
std::vector<PathOcc> Paths(std::string_view t) {
  std::vector<PathOcc> out;
  size_t i = 0, n = t.size();
  while (i < n) {
    char c = t[i];
    if (c == '"' || c == '\'') {
      for (++i; i < n && t[i] != c && t[i] != '\n'; ++i)
        if (t[i] == '\\') ++i;
      ++i;
    } else if (c == '/' && i + 1 < n && t[i + 1] == '/') {
      while (i < n && t[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && t[i + 1] == '*') {
      size_t e = t.find("*/", i + 2);
      i = e == std::string_view::npos ? n : e + 2;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < n && (t[i] == '.' || t[i] == '-' || t[i] == ':' || t[i] == '%' || NameCharAt(t, i)))
        i += CodePointBytes(t, i);
    } else if (NameCharAt(t, i)) {
      PathOcc p;
      while (true) {
        size_t b = i;
        while (size_t len = i < n ? NameCharAt(t, i) : 0) i += len;
        p.parts.push_back({std::string(t.substr(b, i - b)), static_cast<uint32_t>(b), static_cast<uint32_t>(i)});
        if (i + 1 < n && t[i] == '.' && NameCharAt(t, i + 1) && !std::isdigit(static_cast<unsigned char>(t[i + 1])))
          ++i;
        else
          break;
      }
      out.push_back(std::move(p));
    } else {
      i += CodePointBytes(t, i);
    }
  }
  return out;
}

/// Where the name (dotted) that ends at `off` starts.
size_t NameStart(std::string_view t, size_t off) {
  // Back over bytes that may belong to one, then forward past any code
  // point that is not part of a name (U+3000 ends in a byte above 0x7F).
  size_t b = off;
  while (b > 0 && (t[b - 1] == '.' || t[b - 1] == '_' || std::isalnum(static_cast<unsigned char>(t[b - 1])) ||
                   static_cast<unsigned char>(t[b - 1]) >= 0x80))
    --b;
  for (size_t i = b; i < off;) {
    size_t len = CodePointBytes(t, i);
    if (t[i] != '.' && !NameCharAt(t, i)) b = i + len;
    i += len;
  }
  return b;
}

const std::vector<std::string> kKeywords = {
    "package", "import",      "as",    "dimension", "calendar", "source", "from",  "metric", "metrics",    "fn",
    "goal",    "goals",       "role",  "hide",  "report",    "key",      "time",   "unit",  "entity", "references", "rollup",
    "owner",   "description", "deprecated", "approver", "status", "definition", "label", "format",    "tags",     "period", "grain", "target", "decompose",  "drill",
    "top",     "alert",       "when",  "severity",  "message",  "by",     "all",   "chart",  "and",        "or",
    "not",     "in",          "is",    "where",     "true",     "false",  "null",  "expect", "unique",     "found",
    "fresh",   "within",      "rows",  "change",    "between",  "reconciles", "with"};

/// A file's bytes as they are on disk ("" when it cannot be read).
std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::set<std::string> kReserved = {"and", "or", "not", "in", "is", "where", "true", "false", "null"};

std::string AttrText(const std::vector<ast::Attribute>& attrs, const char* key) {
  for (const auto& a : attrs)
    if (a.key.name == key && a.lang.empty() && !a.values.empty()) return a.values[0].text;
  return "";
}

const char* TypeText(const ast::TypeRef& t, std::string* buf) {
  *buf = t.name.name + (t.scale ? fmt::format("({})", *t.scale) : "");
  return buf->c_str();
}

/// Package settings, for completion inside `package NAME { ... }`.
const std::vector<std::pair<std::string, std::string>> kPackageSettingDocs = {
    {"governed", "every metric needs an owner and a description"},
    {"owner", "who answers for the package"},
    {"description", "what the package is for"},
    {"languages", "the languages of its labels: \"zh\", \"en\""},
    {"lint", "levels of lint rules: \"RULE: off|warn|error\""},
    {"dialects", "the SQL dialects it must compile to: postgres, trino"},
};

/// Calendar settings, for hover and for completion inside `calendar { ... }`.
const std::vector<std::pair<std::string, std::string>> kCalendarSettingDocs = {
    {"week_start", "the first day of a week: monday (ISO weeks, the default) .. sunday"},
    {"fiscal_year_start", "the month (1-12) the fiscal year starts in; a fiscal year is named by the year it ends in"},
    {"time_zone", "the zone timestamps are bucketed in: an IANA name, \"UTC\" or \"+08:00\""},
    {"pattern",
     "a retail calendar: \"4-4-5\", \"4-5-4\" or \"5-4-4\" weeks in the months of each 13-week quarter; the "
     "year is 52 or 53 whole weeks ending on the week's last day nearest the end of the month before "
     "fiscal_year_start (NRF: week_start sunday, fiscal_year_start 2, pattern \"4-5-4\"); the 53rd week is the "
     "last month's"},
    {"working_days",
     "the source of holidays and make-up working days for working_days(): a `time` date column and a bool column "
     "(`working`), true for a day worked; other days are worked Monday to Friday"},
};

/// Dimension settings, for hover and for completion inside `dimension NAME { ... }`.
const std::vector<std::pair<std::string, std::string>> kDimensionSettingDocs = {
    {"description", "what the dimension is, for the catalog and for hover"},
    {"label",
     "the dimension's label, when none follows its name; `label.en \"Region\"` heads a breakdown or a drill-down "
     "in an English report (`--lang en`)"},
    {"owner", "who answers for the dimension and its members"},
    {"values", "its members, listed in the catalog: `values \"华东\", \"华北\"`"},
};

/// The governance attributes of metrics, for hover and completion.
const std::vector<std::pair<std::string, std::string>> kGovernanceDocs = {
    {"approver", "who approved the metric's definition: `approver \"finance-council\"`"},
    {"status",
     "the metric's governance status: `draft`, `approved` or `deprecated` (a `deprecated \"...\"` message makes it "
     "`deprecated`); goals using a deprecated metric are L0008, and in a `governed true` package a metric that is "
     "not approved is L0009"},
    {"definition", "the metric's definition in words (口径): what it counts, when and what it leaves out"},
};

/// The statuses after `status`, for completion.
const std::vector<std::pair<std::string, std::string>> kStatusDocs = {
    {"draft", "not reviewed yet"},
    {"approved", "reviewed and approved (give its `approver`)"},
    {"deprecated", "retired: goals should stop using it (L0008)"},
};

/// What a dialect refuses, for hover and completion.
std::string DialectDoc(builtins::Dialect d) {
  std::string refused;
  for (const builtins::Builtin* b : builtins::All())
    if (const char* why = b->dialects[static_cast<int>(d)].refused)
      refused += fmt::format("\n- `{}`: {}", b->name, why);
  return refused.empty() ? "computes every builtin"
                         : "refuses (E0502 in a package that declares it):" + refused;
}

/// A declaration's settings (`owner "ops"`), for the kinds that have them.
const std::vector<ast::Attribute>* AttrsOf(const ast::Decl& d) {
  switch (d.kind) {
    case DeclKind::kPackage:
      return &static_cast<const ast::PackageDecl&>(d).attrs;
    case DeclKind::kDimension:
      return &static_cast<const ast::DimensionDecl&>(d).attrs;
    case DeclKind::kCalendar:
      return &static_cast<const ast::CalendarDecl&>(d).attrs;
    case DeclKind::kMetric:
      return &static_cast<const ast::MetricDecl&>(d).attrs;
    case DeclKind::kFn:
      return &static_cast<const ast::FnDecl&>(d).attrs;
    default:
      return nullptr;
  }
}

/// Where the words of a file that are keywords start: a declaration's and
/// a clause's keyword, a setting's key. A metric may be called `target` or
/// `owner`; those words are never a use of it (a rename of the metric
/// `target` rewrote the goal's `target` clause).
std::set<uint32_t> KeywordStarts(const ast::File& f) {
  std::set<uint32_t> out;
  auto add = [&](Span s) {
    if (s.valid()) out.insert(s.begin);
  };
  for (const auto& d : f.decls) {
    add(d->keyword_span);
    if (const std::vector<ast::Attribute>* attrs = AttrsOf(*d))
      for (const ast::Attribute& a : *attrs) add(a.key.span);
    if (d->kind == DeclKind::kGoal)
      for (const ast::GoalItem& i : static_cast<const ast::GoalDecl&>(*d).items) {
        add(i.keyword_span);
        if (i.kind == ast::GoalItem::Kind::kAttr || i.kind == ast::GoalItem::Kind::kSetting) add(i.attr.key.span);
      }
    // Each item of a report starts with its keyword (`metrics`, `chart`) or key.
    if (d->kind == DeclKind::kReport)
      for (const ast::ReportItem& i : static_cast<const ast::ReportDecl&>(*d).items) add(i.span);
  }
  return out;
}

/// Where the names that may be a metric's use start: the names and members
/// of every expression (formulas, fn bodies, goals' clauses, alerts,
/// charts, data tests, role filters) and a report's `metrics` list. A word
/// of a clause (`within 2 days`, `by month`, `severity warning`, `rows
/// change within`) is none: a metric named `days` had them among its
/// references, and its rename rewrote them (review, 2026-12-07).
std::set<uint32_t> MetricUseStarts(const ast::File& f) {
  std::set<uint32_t> out;
  std::function<void(const ast::Expr*)> walk = [&](const ast::Expr* e) {
    if (!e) return;
    if ((e->kind == ast::ExprKind::kName || e->kind == ast::ExprKind::kMember) && e->name.span.valid())
      out.insert(e->name.span.begin);
    walk(e->lhs.get());
    walk(e->rhs.get());
    // A builtin's argument that names a period, a grain, a currency, a
    // duration or a source is no metric's use (`sales.change(month)`
    // renamed with a metric `month`: E0212, second review, 2026-12-07).
    const builtins::Builtin* b = nullptr;
    if (e->kind == ast::ExprKind::kCall && e->lhs)
      b = e->lhs->kind == ast::ExprKind::kMember ? builtins::FindMethod(e->lhs->name.name)
          : e->lhs->kind == ast::ExprKind::kName ? builtins::FindFunction(e->lhs->name.name)
                                                 : nullptr;
    for (size_t i = 0; i < e->args.size(); ++i) {
      if (b && !b->kinds.empty()) {
        builtins::ArgKind k = b->kinds[std::min(i, b->kinds.size() - 1)];
        if (k != builtins::ArgKind::kExpr && k != builtins::ArgKind::kSourceOrExpr && k != builtins::ArgKind::kConstant)
          continue;
      }
      walk(e->args[i].value.get());
    }
    for (const ast::ExprPtr& x : e->items) walk(x.get());
  };
  for (const auto& d : f.decls) {
    switch (d->kind) {
      case DeclKind::kMetric:
        walk(static_cast<const ast::MetricDecl&>(*d).expr.get());
        break;
      case DeclKind::kFn:
        walk(static_cast<const ast::FnDecl&>(*d).body.get());
        break;
      case DeclKind::kGoal:
        for (const ast::GoalItem& i : static_cast<const ast::GoalDecl&>(*d).items) {
          walk(i.expr.get());
          // `decompose amount = cnt * aov` names the metric it breaks down.
          if (i.kind == ast::GoalItem::Kind::kDecompose && i.name) out.insert(i.name->span.begin);
        }
        break;
      case DeclKind::kRole:
        for (const ast::RoleItem& i : static_cast<const ast::RoleDecl&>(*d).items) walk(i.filter.get());
        break;
      case DeclKind::kReport:
        for (const ast::ReportItem& i : static_cast<const ast::ReportDecl&>(*d).items) {
          walk(i.expr.get());
          if (i.kind == ast::ReportItem::Kind::kMetrics)
            for (const ast::Ident& n : i.names) out.insert(n.span.begin);
        }
        break;
      case DeclKind::kExpect: {
        const auto& x = static_cast<const ast::ExpectDecl&>(*d);
        for (const ast::Expr* e : {x.expr.get(), x.other.get(), x.low.get(), x.high.get()}) walk(e);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/// The parameter called `name` of the fn or role around `off` (parameters
/// shadow metrics of the same name), and that fn or role in `*owner`.
const ast::Param* ParamAt(const ast::File& f, uint32_t off, const std::string& name, const ast::Decl** owner) {
  for (const auto& d : f.decls) {
    if (off < d->span.begin || off > d->span.end) continue;
    const std::vector<ast::Param>* params = d->kind == DeclKind::kFn     ? &static_cast<const ast::FnDecl&>(*d).params
                                            : d->kind == DeclKind::kRole ? &static_cast<const ast::RoleDecl&>(*d).params
                                                                         : nullptr;
    for (size_t i = 0; params && i < params->size(); ++i)
      if ((*params)[i].name.name == name) {
        *owner = d.get();
        return &(*params)[i];
      }
  }
  return nullptr;
}

/// Keeps every error, and the first warnings and notes by position up to
/// `kpic check`'s cap per file, with one note saying how many more there are.
void CapWarnings(std::vector<LspDiagnostic>* ds) {
  size_t kept = 0, dropped = 0;
  std::vector<LspDiagnostic> out;
  for (LspDiagnostic& d : *ds) {
    bool error = d.severity == "error";
    if (!error && kept == DiagnosticSink::kMaxPerFile) {
      ++dropped;
      continue;
    }
    kept += !error;
    out.push_back(std::move(d));
  }
  if (dropped)
    out.push_back({{}, "",
                   fmt::format("{} more warning{} not shown in this file (the first {} are, and every error); "
                               "`kpic check --max-errors N` lists more",
                               dropped, dropped == 1 ? "" : "s", DiagnosticSink::kMaxPerFile),
                   "information", {}, {}});
  *ds = std::move(out);
}

}  // namespace

struct Workspace::Target {
  enum class Kind { kDecl, kColumn, kBuiltin, kParam } kind = Kind::kDecl;
  const ast::Decl* decl = nullptr;      ///< kDecl; kColumn: the source; kParam: the fn or role
  const ast::Column* column = nullptr;  ///< kColumn
  const builtins::Builtin* builtin = nullptr;  ///< kBuiltin
  const ast::Param* param = nullptr;           ///< kParam

  /// Its name where it is declared (not valid for a declaration without a name).
  Span Declared() const {
    return kind == Kind::kColumn ? column->name.span : kind == Kind::kParam ? param->name.span : decl->name.span;
  }
};

// ---- documents -------------------------------------------------------------------------

void Workspace::AddFolder(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  folders_.push_back(fs::path(root).lexically_normal().string());
  for (const std::string& path : FolderFiles({folders_.back()})) {
    in_folders_.insert(path);
    if (!docs_.count(path)) docs_[path] = Doc{ReadText(path), false};
  }
  dirty_ = true;
}

std::set<std::string> Workspace::FolderFiles(const std::vector<std::string>& roots) {
  // The files `kpic check ROOT` reads, found as it finds them (it had
  // skipped folders named build* and read actions/*.kpi).
  std::set<std::string> out;
  for (const std::string& root : roots) {
    try {
      for (const std::string& f : CollectInputs({root}).files) out.insert(fs::path(f).lexically_normal().string());
    } catch (const UsageError&) {
      // The folder went away: nothing in it.
    }
  }
  return out;
}

void Workspace::Open(const std::string& path, std::string text) {
  docs_[path] = Doc{std::move(text), true};
  dirty_ = true;
}

void Workspace::Change(const std::string& path, const std::optional<Range>& range, const std::string& text) {
  Doc& d = docs_[path];
  d.open = true;
  if (!range) {
    d.text = text;
  } else {
    uint32_t a = Offset(d.text, range->start), b = Offset(d.text, range->end);
    if (b < a) std::swap(a, b);
    d.text.replace(a, b - a, text);
  }
  dirty_ = true;
}

void Workspace::Close(const std::string& path) {
  auto it = docs_.find(path);
  if (it == docs_.end()) return;
  it->second.open = false;
  Reload({path});
}

void Workspace::Reload(const std::vector<std::string>& paths) {
  std::optional<std::set<std::string>> found;  // the folders walked once, when a new file needs it
  for (const std::string& path : paths) {
    std::error_code ec;
    bool exists = fs::is_regular_file(path, ec);
    if (!exists) in_folders_.erase(path);
    if (exists && !in_folders_.count(path)) {
      if (!found) found = FolderFiles(folders_);
      if (found->count(path)) in_folders_.insert(path);
    }
    auto it = docs_.find(path);
    if (it != docs_.end() && it->second.open) continue;  // the editor's buffer wins over the disk
    // A file outside the folders (opened, then closed) leaves the workspace.
    if (in_folders_.count(path))
      docs_[path] = Doc{ReadText(path), false};
    else if (it != docs_.end())
      docs_.erase(it);
  }
  dirty_ = true;
}

// ---- positions -------------------------------------------------------------------------

namespace {

/// The first line break at or after `from`: "\n" (of "\r\n" too) or a bare
/// "\r", which LSP counts as a line break as well (kpic check does not:
/// a file of bare CRs was one line, and edits landed at its end).
size_t LineBreak(std::string_view t, size_t from) {
  for (size_t i = from; i < t.size(); ++i)
    if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == t.size() || t[i + 1] != '\n'))) return i;
  return std::string::npos;
}

/// Where each line starts, as LSP counts lines.
std::vector<uint32_t> LspLineStarts(std::string_view t) {
  std::vector<uint32_t> out{0};
  for (size_t i = LineBreak(t, 0); i != std::string::npos; i = LineBreak(t, i + 1))
    out.push_back(static_cast<uint32_t>(i + 1));
  return out;
}

}  // namespace

uint32_t Workspace::Offset(const std::string& text, Pos p) const {
  size_t start = 0;
  for (uint32_t l = 0; l < p.line; ++l) {
    size_t nl = LineBreak(text, start);
    if (nl == std::string::npos) return static_cast<uint32_t>(text.size());
    start = nl + 1;
  }
  size_t end = LineBreak(text, start);
  if (end == std::string::npos) end = text.size();
  size_t i = start;
  if (start == 0 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  uint32_t units = 0;
  while (i < end && units < p.character) {
    uint32_t cp;
    size_t n = DecodeUtf8(text, i, &cp);
    units += enc_ == Encoding::kUtf8 ? static_cast<uint32_t>(n) : enc_ == Encoding::kUtf16 && cp >= 0x10000 ? 2 : 1;
    i += n;
  }
  return static_cast<uint32_t>(i);
}

Pos Workspace::PosOf(const std::string& text, uint32_t offset, const std::vector<uint32_t>* line_starts) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  Pos p;
  std::vector<uint32_t> own;
  if (!line_starts || line_starts->empty()) line_starts = &(own = LspLineStarts(text));
  // The file's line index: each position no longer scans from the start
  // (a document's symbols took 18.6 s at 40,000 lines: hang probe,
  // 2026-12-07).
  auto it = std::upper_bound(line_starts->begin(), line_starts->end(), offset);
  p.line = static_cast<uint32_t>(it - line_starts->begin()) - 1;
  size_t line_start = (*line_starts)[p.line];
  size_t i = line_start;
  if (line_start == 0 && text.compare(0, 3, "\xEF\xBB\xBF") == 0 && offset >= 3) i = 3;
  while (i < offset) {
    uint32_t cp;
    size_t n = DecodeUtf8(text, i, &cp);
    p.character += enc_ == Encoding::kUtf8                     ? static_cast<uint32_t>(n)
                   : enc_ == Encoding::kUtf16 && cp >= 0x10000 ? 2
                                                               : 1;
    i += n;
  }
  return p;
}

const std::vector<uint32_t>& Workspace::LinesOf(FileId id) const {
  const SourceFile& f = sm_.Get(id);
  auto it = lsp_lines_.find(id);
  if (it == lsp_lines_.end()) {
    // Kept only for a file with a bare CR; others use the file's own index.
    std::vector<uint32_t> starts = LspLineStarts(f.text);
    it = lsp_lines_.emplace(id, starts == f.line_starts ? std::vector<uint32_t>() : std::move(starts)).first;
  }
  return it->second.empty() ? f.line_starts : it->second;
}

Range Workspace::RangeOf(const std::string& path, uint32_t begin, uint32_t end) const {
  return SpanRange(Span{file_of_.at(path), begin, end});
}

Range Workspace::SpanRange(Span s) const {
  const SourceFile& f = sm_.Get(s.file);
  const std::vector<uint32_t>& lines = LinesOf(s.file);
  return {PosOf(f.text, s.begin, &lines), PosOf(f.text, std::max(s.begin, s.end), &lines)};
}

// ---- analysis ----------------------------------------------------------------------------

void Workspace::Analyze() {
  if (!dirty_ && analysed_) return;
  dirty_ = false;
  analysed_ = true;
  // Old texts pile up in the source manager as documents change; start over
  // now and then: by their number, and by their bytes (each edit of a 2 MB
  // file kept 2 MB until 4 × 65 texts had piled up: LSP probe, 2026-12-07).
  size_t live_bytes = 0;
  for (const auto& [path, doc] : docs_) live_bytes += doc.text.size();
  for (const auto& [path, text] : stdlib_texts_) live_bytes += text.size();
  if (sm_.size() > 4 * (docs_.size() + 64) || sm_bytes_ > 2 * live_bytes + (size_t{8} << 20)) {
    parsed_.clear();
    sm_ = SourceManager();
    sm_bytes_ = 0;
    lsp_lines_.clear();
  }
  // Parse what changed; every other file keeps its AST and its parse
  // diagnostics.
  auto parse = [&](const std::string& path, const std::string& text, bool stdlib) {
    Parsed& p = parsed_[path];
    if (p.file && p.text == text) return;
    p.text = text;
    p.stdlib = stdlib;
    FileId id = sm_.Add(path, text);
    sm_bytes_ += text.size();
    DiagnosticSink sink;
    p.file = ParseFile(sm_, id, sink, options_.parse);
    p.diags = sink.diagnostics();
  };
  std::vector<std::string> too_big;
  std::set<std::string> live;
  for (const auto& [path, doc] : docs_) {
    if (doc.text.size() > limits_.max_file_bytes) {
      too_big.push_back(path);
      continue;
    }
    parse(path, doc.text, false);
    live.insert(path);
  }
  if (!stdlib_loaded_) {
    stdlib_loaded_ = true;
    if (auto dir = FindStdlib(options_); dir && !options_.no_stdlib) {
      std::error_code ec;
      if (fs::is_directory(*dir, ec))
        for (const std::string& f : CollectInputs({*dir}).files) stdlib_texts_[f] = ReadText(f);
    }
  }
  for (const auto& [path, text] : stdlib_texts_)
    if (!docs_.count(path)) {
      parse(path, text, true);
      live.insert(path);
    }
  for (auto it = parsed_.begin(); it != parsed_.end();) it = live.count(it->first) ? std::next(it) : parsed_.erase(it);
  // Check everything together, then lint.
  diags_ = DiagnosticSink();
  // No cap here: it kept a file's first 50 by position, and an error after
  // 50 warnings never reached the editor (CapWarnings caps the rest).
  diags_.set_max_per_file(std::numeric_limits<size_t>::max());
  files_.clear();
  stdlib_.clear();
  file_of_.clear();
  CheckInput input;
  for (auto& [path, p] : parsed_) {
    for (const Diagnostic& d : p.diags) {
      Diagnostic& copy = diags_.Report(d.code, d.span, d.message);
      copy = d;
    }
    files_.push_back(p.file.get());
    input.files.push_back(p.file.get());
    file_of_[path] = p.file->id;
    if (p.stdlib) {
      stdlib_.insert(p.file->id);
      input.stdlib_files.insert(p.file->id);
    }
  }
  catalog_ = Check(input, sm_, diags_);
  PlanChecks(catalog_.checked.ir, diags_, true);  // E0320, W0010, as `kpic check` reports them
  Lint(catalog_, diags_);
  // The action logs beside the documents (actions/*.action), read from
  // disk and checked as `kpic check` checks them; their diagnostics are
  // published for the action files.
  std::vector<std::string> folders;
  for (const auto& [path, doc] : docs_) folders.push_back(fs::path(path).parent_path().string());
  std::vector<actions::Action> acts = actions::Load(actions::Folders(folders), sm_, diags_);
  actions::Validate(acts, catalog_.checked.ir, diags_);
  diags_.SortByPosition();
  diagnostics_.clear();
  for (const auto& [path, doc] : docs_) diagnostics_[path];
  for (const actions::Action& a : acts) diagnostics_[a.file];
  for (const Diagnostic& d : diags_.diagnostics())
    if (d.span.file != kNoFile && sm_.Get(d.span.file).path.ends_with(".action")) diagnostics_[sm_.Get(d.span.file).path];
  for (const std::string& path : too_big)
    diagnostics_[path].push_back(
        {{}, "E0004",
         fmt::format("the file has {} bytes, more than the language server analyses ({}); `kpic check` reads it",
                     docs_.at(path).text.size(), limits_.max_file_bytes),
         "error", {}, {}});
  for (const Diagnostic& d : diags_.diagnostics()) {
    if (d.span.file == kNoFile) continue;
    const std::string& path = sm_.Get(d.span.file).path;
    auto it = diagnostics_.find(path);
    if (it == diagnostics_.end() || stdlib_.count(d.span.file)) continue;
    LspDiagnostic ld;
    ld.range = SpanRange(d.span);
    ld.code = std::string(CodeName(d.code));
    ld.message = d.message;
    ld.severity = d.severity == Severity::kError ? "error" : d.severity == Severity::kWarning ? "warning" : "information";
    ld.notes = d.notes;
    for (const Fix& f : d.fixes) ld.fixes.push_back({f.message, SpanRange(f.span), f.replacement});
    it->second.push_back(std::move(ld));
  }
  for (auto& [path, ds] : diagnostics_) CapWarnings(&ds);
}

std::map<std::string, std::vector<LspDiagnostic>> Workspace::Diagnostics() {
  Analyze();
  return diagnostics_;
}

// ---- names -------------------------------------------------------------------------------

const ast::File* Workspace::FileOf(FileId id) const {
  for (const ast::File* f : files_)
    if (f->id == id) return f;
  return nullptr;
}

namespace {

const Package* PackageOfFile(const Catalog& catalog, const std::vector<const ast::File*>& files, FileId id) {
  for (const ast::File* f : files)
    if (f->id == id) {
      const ast::PackageDecl* p = f->package();
      return catalog.FindPackage(p ? p->path.Joined() : "main");
    }
  return nullptr;
}

const ast::Column* ColumnOf(const ast::SourceDecl* s, const std::string& name) {
  if (!s) return nullptr;
  for (const auto& c : s->columns)
    if (c.name.name == name) return &c;
  return nullptr;
}

}  // namespace

std::optional<Workspace::Target> Workspace::Resolve(const std::string& path, Pos p) {
  Analyze();
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return std::nullopt;
  const std::string& text = sm_.Get(fid->second).text;
  uint32_t off = Offset(text, p);
  const Package* pkg = PackageOfFile(catalog_, files_, fid->second);
  if (!pkg) return std::nullopt;
  Scope scope(catalog_, pkg);
  std::set<uint32_t> keywords = KeywordStarts(*FileOf(fid->second));
  for (const PathOcc& occ : Paths(text)) {
    for (size_t k = 0; k < occ.parts.size(); ++k) {
      if (off < occ.parts[k].begin || off > occ.parts[k].end) continue;
      if (keywords.count(occ.parts[0].begin)) return std::nullopt;
      const ast::Decl* owner = nullptr;
      if (const ast::Param* param = ParamAt(*FileOf(fid->second), occ.parts[0].begin, occ.parts[0].name, &owner))
        return k == 0 ? std::optional(Target{Target::Kind::kParam, owner, nullptr, nullptr, param}) : std::nullopt;
      std::vector<ast::Ident> ids(k + 1);
      std::vector<const ast::Ident*> ptrs;
      for (size_t i = 0; i <= k; ++i) ids[i].name = occ.parts[i].name, ptrs.push_back(&ids[i]);
      size_t next = 0;
      const ast::Decl* d = scope.ResolvePath(ptrs, &next);
      // A column declared in a source body.
      for (const auto& f : files_) {
        if (f->id != fid->second) continue;
        for (const auto& decl : f->decls) {
          if (decl->kind != DeclKind::kSource || off < decl->span.begin || off > decl->span.end) continue;
          for (const auto& c : static_cast<const ast::SourceDecl&>(*decl).columns)
            if (c.name.span.begin <= off && off <= c.name.span.end)
              return Target{Target::Kind::kColumn, decl.get(), &c, nullptr};
        }
      }
      if (d && next == k + 1) return Target{Target::Kind::kDecl, d, nullptr, nullptr};
      if (d && d->kind == DeclKind::kSource && next <= k) {
        // Columns, following lookups: `orders.product_id.category`.
        const ast::SourceDecl* src = static_cast<const ast::SourceDecl*>(d);
        const ast::Column* col = nullptr;
        for (size_t i = next; i <= k && src; ++i) {
          col = ColumnOf(src, occ.parts[i].name);
          if (!col) return std::nullopt;
          if (i < k) {
            if (!col->references) return std::nullopt;
            src = scope.SourceByName(col->references->parts.back().name);
          }
        }
        if (col) return Target{Target::Kind::kColumn, src, col, nullptr};
      }
      if (d && d->kind == DeclKind::kMetric && next <= k)
        if (const builtins::Builtin* b = builtins::FindMethod(occ.parts[k].name))
          return Target{Target::Kind::kBuiltin, nullptr, nullptr, b};
      if (k == 0)
        if (const builtins::Builtin* b = builtins::FindFunction(occ.parts[0].name))
          return Target{Target::Kind::kBuiltin, nullptr, nullptr, b};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Workspace::TypeAt(const std::string& path, Pos p) {
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return std::nullopt;
  uint32_t off = Offset(sm_.Get(fid->second).text, p);
  // The innermost typed expression under the cursor, as the checker typed it.
  const ir::Module& m = catalog_.checked.ir;
  int best = -1;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const ir::Node& n = m.nodes[i];
    if (n.span.file != fid->second || off < n.span.begin || off > n.span.end || n.kind == ir::Kind::kSymbol) continue;
    if (best < 0 || n.span.size() < m.nodes[best].span.size()) best = static_cast<int>(i);
  }
  if (best < 0) return std::nullopt;
  const ir::Type& t = m.nodes[best].type;
  std::string where = t.level == ir::Level::kRow && t.source >= 0 ? fmt::format("per row of `{}`", m.sources[t.source].name)
                      : m.nodes[best].kind == ir::Kind::kForecast
                          ? "the goal's forecast at the end of its period (once, for the total and each drill member)"
                      : t.level == ir::Level::kMetric ? "per period and member"
                                                      : "a constant";
  std::string value = t.level == ir::Level::kMetric ? "number" : ir::VTName(t.scalar.vt);
  if (t.level != ir::Level::kMetric && t.scalar.vt == ir::VT::kDecimal) value = fmt::format("decimal({})", t.scalar.scale);
  std::string out = fmt::format("`{}` · {} · unit `{}` · {}", ir::DumpNode(m, best), value, t.unit.ToString(), where);
  if (t.level == ir::Level::kMetric) out += fmt::format(" · {}", ir::AdditivityName(t.additivity));
  return out;
}

/// The `dialects` setting of a package clause, or one of its values,
/// under the cursor.
std::optional<std::string> Workspace::SettingHover(const std::string& path, Pos p) {
  Analyze();
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return std::nullopt;
  uint32_t off = Offset(sm_.Get(fid->second).text, p);
  for (const auto& f : files_) {
    if (f->id != fid->second) continue;
    for (const auto& d : f->decls) {
      if (d->kind == DeclKind::kExpect && off >= d->keyword_span.begin && off <= d->keyword_span.end)
        return fmt::format("**expect** — data test\n\n```kpi\nexpect {}\n```\n\nchecked against the data by "
                           "`kpic test` (exit 6 when it fails); see \"Data tests\" in docs/language.md",
                           ast::ExpectText(static_cast<const ast::ExpectDecl&>(*d)));
      if (d->kind == DeclKind::kCalendar && off >= d->span.begin && off <= d->span.end) {
        for (const ast::Attribute& a : static_cast<const ast::CalendarDecl&>(*d).attrs) {
          if (off < a.key.span.begin || off > a.key.span.end) continue;
          for (const auto& [name, doc] : kCalendarSettingDocs)
            if (name == a.key.name) return fmt::format("**{}** — calendar setting\n\n{}", name, doc);
        }
      }
      if (d->kind == DeclKind::kDimension && off >= d->span.begin && off <= d->span.end) {
        for (const ast::Attribute& a : static_cast<const ast::DimensionDecl&>(*d).attrs) {
          if (off < a.key.span.begin || off > a.key.span.end) continue;
          for (const auto& [name, doc] : kDimensionSettingDocs)
            if (name == a.key.name) return fmt::format("**{}** — dimension setting\n\n{}", name, doc);
        }
      }
      if (d->kind == DeclKind::kMetric && off >= d->span.begin && off <= d->span.end) {
        for (const ast::Attribute& a : static_cast<const ast::MetricDecl&>(*d).attrs) {
          if (off < a.key.span.begin || off > a.key.span.end) continue;
          for (const auto& [name, doc] : kGovernanceDocs)
            if (name == a.key.name) return fmt::format("**{}** — metric attribute (governance)\n\n{}", name, doc);
        }
      }
      if (d->kind != DeclKind::kPackage || off < d->span.begin || off > d->span.end) continue;
      for (const ast::Attribute& a : static_cast<const ast::PackageDecl&>(*d).attrs) {
        if (a.key.name != "dialects") continue;
        if (a.key.span.begin <= off && off <= a.key.span.end)
          return fmt::format(
              "**dialects** — package setting\n\nThe SQL dialects of `kpic sql` that the package must compile to: "
              "`kpic check` reports every construct one of them refuses (E0502). The dialects: {}.",
              fmt::join(builtins::DialectNames(), ", "));
        for (const ast::AttrValue* v : DialectValues(a)) {
          builtins::Dialect dl;
          if (v->span.begin <= off && off <= v->span.end && builtins::FindDialect(v->text, &dl))
            return fmt::format("**{}** — SQL dialect (`kpic sql --dialect {}`)\n\n{}", v->text, v->text,
                               DialectDoc(dl));
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> Workspace::Hover(const std::string& path, Pos p) {
  if (auto h = SettingHover(path, p)) return h;
  auto t = Resolve(path, p);
  std::optional<std::string> type = TypeAt(path, p);
  if (!t) return type;
  std::string out, buf;
  if (t->kind == Target::Kind::kBuiltin) {
    out = fmt::format("**{}** — builtin `{}`\n\n{}", t->builtin->name, t->builtin->signature, t->builtin->summary);
    if (type) out += "\n\n" + *type;
    return out;
  }
  if (t->kind == Target::Kind::kParam) {
    const ast::Param& prm = *t->param;
    out = fmt::format("**{}** — parameter of {} `{}`", prm.name.name, ast::DeclKindName(t->decl->kind), t->decl->name.name);
    if (prm.unit) out += fmt::format(" · unit `{}`", prm.unit->ToString());
    if (prm.type) out += fmt::format(" · `{}`", TypeText(*prm.type, &buf));
    return out;
  }
  if (t->kind == Target::Kind::kColumn) {
    const ast::Column& c = *t->column;
    out = fmt::format("**{}.{}**: `{}`", t->decl->name.name, c.name.name, TypeText(c.type, &buf));
    if (c.unit) out += fmt::format(" · unit `{}`", c.unit->ToString());
    if (c.header) out += fmt::format("\n\nheader `{}`", *c.header);
    if (c.key) out += "\n\nkey";
    if (c.time) out += "\n\nthe time axis";
    if (c.dimension) out += fmt::format("\n\ndimension `{}`", c.dimension->name);
    if (c.references) out += fmt::format("\n\nreferences `{}`", c.references->Joined());
    if (c.rollup) out += fmt::format("\n\nrolls up over time by `{}`", c.rollup->name);
    return out;
  }
  const ast::Decl& d = *t->decl;
  out = fmt::format("**{}**{} — {}", d.name.name, d.label && *d.label != d.name.name ? " " + *d.label : "",
                    ast::DeclKindName(d.kind));
  if (d.kind == DeclKind::kMetric) {
    const auto& m = static_cast<const ast::MetricDecl&>(d);
    auto it = catalog_.checked.metrics.find(d.name.name);
    if (it != catalog_.checked.metrics.end() && it->second.decl == &m && it->second.ir >= 0) {
      const ir::Metric& mt = catalog_.checked.ir.metrics[it->second.ir];
      out += fmt::format("\n\nunit `{}`{} · {}", mt.percent ? "percent" : mt.unit.ToString(), "",
                         ir::AdditivityName(mt.additivity));
    }
    if (m.expr) out += fmt::format("\n\n```kpi\n{}\n```", sm_.Text(m.expr->span));
    std::string owner = AttrText(m.attrs, "owner"), desc = AttrText(m.attrs, "description");
    if (!owner.empty()) out += fmt::format("\n\nowner: {}", owner);
    std::string status = MetricStatus(m.attrs), approver = AttrText(m.attrs, "approver");
    if (!status.empty()) out += fmt::format("\n\nstatus: {}", status);
    if (!approver.empty()) out += fmt::format("{}approved by: {}", status.empty() ? "\n\n" : " · ", approver);
    if (!d.doc.empty()) out += "\n\n" + d.doc;
    if (!desc.empty()) out += "\n\n" + desc;
    std::string definition = AttrText(m.attrs, "definition");
    if (!definition.empty()) out += "\n\ndefinition (口径): " + definition;
  } else if (d.kind == DeclKind::kSource) {
    const auto& s = static_cast<const ast::SourceDecl&>(d);
    if (s.binding) out += fmt::format("\n\nfrom `{}`", sm_.Text(s.binding->span));
    out += fmt::format("\n\n{} columns", s.columns.size());
    if (!d.doc.empty()) out += "\n\n" + d.doc;
  } else {
    if (!d.doc.empty()) out += "\n\n" + d.doc;
  }
  return out;
}

std::optional<Location> Workspace::Definition(const std::string& path, Pos p) {
  auto t = Resolve(path, p);
  if (!t || t->kind == Target::Kind::kBuiltin) return std::nullopt;
  Span s = t->Declared();
  if (!s.valid()) s = t->decl->span;
  return Location{sm_.Get(s.file).path, SpanRange(s)};
}

std::vector<Location> Workspace::Occurrences(const Target& t) {
  std::vector<Location> out;
  std::set<std::pair<std::string, uint32_t>> seen;
  auto add = [&](const std::string& path, uint32_t b, uint32_t e) {
    if (seen.insert({path, b}).second) out.push_back({path, RangeOf(path, b, e)});
  };
  for (const auto& f : files_) {
    if (stdlib_.count(f->id)) continue;
    const std::string& path = sm_.Get(f->id).path;
    const std::string& text = sm_.Get(f->id).text;
    const Package* pkg = PackageOfFile(catalog_, files_, f->id);
    if (!pkg) continue;
    Scope scope(catalog_, pkg);
    // Column names in source bodies are declarations, not uses of a metric.
    std::vector<std::pair<uint32_t, uint32_t>> bodies;
    for (const auto& d : f->decls)
      if (d->kind == DeclKind::kSource) bodies.push_back({d->span.begin, d->span.end});
    std::set<uint32_t> keywords = KeywordStarts(*f);
    const bool metric = t.kind == Target::Kind::kDecl && t.decl->kind == DeclKind::kMetric;
    const std::set<uint32_t> uses = metric ? MetricUseStarts(*f) : std::set<uint32_t>();
    for (const PathOcc& occ : Paths(text)) {
      if (keywords.count(occ.parts[0].begin)) continue;
      if (metric && !std::any_of(occ.parts.begin(), occ.parts.end(), [&](const auto& part) { return uses.count(part.begin); }))
        continue;
      const ast::Decl* owner = nullptr;
      const ast::Param* param = ParamAt(*f, occ.parts[0].begin, occ.parts[0].name, &owner);
      if (param && param == t.param) add(path, occ.parts[0].begin, occ.parts[0].end);
      if (param || t.kind == Target::Kind::kParam) continue;
      bool in_body = false;
      for (auto [b, e] : bodies) in_body |= occ.parts[0].begin > b && occ.parts[0].begin < e;
      std::vector<ast::Ident> ids(occ.parts.size());
      std::vector<const ast::Ident*> ptrs;
      for (size_t i = 0; i < occ.parts.size(); ++i) {
        ids[i].name = occ.parts[i].name;
        ptrs.push_back(&ids[i]);
        size_t next = 0;
        const ast::Decl* d = scope.ResolvePath(ptrs, &next);
        if (t.kind == Target::Kind::kDecl && d == t.decl && next == i + 1 &&
            (!in_body || t.decl->kind == DeclKind::kSource))
          add(path, occ.parts[i].begin, occ.parts[i].end);
        if (t.kind == Target::Kind::kColumn && d && d->kind == DeclKind::kSource && next < occ.parts.size()) {
          const ast::SourceDecl* src = static_cast<const ast::SourceDecl*>(d);
          for (size_t j = next; j < occ.parts.size() && src; ++j) {
            const ast::Column* c = ColumnOf(src, occ.parts[j].name);
            if (!c) break;
            if (c == t.column) add(path, occ.parts[j].begin, occ.parts[j].end);
            src = c->references ? scope.SourceByName(c->references->parts.back().name) : nullptr;
          }
          break;
        }
      }
    }
  }
  Span decl_span = t.Declared();
  if (decl_span.valid()) add(sm_.Get(decl_span.file).path, decl_span.begin, decl_span.end);
  std::sort(out.begin(), out.end(), [](const Location& a, const Location& b) {
    return std::tie(a.path, a.range.start.line, a.range.start.character) <
           std::tie(b.path, b.range.start.line, b.range.start.character);
  });
  return out;
}

std::vector<Location> Workspace::References(const std::string& path, Pos p, bool include_declaration) {
  auto t = Resolve(path, p);
  if (!t || t->kind == Target::Kind::kBuiltin) return {};
  std::vector<Location> all = Occurrences(*t);
  if (include_declaration) return all;
  Span ds = t->Declared();
  Location decl{sm_.Get(ds.file).path, SpanRange(ds)};
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](const Location& l) {
                             return l.path == decl.path && l.range.start.line == decl.range.start.line &&
                                    l.range.start.character == decl.range.start.character;
                           }),
            all.end());
  return all;
}

std::vector<CompletionItem> Workspace::Completion(const std::string& path, Pos p) {
  Analyze();
  std::vector<CompletionItem> out;
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return out;
  const std::string& text = docs_.count(path) ? docs_.at(path).text : sm_.Get(fid->second).text;
  uint32_t off = Offset(text, p);
  // The dotted name being typed, up to the cursor.
  size_t b = NameStart(text, off);
  std::string typed = text.substr(b, off - b);
  const Package* pkg = PackageOfFile(catalog_, files_, fid->second);
  Scope scope(catalog_, pkg);
  std::string buf;
  if (auto dot = typed.rfind('.'); dot != std::string::npos) {
    std::vector<ast::Ident> ids;
    std::string prefix = typed.substr(0, dot);
    for (size_t s = 0; s <= prefix.size();) {
      size_t e = prefix.find('.', s);
      if (e == std::string::npos) e = prefix.size();
      ast::Ident id;
      id.name = prefix.substr(s, e - s);
      ids.push_back(id);
      s = e + 1;
    }
    std::vector<const ast::Ident*> ptrs;
    for (const auto& i : ids) ptrs.push_back(&i);
    size_t next = 0;
    const ast::Decl* d = pkg ? scope.ResolvePath(ptrs, &next) : nullptr;
    if (d && d->kind == DeclKind::kSource) {
      const ast::SourceDecl* src = static_cast<const ast::SourceDecl*>(d);
      for (size_t i = next; i < ids.size() && src; ++i) {
        const ast::Column* c = ColumnOf(src, ids[i].name);
        src = c && c->references ? scope.SourceByName(c->references->parts.back().name) : nullptr;
      }
      if (src)
        for (const auto& c : src->columns) out.push_back({c.name.name, TypeText(c.type, &buf), 5});
    } else if (d && d->kind == DeclKind::kMetric && next == ids.size()) {
      for (const builtins::Builtin* m : builtins::All())
        if (m->category == builtins::Category::kMethod)
          out.push_back({std::string(m->name), std::string(m->summary), 2});
    } else if (prefix == "forecast" && !d) {
      // A goal's outlook, in its alerts (docs/language.md, "Forecasts").
      static const char* kDocs[] = {"the probability of meeting the goal's target (0 to 1)",
                                    "the forecast of the goal's compared quantity at its end",
                                    "the 80% interval's low bound", "the 80% interval's high bound",
                                    "the 95% interval's low bound", "the 95% interval's high bound"};
      for (int k = 0; k < ir::kForecastFieldCount; ++k) out.push_back({ir::kForecastFields[k], kDocs[k], 10});
    } else if (const Package* other = catalog_.FindPackage(prefix)) {
      for (const auto& [name, decl] : other->decls)
        out.push_back({name, ast::DeclKindName(decl->kind), decl->kind == DeclKind::kMetric ? 3 : 6});
    } else if (pkg && pkg->aliases.count(prefix)) {
      if (const Package* aliased = catalog_.FindPackage(pkg->aliases.at(prefix)))
        for (const auto& [name, decl] : aliased->decls)
          out.push_back({name, ast::DeclKindName(decl->kind), decl->kind == DeclKind::kMetric ? 3 : 6});
    }
    return out;
  }
  // Inside a calendar block: its settings, the retail patterns after
  // `pattern`, the weekdays after `week_start`, sources after `working_days`.
  // Inside a dimension's block: its settings (it offered every keyword).
  for (const auto& f : files_) {
    if (f->id != fid->second) continue;
    for (const auto& d : f->decls) {
      if ((d->kind == DeclKind::kCalendar || d->kind == DeclKind::kDimension) && off > d->span.begin) {
        size_t brace = text.find('{', d->span.begin);
        size_t close = brace == std::string::npos ? brace : text.find('}', brace);
        if (brace == std::string::npos || brace >= off || (close != std::string::npos && close < off)) continue;
        // A dimension without a block: the brace is a later declaration's.
        if (d->kind == DeclKind::kDimension && brace >= d->span.end) continue;
        size_t line = text.rfind('\n', b == 0 ? 0 : b - 1);
        size_t from = std::max(line == std::string::npos ? size_t{0} : line + 1, brace + 1);
        std::string before = text.substr(from, b - from);
        size_t k = before.find_first_not_of(" \t");
        auto after = [&](const std::string& key) {
          return k != std::string::npos && before.compare(k, key.size(), key) == 0 &&
                 (before.size() == k + key.size() || before[k + key.size()] == ' ' || before[k + key.size()] == '\t');
        };
        if (d->kind == DeclKind::kDimension) {
          if (k == std::string::npos)
            for (const auto& [name, doc] : kDimensionSettingDocs) out.push_back({name, doc, 10});
        } else if (k == std::string::npos) {
          for (const auto& [name, doc] : kCalendarSettingDocs) out.push_back({name, doc, 10});
        } else if (after("pattern")) {
          for (const char* pat : {"\"4-4-5\"", "\"4-5-4\"", "\"5-4-4\""})
            out.push_back({pat, "retail calendar: weeks in the months of each 13-week quarter", 21});
        } else if (after("week_start")) {
          for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
            out.push_back({day, "the first day of a week", 21});
        } else if (after("working_days") && pkg) {
          for (const auto& [name, decl] : pkg->decls)
            if (decl->kind == DeclKind::kSource)
              out.push_back({name, "source: holidays and make-up working days", 22});
        }
        return out;
      }
    }
  }
  // Inside a package clause: its settings, or after `dialects` the
  // dialects' names.
  for (const auto& f : files_) {
    if (f->id != fid->second) continue;
    for (const auto& d : f->decls) {
      // By the text, so that a clause being typed (`dialects` without a
      // value yet is a syntax error) still counts.
      if (d->kind != DeclKind::kPackage || off <= d->span.begin) continue;
      size_t brace = text.find_first_of("{\n", d->span.begin);
      if (brace == std::string::npos || text[brace] != '{' || brace >= off) break;
      size_t close = text.find('}', brace);
      if (close != std::string::npos && close < off) break;
      size_t line = text.rfind('\n', b == 0 ? 0 : b - 1);
      size_t from = std::max(line == std::string::npos ? size_t{0} : line + 1, brace + 1);
      std::string before = text.substr(from, b - from);
      size_t k = before.find_first_not_of(" \t");
      bool after_dialects = k != std::string::npos && before.compare(k, 8, "dialects") == 0 &&
                            (before.size() == k + 8 || before[k + 8] == ' ' || before[k + 8] == '\t');
      if (after_dialects) {
        for (int i = 0; i < builtins::kDialectCount; ++i) {
          auto dl = static_cast<builtins::Dialect>(i);
          out.push_back({builtins::DialectName(dl), "SQL dialect: " + DialectDoc(dl), 20});
        }
      } else if (k == std::string::npos) {
        for (const auto& [name, doc] : kPackageSettingDocs) out.push_back({name, doc, 10});
      }
      return out;
    }
  }
  // After `status` on a line of its own (a metric's attribute): the statuses.
  {
    size_t line = text.rfind('\n', b == 0 ? 0 : b - 1);
    size_t from = line == std::string::npos ? 0 : line + 1;
    std::string before = text.substr(from, b - from);
    size_t k = before.find_first_not_of(" \t");
    size_t e = before.find_last_not_of(" \t");
    bool after_status = k != std::string::npos && before.compare(k, e + 1 - k, "status") == 0 && e + 1 < before.size();
    if (after_status) {
      for (const auto& [name, doc] : kStatusDocs) out.push_back({name, "metric status: " + doc, 20});
      return out;
    }
  }
  std::set<std::string> seen;
  auto add = [&](const std::string& label, std::string detail, int kind) {
    if (seen.insert(label).second) out.push_back({label, std::move(detail), kind});
  };
  auto kind_of = [](DeclKind k) {
    switch (k) {
      case DeclKind::kMetric:
        return 3;  // Function
      case DeclKind::kFn:
        return 3;
      case DeclKind::kSource:
        return 22;  // Struct
      case DeclKind::kDimension:
        return 13;  // Enum
      default:
        return 6;  // Variable
    }
  };
  if (pkg) {
    for (const auto& [name, d] : pkg->decls)
      add(name, fmt::format("{}{}", ast::DeclKindName(d->kind), d->label ? " " + *d->label : ""), kind_of(d->kind));
    for (const std::string& imp : pkg->imported)
      if (const Package* other = catalog_.FindPackage(imp))
        for (const auto& [name, d] : other->decls)
          if (d->kind == DeclKind::kMetric || d->kind == DeclKind::kFn || d->kind == DeclKind::kDimension)
            add(name, fmt::format("{} from {}", ast::DeclKindName(d->kind), imp), kind_of(d->kind));
  }
  for (const auto& [name, m] : catalog_.checked.metrics)
    add(name, fmt::format("metric from {}", m.package), 3);
  for (const builtins::Builtin* b : builtins::All())
    if (b->category != builtins::Category::kMethod && b->category != builtins::Category::kMember)
      add(std::string(b->name), std::string(b->summary), 3);
  for (const auto& [name, doc] : kGovernanceDocs) add(name, "metric attribute: " + doc, 14);
  for (const std::string& k : kKeywords) add(k, "keyword", 14);
  add("forecast", "in a goal's alert: the goal's outlook (forecast.probability, .value, .lo80, .hi80, .lo95, .hi95)", 6);
  return out;
}

std::vector<Symbol> Workspace::Symbols(const std::string& path) {
  Analyze();
  std::vector<Symbol> out;
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return out;
  for (const auto& f : files_) {
    if (f->id != fid->second) continue;
    for (const auto& d : f->decls) {
      Symbol s;
      s.name = d->name.name.empty()
                   ? (d->kind == DeclKind::kPackage  ? static_cast<const ast::PackageDecl&>(*d).path.Joined()
                      : d->kind == DeclKind::kImport ? static_cast<const ast::ImportDecl&>(*d).path.Joined()
                                                     : std::string(ast::DeclKindName(d->kind)))
                   : d->name.name;
      s.detail = d->label.value_or("");
      switch (d->kind) {
        case DeclKind::kPackage:
          s.kind = 4;
          break;
        case DeclKind::kImport:
          s.kind = 2;
          break;
        case DeclKind::kDimension:
          s.kind = 10;
          break;
        case DeclKind::kCalendar:
          s.kind = 19;
          break;
        case DeclKind::kSource:
          s.kind = 23;
          break;
        case DeclKind::kMetric:
          s.kind = 12;
          break;
        case DeclKind::kFn:
          s.kind = 6;
          break;
        case DeclKind::kGoal:
          s.kind = 24;
          break;
        case DeclKind::kRole:
          s.kind = 11;
          break;
        case DeclKind::kReport:
          s.kind = 1;
          break;
        case DeclKind::kExpect:
          s.kind = 17;  // Boolean: it holds or not
          s.name = "expect " + ast::ExpectText(static_cast<const ast::ExpectDecl&>(*d));
          break;
      }
      s.range = SpanRange(d->span);
      s.selection = d->name.span.valid() ? SpanRange(d->name.span) : SpanRange(d->keyword_span);
      if (d->kind == DeclKind::kSource) {
        std::string buf;
        for (const auto& c : static_cast<const ast::SourceDecl&>(*d).columns)
          s.children.push_back({c.name.name, TypeText(c.type, &buf), 8, SpanRange(c.span), SpanRange(c.name.span), {}});
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::optional<Edit> Workspace::Format(const std::string& path) {
  Analyze();
  auto fid = file_of_.find(path);
  if (fid == file_of_.end()) return std::nullopt;
  // Errors of parsing leave it alone, as they leave `kpic fmt`; a checker's
  // error (an unknown name) does not (every E0xxx had: the code's first
  // digit was tested, not its family).
  const std::vector<Diagnostic>& parse_diags = parsed_.at(path).diags;
  if (std::any_of(parse_diags.begin(), parse_diags.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; }))
    return std::nullopt;
  const std::string& text = sm_.Get(fid->second).text;
  std::optional<std::string> out = FormatKpi(text);
  if (!out) return std::nullopt;
  return Edit{{Pos{}, PosOf(text, static_cast<uint32_t>(text.size()))}, *out};
}

std::string Workspace::NameTaken(const ast::Decl& metric, const std::string& name) const {
  // A package's name (`std`) would be shadowed where it is used as a prefix.
  if (catalog_.packages.count(name) || name == "std")
    return fmt::format("`{}` is the name of a package; a metric of that name would hide it", name);
  const Package* pkg = Scope(catalog_, nullptr).PackageOf(&metric);
  if (pkg && pkg->decls.count(name)) return fmt::format("package `{}` already declares `{}`", pkg->name, name);
  if (pkg && pkg->aliases.count(name))
    return fmt::format("package `{}` imports `{}` as `{}`; a metric of that name would hide it", pkg->name,
                       pkg->aliases.at(name), name);
  if (builtins::FindFunction(name))
    return fmt::format("`{}` is a builtin function; a metric of that name would hide it", name);
  // Metric names are shared by the user's packages (E0501).
  for (const auto& [other, p] : catalog_.packages) {
    auto it = p.decls.find(name);
    if (!p.from_stdlib && it != p.decls.end() && it->second->kind == DeclKind::kMetric)
      return fmt::format("package `{}` already has a metric `{}`, and a metric's name is one in every package", other,
                         name);
  }
  return "";
}

std::map<std::string, std::vector<Edit>> Workspace::Rename(const std::string& path, Pos p, const std::string& new_name,
                                                           std::string* error) {
  std::map<std::string, std::vector<Edit>> out;
  auto t = Resolve(path, p);
  if (!t || t->kind != Target::Kind::kDecl || t->decl->kind != DeclKind::kMetric) {
    *error = "only metrics can be renamed: put the cursor on a metric's name or a use of it";
    return out;
  }
  if (stdlib_.count(t->decl->name.span.file)) {
    *error =
        fmt::format("`{}` is defined in the standard library, which the workspace cannot change", t->decl->name.name);
    return out;
  }
  bool ok = !new_name.empty() && !std::isdigit(static_cast<unsigned char>(new_name[0])) && !kReserved.count(new_name);
  for (size_t i = 0; i < new_name.size(); i += CodePointBytes(new_name, i)) ok &= NameCharAt(new_name, i) > 0;
  if (!ok) {
    *error = fmt::format(
        "`{}` is not a name: use letters, digits and `_`, not starting with a digit, and not a reserved word",
        new_name);
    return out;
  }
  {
    // The name as the parser reads it, declared and used (an emoji, a
    // zero-width space or `metric` passed the byte test and broke the
    // package: E0101, E0107).
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.Add("rename", fmt::format("package p\nmetric {0} = 1\nmetric _kpic_use = {0} + 1\n", new_name));
    std::unique_ptr<ast::File> f = ParseFile(sm, id, sink);
    bool parsed = !sink.has_errors() && f &&
                  std::any_of(f->decls.begin(), f->decls.end(), [&](const auto& d) { return d->name.name == new_name; });
    if (!parsed) {
      *error = fmt::format("`{}` is not a name the language reads (a letter or `_`, then letters, digits and `_`; "
                           "not a keyword)",
                           new_name);
      return out;
    }
  }
  *error = NameTaken(*t->decl, new_name);
  if (!error->empty()) return out;
  std::vector<Location> uses = Occurrences(*t);
  // A fn's or role's parameter of the new name, around a use: renamed, the
  // use would read the parameter (`x * 2 + a` became `x * 2 + x`, and the
  // metric's value changed without a word: review, 2026-12-07).
  for (const auto& f : files_) {
    const std::string& fpath = sm_.Get(f->id).path;
    for (const auto& d : f->decls) {
      const std::vector<ast::Param>* params = d->kind == DeclKind::kFn     ? &static_cast<const ast::FnDecl&>(*d).params
                                              : d->kind == DeclKind::kRole ? &static_cast<const ast::RoleDecl&>(*d).params
                                                                           : nullptr;
      if (!params || std::none_of(params->begin(), params->end(),
                                  [&](const ast::Param& q) { return q.name.name == new_name; }))
        continue;
      Range body = SpanRange(d->span);
      auto before = [](Pos a, Pos b) { return std::tie(a.line, a.character) < std::tie(b.line, b.character); };
      const std::string& text = sm_.Get(f->id).text;
      for (const Location& l : uses) {
        if (l.path != fpath) continue;
        // A qualified use (`shop.base`) is not read as the parameter.
        uint32_t at = Offset(text, l.range.start);
        if (at > 0 && at <= text.size() && text[at - 1] == '.') continue;
        if (!before(l.range.start, body.start) && !before(body.end, l.range.end)) {
          *error = fmt::format("`{}` is a parameter of {} `{}`, which uses `{}`: renamed, that use would read the "
                               "parameter instead",
                               new_name, d->kind == DeclKind::kFn ? "fn" : "role", d->name.name, t->decl->name.name);
          return out;
        }
      }
    }
  }
  for (const Location& l : uses) out[l.path].push_back({l.range, new_name});
  return out;
}

}  // namespace kpic::lsp
