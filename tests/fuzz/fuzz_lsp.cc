// libFuzzer target for the language server's message handler. The first
// byte picks the mode: even, the rest is one JSON-RPC message body sent
// after `initialize` (any method, any params); odd, the rest is a document
// opened in the workspace, then hover, definition, references, completion,
// symbols, formatting, rename and code actions at positions taken from the
// input. Every reply must come back framed; nothing may crash or hang.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "lsp/server.h"

namespace {

std::string Frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using nlohmann::json;
  std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string stream = Frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  const std::string uri = "file:///fuzz/doc.kpi";
  if (data[0] % 2 == 0) {
    stream += Frame(rest);
  } else {
    json open = {{"jsonrpc", "2.0"},
                 {"method", "textDocument/didOpen"},
                 {"params", {{"textDocument", {{"uri", uri}, {"languageId", "kpi"}, {"version", 1}, {"text", rest}}}}}};
    stream += Frame(open.dump(-1, ' ', false, json::error_handler_t::replace));
    int id = 2;
    for (size_t k = 0; k < 6; ++k) {
      uint32_t line = k < rest.size() ? static_cast<uint8_t>(rest[k]) % 8 : 0;
      uint32_t ch = k + 1 < rest.size() ? static_cast<uint8_t>(rest[k + 1]) % 40 : 0;
      json pos = {{"line", line}, {"character", ch}};
      json td = {{"uri", uri}};
      for (const char* m :
           {"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/references"})
        stream += Frame(
            json({{"jsonrpc", "2.0"},
                  {"id", id++},
                  {"method", m},
                  {"params", {{"textDocument", td}, {"position", pos}, {"context", {{"includeDeclaration", true}}}}}})
                .dump());
      stream += Frame(json({{"jsonrpc", "2.0"},
                            {"id", id++},
                            {"method", "textDocument/rename"},
                            {"params", {{"textDocument", td}, {"position", pos}, {"newName", "renamed"}}}})
                          .dump());
      stream +=
          Frame(json({{"jsonrpc", "2.0"},
                      {"id", id++},
                      {"method", "textDocument/codeAction"},
                      {"params",
                       {{"textDocument", td}, {"range", {{"start", pos}, {"end", pos}}}, {"context", json::object()}}}})
                    .dump());
      stream += Frame(
          json({{"jsonrpc", "2.0"},
                {"method", "textDocument/didChange"},
                {"params",
                 {{"textDocument", {{"uri", uri}, {"version", id}}},
                  {"contentChanges", json::array({{{"range", {{"start", pos}, {"end", pos}}}, {"text", "x"}}})}}}})
              .dump());
    }
    stream += Frame(json({{"jsonrpc", "2.0"},
                          {"id", id++},
                          {"method", "textDocument/documentSymbol"},
                          {"params", {{"textDocument", {{"uri", uri}}}}}})
                        .dump());
    stream += Frame(json({{"jsonrpc", "2.0"},
                          {"id", id++},
                          {"method", "textDocument/formatting"},
                          {"params", {{"textDocument", {{"uri", uri}}}, {"options", json::object()}}}})
                        .dump());
  }
  int fds[2];
  if (pipe(fds) != 0) return 0;
  // Write on a thread: the stream can be larger than the pipe's buffer.
  std::thread writer([&] {
    size_t off = 0;
    while (off < stream.size()) {
      ssize_t n = write(fds[1], stream.data() + off, stream.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  std::FILE* sink = std::fopen("/dev/null", "w");
  kpic::SessionOptions so;
  so.no_stdlib = true;
  kpic::lsp::ServerOptions options;
  options.debounce_ms = 0;
  (void)kpic::lsp::Serve(fds[0], sink, so, options);
  writer.join();
  close(fds[0]);
  std::fclose(sink);
  return 0;
}
