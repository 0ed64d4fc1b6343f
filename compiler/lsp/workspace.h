// The language server's core, free of JSON-RPC: documents (open buffers
// over the .kpi files of the workspace folder), one analysis of all of them
// (parse and check with the stdlib, plus the lint rules), and the queries an
// editor asks. Positions are (line, character) in the negotiated encoding.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "driver/session.h"

namespace kpic::lsp {

enum class Encoding { kUtf8, kUtf16, kUtf32 };

struct Pos {
  uint32_t line = 0, character = 0;  ///< 0-based
};
struct Range {
  Pos start, end;
};
struct Location {
  std::string path;
  Range range;
};
struct Edit {
  Range range;
  std::string text;
};

struct LspDiagnostic {
  Range range;
  std::string code, message, severity;  ///< error warning information
  std::vector<std::string> notes;
  struct Fix {
    std::string title;
    Range range;
    std::string text;
  };
  std::vector<Fix> fixes;
};

struct CompletionItem {
  std::string label, detail;
  int kind = 1;  ///< LSP CompletionItemKind
};

struct Symbol {
  std::string name, detail;
  int kind = 13;  ///< LSP SymbolKind
  Range range, selection;
  std::vector<Symbol> children;
};

struct Limits {
  size_t max_file_bytes = 8u << 20;  ///< larger documents are not analysed (a diagnostic says so)
};

class Workspace {
 public:
  Workspace(SessionOptions options, Limits limits = {}) : options_(std::move(options)), limits_(limits) {}

  void set_encoding(Encoding e) { enc_ = e; }
  Encoding encoding() const { return enc_; }
  /// Adds every .kpi file under `root` (read from disk until opened).
  void AddFolder(const std::string& root);

  void Open(const std::string& path, std::string text);
  /// A full replacement (no range) or an incremental edit.
  void Change(const std::string& path, const std::optional<Range>& range, const std::string& text);
  /// Back to the file on disk; a file outside the folders leaves the workspace.
  void Close(const std::string& path);
  /// Files changed, appeared or went away on disk (workspace/didChangeWatchedFiles):
  /// each is read again, added when `kpic check` of a folder would read it,
  /// dropped when it is gone. An open document keeps the editor's text.
  void Reload(const std::vector<std::string>& paths);
  bool Has(const std::string& path) const { return docs_.count(path) > 0; }
  const std::string& Text(const std::string& path) const { return docs_.at(path).text; }

  /// Re-checks everything when something changed; returns the diagnostics
  /// of every document (empty lists included, to clear old ones).
  std::map<std::string, std::vector<LspDiagnostic>> Diagnostics();

  std::optional<std::string> Hover(const std::string& path, Pos p);
  /// Hover over the `dialects` package setting or one of its dialects.
  std::optional<std::string> SettingHover(const std::string& path, Pos p);
  /// The type of the innermost expression at `p`, from the checker's IR
  /// (value, unit, level and additivity), or nullopt.
  std::optional<std::string> TypeAt(const std::string& path, Pos p);
  std::optional<Location> Definition(const std::string& path, Pos p);
  std::vector<Location> References(const std::string& path, Pos p, bool include_declaration);
  std::vector<CompletionItem> Completion(const std::string& path, Pos p);
  std::vector<Symbol> Symbols(const std::string& path);
  /// The formatted document as one edit, or nullopt when it does not parse.
  std::optional<Edit> Format(const std::string& path);
  /// Edits per file, or an error message for the client.
  std::map<std::string, std::vector<Edit>> Rename(const std::string& path, Pos p, const std::string& new_name,
                                                  std::string* error);

 private:
  struct Doc {
    std::string text;
    bool open = false;
  };
  struct Target;  // what a name under the cursor means

  /// The .kpi files under `roots` as `kpic check` finds them (CollectInputs).
  static std::set<std::string> FolderFiles(const std::vector<std::string>& roots);

  void Analyze();
  uint32_t Offset(const std::string& text, Pos p) const;
  /// `line_starts`: the text's line index (SourceFile::line_starts), else
  /// the text is scanned from its start.
  Pos PosOf(const std::string& text, uint32_t offset, const std::vector<uint32_t>* line_starts = nullptr) const;
  Range RangeOf(const std::string& path, uint32_t begin, uint32_t end) const;
  /// A file's line index as LSP counts lines (a bare CR ends one too).
  const std::vector<uint32_t>& LinesOf(FileId id) const;
  Range SpanRange(Span s) const;
  const ast::File* FileOf(FileId id) const;  ///< of an analysed file
  std::optional<Target> Resolve(const std::string& path, Pos p);
  std::vector<Location> Occurrences(const Target& t);
  /// Why the metric cannot be renamed to `name` (a package's, an import's,
  /// a builtin's or another metric's name), or "".
  std::string NameTaken(const ast::Decl& metric, const std::string& name) const;

  SessionOptions options_;
  Limits limits_;
  Encoding enc_ = Encoding::kUtf16;
  std::map<std::string, Doc> docs_;
  std::vector<std::string> folders_;  ///< the workspace folders (AddFolder)
  std::set<std::string> in_folders_;  ///< the files on disk `kpic check` of a folder reads (FolderFiles)
  bool dirty_ = true, analysed_ = false;
  /// The texts and ASTs of every file: only changed documents are parsed
  /// again; the catalog is rebuilt from all of them.
  struct Parsed {
    std::string text;
    std::unique_ptr<ast::File> file;
    std::vector<Diagnostic> diags;  ///< of parsing
    bool stdlib = false;
  };
  SourceManager sm_;
  std::map<std::string, Parsed> parsed_;
  bool stdlib_loaded_ = false;
  std::map<std::string, std::string> stdlib_texts_;
  size_t sm_bytes_ = 0;  ///< the bytes of the texts sm_ holds (Analyze starts over past twice the live texts')
  std::vector<const ast::File*> files_;
  std::set<FileId> stdlib_;
  Catalog catalog_;
  DiagnosticSink diags_;
  std::map<std::string, FileId> file_of_;  ///< path -> current file id
  /// LinesOf: a file's LSP line index when it differs from SourceFile::line_starts (bare CRs), else empty.
  mutable std::map<FileId, std::vector<uint32_t>> lsp_lines_;
  std::map<std::string, std::vector<LspDiagnostic>> diagnostics_;
};

}  // namespace kpic::lsp
