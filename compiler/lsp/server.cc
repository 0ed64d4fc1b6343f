// JSON-RPC 2.0 over stdio for the language server. One thread: messages are
// handled in order; diagnostics are published once no change has arrived
// for `debounce_ms` (poll with a timeout), and any request first brings the
// analysis up to date. Bad input gets an error reply, never a crash.
#include "lsp/server.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "base/uri.h"

namespace kpic::lsp {

namespace {

using json = nlohmann::json;

constexpr int kParseError = -32700, kInvalidRequest = -32600, kMethodNotFound = -32601, kInvalidParams = -32602,
              kInternalError = -32603, kServerNotInitialized = -32002, kRequestFailed = -32803;

struct RpcError : std::runtime_error {
  int code;
  RpcError(int c, const std::string& m) : std::runtime_error(m), code(c) {}
};

std::string UriToPath(const std::string& uri) {
  auto p = PathOfFileUri(uri);
  if (!p) throw RpcError(kInvalidParams, "only file:// URIs are supported, got " + uri);
  return *p;
}

std::string PathToUri(const std::string& path) { return FileUri(path); }

json ToJson(Pos p) { return {{"line", p.line}, {"character", p.character}}; }
json ToJson(const Range& r) { return {{"start", ToJson(r.start)}, {"end", ToJson(r.end)}}; }
/// A position: two whole numbers from 0 (-1 was read as 4294967295).
Pos PosFrom(const json& j) {
  const json &line = j.at("line"), &ch = j.at("character");
  auto whole = [](const json& x) { return x.is_number_unsigned() || (x.is_number_integer() && x.get<int64_t>() >= 0); };
  if (!whole(line) || !whole(ch) || line.get<uint64_t>() > UINT32_MAX || ch.get<uint64_t>() > UINT32_MAX)
    throw RpcError(kInvalidParams, "a position is a line and a character, whole numbers from 0");
  return {line.get<uint32_t>(), ch.get<uint32_t>()};
}
/// A range whose start is not after its end.
Range RangeFrom(const json& j) {
  Range r{PosFrom(j.at("start")), PosFrom(j.at("end"))};
  if (r.end.line < r.start.line || (r.end.line == r.start.line && r.end.character < r.start.character))
    throw RpcError(kInvalidParams, "a range's end is before its start; the edit is not applied");
  return r;
}

json DiagJson(const LspDiagnostic& d) {
  json j = {{"range", ToJson(d.range)},
            {"severity", d.severity == "error"     ? 1
                         : d.severity == "warning" ? 2
                                                   : 3},
            {"source", "kpic"},
            {"message", d.message}};
  if (!d.code.empty()) j["code"] = d.code;  // the note on warnings not shown has none
  for (const auto& n : d.notes) j["message"] = j["message"].get<std::string>() + "\n" + n;
  return j;
}

json SymbolJson(const Symbol& s) {
  json j = {{"name", s.name}, {"kind", s.kind}, {"range", ToJson(s.range)}, {"selectionRange", ToJson(s.selection)}};
  if (!s.detail.empty()) j["detail"] = s.detail;
  if (!s.children.empty()) {
    j["children"] = json::array();
    for (const auto& c : s.children) j["children"].push_back(SymbolJson(c));
  }
  return j;
}

/// The value of the `\uXXXX` escape at `i` of `t`, or -1.
int EscapedUnit(const std::string& t, size_t i) {
  if (i + 6 > t.size() || t[i] != '\\' || t[i + 1] != 'u') return -1;
  for (size_t k = i + 2; k < i + 6; ++k)
    if (!std::isxdigit(static_cast<unsigned char>(t[k]))) return -1;
  return std::stoi(t.substr(i + 2, 4), nullptr, 16);
}

/// Replaces each `\uXXXX` escape of a surrogate without its pair by
/// `\uFFFD`, in place. JSON.stringify writes one for half an emoji; the
/// parser refused the whole message, and the edit it carried was lost.
void ReplaceLoneSurrogates(std::string* t) {
  for (size_t i = 0; i + 1 < t->size(); ++i) {
    if ((*t)[i] != '\\') continue;
    int v = EscapedUnit(*t, i);
    bool high = v >= 0xD800 && v <= 0xDBFF, low = v >= 0xDC00 && v <= 0xDFFF;
    int next = high ? EscapedUnit(*t, i + 6) : -1;
    if (high && next >= 0xDC00 && next <= 0xDFFF)
      i += 11;  // a pair: kept
    else if (high || low)
      t->replace(i, 6, "\\uFFFD"), i += 5;
    else
      ++i;  // any other escape, `\\` among them
  }
}

/// The deepest nesting of a message's JSON (LSP messages nest a few levels).
constexpr int kMaxJsonDepth = 256;
/// The most bytes before a message's headers end (they hold one or two short lines).
constexpr size_t kMaxHeaderBytes = size_t{64} << 10;

class Server {
 public:
  Server(int in_fd, std::FILE* out, const SessionOptions& session, const ServerOptions& options)
      : in_(in_fd), out_(out), ws_(session, options.limits), options_(options) {}

  int Run() {
    while (true) {
      int timeout = -1;
      if (pending_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
        timeout = static_cast<int>(std::max<int64_t>(0, left));
      }
      size_t sep;
      if (HeadersEnd(buf_, &sep) == std::string::npos) {
        if (buf_.size() > kMaxHeaderBytes) {
          // No end of the headers where it must be: without this the
          // buffer grew without bound and was searched again on each read
          // (64 MB of input took 2.3 s, 256 MB 39 s: hang probe, 2026-12-07).
          // The rest is dropped until headers end again, with one error.
          buf_.erase(0, buf_.size() - 3);
          if (!dropping_)
            Send({{"jsonrpc", "2.0"},
                  {"id", nullptr},
                  {"error", {{"code", kParseError}, {"message", "no end of the message's headers (a blank line) in its first 64 KB"}}}});
          dropping_ = true;
          continue;
        }
        struct pollfd p = {in_, POLLIN, 0};
        int r = poll(&p, 1, timeout);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
          Publish();
          continue;
        }
        char chunk[65536];
        ssize_t n = read(in_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return shutdown_ ? 0 : 1;  // the client went away
        buf_.append(chunk, static_cast<size_t>(n));
      }
      std::string body;
      while (NextMessage(&body)) {
        dropping_ = false;
        if (!Handle(std::move(body))) return shutdown_ ? 0 : 1;
      }
    }
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool dropping_ = false;  ///< input without headers' end is being dropped (reported once)

  /// Where the headers in `b` end and the bytes of the blank line after
  /// them in `*sep`: CRLF as the spec says, or LF alone (some clients and
  /// hand-written tests send that).
  static size_t HeadersEnd(const std::string& b, size_t* sep) {
    size_t crlf = b.find("\r\n\r\n"), lf = b.find("\n\n");
    *sep = lf < crlf ? 2 : 4;
    return std::min(crlf, lf);
  }

  /// The first `Content-Length:` (in any case) in `b` from `from`, or npos.
  static size_t FindContentLength(const std::string& b, size_t from) {
    static const std::string kName = "content-length:";
    auto it = std::search(b.begin() + static_cast<std::ptrdiff_t>(std::min(from, b.size())), b.end(), kName.begin(),
                          kName.end(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == y; });
    return it == b.end() ? std::string::npos : static_cast<size_t>(it - b.begin());
  }

  /// The value of the Content-Length header line among `headers`, or npos.
  static size_t ContentLength(const std::string& headers) {
    for (size_t s = 0; s <= headers.size();) {
      size_t e = headers.find('\n', s);
      if (e == std::string::npos) e = headers.size();
      if (FindContentLength(headers, s) == s) {
        try {
          return std::stoull(headers.substr(s + 15, e - s - 15));
        } catch (const std::exception&) {
          return std::string::npos;
        }
      }
      s = e + 1;
    }
    return std::string::npos;
  }

  /// Takes one framed message out of the buffer, reading more as needed.
  bool NextMessage(std::string* body) {
    size_t sep;
    size_t end = HeadersEnd(buf_, &sep);
    if (end == std::string::npos) return false;
    size_t length = ContentLength(buf_.substr(0, end));
    if (length == std::string::npos || length > (size_t{256} << 20)) {
      // Unframed or absurd: drop what comes before the next Content-Length
      // header and report. A message framed one byte short left its last
      // byte before the next one's headers, and without this every later
      // message was misread: the server never answered again (LSP probe,
      // 2026-12-07).
      size_t next = FindContentLength(buf_, 1);
      buf_.erase(0, next == std::string::npos ? end + sep : next);
      Send({{"jsonrpc", "2.0"},
            {"id", nullptr},
            {"error", {{"code", kParseError}, {"message", "missing or invalid Content-Length header; the bytes before the next one were dropped"}}}});
      return false;
    }
    while (buf_.size() < end + sep + length) {
      char chunk[65536];
      ssize_t n = read(in_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
    *body = buf_.substr(end + sep, length);
    buf_.erase(0, end + sep + length);
    return true;
  }

  void Send(const json& j) {
    std::string body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fprintf(out_, "Content-Length: %zu\r\n\r\n%s", body.size(), body.c_str());
    std::fflush(out_);
  }

  void Schedule() {
    pending_ = true;
    deadline_ = Clock::now() + std::chrono::milliseconds(options_.debounce_ms);
  }

  void Publish() {
    pending_ = false;
    auto all = ws_.Diagnostics();
    for (const auto& [path, diags] : all) {
      json arr = json::array();
      for (const auto& d : diags) arr.push_back(DiagJson(d));
      std::string key = arr.dump(-1, ' ', false, json::error_handler_t::replace);
      // A document the client changed always gets a fresh publish; others
      // only when their diagnostics changed.
      if (!touched_.count(path) && published_.count(path) && published_[path] == key) continue;
      published_[path] = key;
      Send({{"jsonrpc", "2.0"},
            {"method", "textDocument/publishDiagnostics"},
            {"params", {{"uri", UriOf(path)}, {"diagnostics", arr}}}});
    }
    // A document no longer checked (an unsaved buffer closed, a file
    // deleted): its last diagnostics are cleared, not left in the editor
    // (new-user probe, 2026-12-07).
    for (auto it = published_.begin(); it != published_.end();) {
      if (all.count(it->first)) {
        ++it;
        continue;
      }
      if (it->second != "[]")
        Send({{"jsonrpc", "2.0"},
              {"method", "textDocument/publishDiagnostics"},
              {"params", {{"uri", UriOf(it->first)}, {"diagnostics", json::array()}}}});
      it = published_.erase(it);
    }
    touched_.clear();
  }

  /// Handles one message; false after `exit`.
  bool Handle(std::string body) {
    json msg;
    ReplaceLoneSurrogates(&body);
    try {
      // Nested past any real message's depth: refused before a copy of it
      // (nlohmann copies recursively) ran the server out of stack on a
      // million brackets (hang probe, 2026-12-07).
      msg = json::parse(body, [](int depth, json::parse_event_t, json&) {
        if (depth > kMaxJsonDepth) throw std::runtime_error("the message nests more than " + std::to_string(kMaxJsonDepth) + " levels");
        return true;
      });
    } catch (const std::exception& e) {
      Send({{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", kParseError}, {"message", e.what()}}}});
      return true;
    }
    json id = msg.is_object() && msg.contains("id") ? msg["id"] : json();
    bool request = msg.is_object() && msg.contains("id");
    try {
      if (!msg.is_object() || !msg.contains("method") || !msg["method"].is_string())
        throw RpcError(kInvalidRequest, "a message needs a string `method`");
      std::string method = msg["method"];
      const json params = msg.contains("params") ? msg["params"] : json::object();
      if (method == "exit") return false;
      // After `shutdown` only `exit` is served (LSP 3.17); requests were
      // answered and changes analysed as before.
      if (shutdown_) {
        if (request) throw RpcError(kInvalidRequest, "the server is shut down: only `exit` is accepted now");
        return true;
      }
      if (!initialized_ && method != "initialize") {
        if (request) throw RpcError(kServerNotInitialized, "the server is not initialized");
        return true;
      }
      json result = Dispatch(method, params, request);
      if (request) Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
    } catch (const RpcError& e) {
      // A message that is no request at all (`[]`, `1`, `{}`) is answered
      // with a null id, as JSON-RPC says; a notification's problem is
      // logged (a didChange with a bad range is dropped, not applied).
      if (request || e.code == kInvalidRequest)
        Send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", e.code}, {"message", e.what()}}}});
      else
        Log(e.what());
    } catch (const json::exception& e) {
      if (request)
        Send({{"jsonrpc", "2.0"},
              {"id", id},
              {"error", {{"code", kInvalidParams}, {"message", std::string("invalid params: ") + e.what()}}}});
      else
        Log(std::string("invalid params: ") + e.what());
    } catch (const std::exception& e) {
      if (request) Send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", kInternalError}, {"message", e.what()}}}});
    }
    return true;
  }

  /// A warning in the client's log (window/logMessage).
  void Log(const std::string& message) {
    Send({{"jsonrpc", "2.0"},
          {"method", "window/logMessage"},
          {"params", {{"type", 2}, {"message", "kpic: " + message}}}});
  }

  /// The document's path; the URI as the client wrote it is kept, so that
  /// diagnostics go back under the same URI (`%E4%B8%AD.kpi` came back as
  /// `中.kpi`, which a client comparing strings does not match).
  std::string PathOf(const json& params) {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    std::string path = UriToPath(uri);
    uri_of_[path] = uri;
    return path;
  }
  std::string UriOf(const std::string& path) const {
    auto it = uri_of_.find(path);
    return it != uri_of_.end() ? it->second : PathToUri(path);
  }
  json LocationJson(const Location& l) const { return {{"uri", UriOf(l.path)}, {"range", ToJson(l.range)}}; }

  void NeedDoc(const std::string& path) {
    if (!ws_.Has(path)) throw RpcError(kInvalidParams, "unknown document " + path + ": open it first");
  }

  json Dispatch(const std::string& method, const json& params, bool request) {
    if (method == "initialize") {
      std::string encoding = "utf-16";
      if (params.contains("capabilities") && params["capabilities"].contains("general") &&
          params["capabilities"]["general"].contains("positionEncodings"))
        for (const auto& e : params["capabilities"]["general"]["positionEncodings"]) {
          std::string s = e.get<std::string>();
          if (s == "utf-8" || s == "utf-16" || s == "utf-32") {
            encoding = s;
            break;
          }
        }
      ws_.set_encoding(encoding == "utf-8"    ? Encoding::kUtf8
                       : encoding == "utf-32" ? Encoding::kUtf32
                                              : Encoding::kUtf16);
      if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array())
        for (const auto& f : params["workspaceFolders"]) ws_.AddFolder(UriToPath(f.at("uri").get<std::string>()));
      else if (params.contains("rootUri") && params["rootUri"].is_string())
        ws_.AddFolder(UriToPath(params["rootUri"].get<std::string>()));
      initialized_ = true;
      return {{"capabilities",
               {{"positionEncoding", encoding},
                {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
                {"hoverProvider", true},
                {"definitionProvider", true},
                {"referencesProvider", true},
                {"completionProvider", {{"triggerCharacters", json::array({"."})}}},
                {"documentSymbolProvider", true},
                {"documentFormattingProvider", true},
                {"renameProvider", true},
                {"codeActionProvider", {{"codeActionKinds", json::array({"quickfix"})}}}}},
              {"serverInfo", {{"name", "kpic"}}}};
    }
    if (method == "initialized" || method.rfind("$/", 0) == 0 || method == "textDocument/didSave" ||
        method == "workspace/didChangeConfiguration")
      return nullptr;
    if (method == "workspace/didChangeWatchedFiles") {
      // Files changed on disk behind the editor (a checkout, another tool):
      // without this they kept their old text for the session.
      std::vector<std::string> paths;
      for (const auto& c : params.at("changes")) paths.push_back(UriToPath(c.at("uri").get<std::string>()));
      ws_.Reload(paths);
      Schedule();
      return nullptr;
    }
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/didOpen") {
      const json& td = params.at("textDocument");
      std::string path = PathOf(params);
      ws_.Open(path, td.at("text").get<std::string>());
      touched_.insert(path);
      Schedule();
      return nullptr;
    }
    if (method == "textDocument/didChange") {
      std::string path = PathOf(params);
      for (const auto& c : params.at("contentChanges")) {
        std::optional<Range> r;
        if (c.contains("range")) r = RangeFrom(c["range"]);
        ws_.Change(path, r, c.at("text").get<std::string>());
      }
      touched_.insert(path);
      Schedule();
      return nullptr;
    }
    if (method == "textDocument/didClose") {
      ws_.Close(PathOf(params));
      Schedule();
      return nullptr;
    }
    if (!request) return nullptr;  // other notifications are ignored
    if (method == "textDocument/hover") {
      std::string path = PathOf(params);
      NeedDoc(path);
      auto h = ws_.Hover(path, PosFrom(params.at("position")));
      if (!h) return nullptr;
      return {{"contents", {{"kind", "markdown"}, {"value", *h}}}};
    }
    if (method == "textDocument/definition") {
      std::string path = PathOf(params);
      NeedDoc(path);
      auto l = ws_.Definition(path, PosFrom(params.at("position")));
      return l ? LocationJson(*l) : json(nullptr);
    }
    if (method == "textDocument/references") {
      std::string path = PathOf(params);
      NeedDoc(path);
      bool decl = params.contains("context") && params["context"].value("includeDeclaration", true);
      json arr = json::array();
      for (const auto& l : ws_.References(path, PosFrom(params.at("position")), decl)) arr.push_back(LocationJson(l));
      return arr;
    }
    if (method == "textDocument/completion") {
      std::string path = PathOf(params);
      NeedDoc(path);
      json items = json::array();
      for (const auto& c : ws_.Completion(path, PosFrom(params.at("position"))))
        items.push_back({{"label", c.label}, {"kind", c.kind}, {"detail", c.detail}});
      return {{"isIncomplete", false}, {"items", items}};
    }
    if (method == "textDocument/documentSymbol") {
      std::string path = PathOf(params);
      NeedDoc(path);
      json arr = json::array();
      for (const auto& s : ws_.Symbols(path)) arr.push_back(SymbolJson(s));
      return arr;
    }
    if (method == "textDocument/formatting") {
      std::string path = PathOf(params);
      NeedDoc(path);
      auto e = ws_.Format(path);
      if (!e) return json::array();
      return json::array({{{"range", ToJson(e->range)}, {"newText", e->text}}});
    }
    if (method == "textDocument/rename") {
      std::string path = PathOf(params);
      NeedDoc(path);
      std::string error;
      auto edits = ws_.Rename(path, PosFrom(params.at("position")), params.at("newName").get<std::string>(), &error);
      if (!error.empty()) throw RpcError(kRequestFailed, error);
      json changes = json::object();
      for (const auto& [p, es] : edits) {
        json arr = json::array();
        for (const auto& e : es) arr.push_back({{"range", ToJson(e.range)}, {"newText", e.text}});
        changes[UriOf(p)] = arr;
      }
      return {{"changes", changes}};
    }
    if (method == "textDocument/codeAction") {
      std::string path = PathOf(params);
      NeedDoc(path);
      Range want = RangeFrom(params.at("range"));
      json actions = json::array();
      auto all = ws_.Diagnostics();
      for (const auto& d : all[path]) {
        bool overlaps = !(d.range.end.line < want.start.line || d.range.start.line > want.end.line);
        if (!overlaps) continue;
        for (const auto& f : d.fixes)
          actions.push_back(
              {{"title", f.title},
               {"kind", "quickfix"},
               {"diagnostics", json::array({DiagJson(d)})},
               {"isPreferred", d.fixes.size() == 1},
               {"edit",
                {{"changes", {{UriOf(path), json::array({{{"range", ToJson(f.range)}, {"newText", f.text}}})}}}}}});
      }
      return actions;
    }
    throw RpcError(kMethodNotFound, "method not supported: " + method);
  }

  int in_;
  std::FILE* out_;
  Workspace ws_;
  ServerOptions options_;
  std::string buf_;
  bool initialized_ = false, shutdown_ = false, pending_ = false;
  Clock::time_point deadline_;
  std::map<std::string, std::string> published_;
  std::set<std::string> touched_;  ///< documents changed since the last publish
  std::map<std::string, std::string> uri_of_;  ///< each document's URI as the client wrote it (PathOf)
};

}  // namespace

int Serve(int in_fd, std::FILE* out, const SessionOptions& session, const ServerOptions& options) {
  return Server(in_fd, out, session, options).Run();
}

}  // namespace kpic::lsp
