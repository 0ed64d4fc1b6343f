// The parser driver: input checks, lexing, token-level checks, splitting
// the file into top-level declarations, and parsing each declaration on its
// own token stream so that one bad declaration never hides the next one's
// errors. ANTLR's recursive descent would overflow the stack on absurd
// nesting, so nesting and operator counts are checked on the token stream
// before any declaration is parsed (E0105, E0106).
#include "syntax/parse.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>

#include "base/big_stack.h"
#include "base/heap_growth.h"
#include "base/utf8.h"
#include "syntax/antlr_bridge.h"
#include "syntax/scanner.h"

namespace kpic {

using kpic_gen::KpiLexer;
using kpic_gen::KpiParser;
using syntax::CanEndDecl;
using syntax::IsDeclKeyword;
using syntax::IsOperator;
using syntax::OffsetMap;

namespace {

bool IsOpen(size_t t) { return t == KpiLexer::LPAREN || t == KpiLexer::LBRACE || t == KpiLexer::LBRACK; }
bool IsClose(size_t t) { return t == KpiLexer::RPAREN || t == KpiLexer::RBRACE || t == KpiLexer::RBRACK; }


/// A lexed token in 32 bytes, where antlr4::CommonToken takes 112 (in a
/// 128-byte heap block; a 10 MB package lexes into millions of tokens,
/// all alive until its last declaration is parsed): positions as 32-bit
/// numbers, the type and channel as 16-bit ones, the text read from the
/// input when asked.
///
/// A token lives only in its file's TokenArray, and its number (index_)
/// is its place there: the array's first slot is a header holding the
/// (lexer, input) pair of the file, found from any token as `this -
/// index_ - 1`. So no token carries a pointer to it (8 bytes each, 14 MB
/// of the 10 MB package's peak).
class CompactToken final : public antlr4::WritableToken {
 public:
  using Source = std::pair<antlr4::TokenSource*, antlr4::CharStream*>;
  /// The array's header: no token, the file's source.
  explicit CompactToken(const Source* source) : kind_(0), start_(0), stop_(0) { source_ = source; }
  CompactToken(uint32_t index, uint32_t type, uint32_t channel, uint32_t start, uint32_t stop, uint32_t line,
               uint32_t column)
      : kind_(type | channel << 16), start_(start), stop_(stop), index_(index) {
    pos_.line = line;
    pos_.column = column;
  }

  std::string getText() const override {
    antlr4::CharStream* in = source()->second;
    if (!in) return "";
    size_t n = in->size();
    if (start_ < n && stop_ < n) return in->getText(antlr4::misc::Interval(size_t{start_}, size_t{stop_}));
    return "<EOF>";
  }
  size_t getType() const override { return kind_ & 0xFFFF; }
  size_t getLine() const override { return pos_.line; }
  size_t getCharPositionInLine() const override { return pos_.column; }
  size_t getChannel() const override { return kind_ >> 16; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return start_; }
  size_t getStopIndex() const override { return stop_; }
  antlr4::TokenSource* getTokenSource() const override { return source()->first; }
  antlr4::CharStream* getInputStream() const override { return source()->second; }
  std::string toString() const override {
    return fmt::format("[@{},{}:{}='{}',<{}>{},{}:{}]", static_cast<long>(getTokenIndex()), start_, stop_, getText(),
                       getType(), getChannel() ? fmt::format(",channel={}", getChannel()) : "", pos_.line,
                       pos_.column);
  }

  // The parser and kpic change a token's type and channel (a full-width
  // mark read as its ASCII twin), and the stream numbers tokens; none sets
  // a lexed token's text, which this token cannot hold.
  void setText(const std::string&) override {
    throw std::logic_error("internal error: the text of a lexed token was set");
  }
  void setType(size_t type) override { kind_ = static_cast<uint32_t>(type & 0xFFFF) | (kind_ & 0xFFFF0000u); }
  void setLine(size_t line) override { pos_.line = static_cast<uint32_t>(line); }
  void setCharPositionInLine(size_t column) override { pos_.column = static_cast<uint32_t>(column); }
  void setChannel(size_t channel) override { kind_ = (kind_ & 0xFFFF) | static_cast<uint32_t>(channel) << 16; }
  /// A token's number is its place in its array, which finds the header.
  void setTokenIndex(size_t index) override {
    if (index != index_) throw std::logic_error("internal error: a lexed token was renumbered");
  }

 private:
  const Source* source() const { return (this - index_ - 1)->source_; }

  union {
    struct {
      uint32_t line, column;
    } pos_;               ///< a token's
    const Source* source_;  ///< the header's
  };
  uint32_t kind_;  ///< type (low 16 bits), channel (high 16)
  uint32_t start_, stop_;
  uint32_t index_ = 0;
};
static_assert(sizeof(CompactToken) <= 32, "a token must fit a 32-byte slot of its array");

/// A file's tokens (every one but EOF, in order), after the header that
/// holds their source (CompactToken). Token i is at slot i + 1.
class TokenArray {
 public:
  void Start(const CompactToken::Source* source, size_t expected) {
    slots_.clear();
    slots_.reserve(expected + 1);
    slots_.emplace_back(source);
  }
  void Add(uint32_t type, uint32_t channel, uint32_t start, uint32_t stop, uint32_t line, uint32_t column) {
    slots_.emplace_back(static_cast<uint32_t>(slots_.size() - 1), type, channel, start, stop, line, column);
  }
  size_t size() const { return slots_.empty() ? 0 : slots_.size() - 1; }
  CompactToken& operator[](size_t i) { return slots_[i + 1]; }

 private:
  std::vector<CompactToken> slots_;
};

/// The scanner (syntax/scanner.h: the lexer's rules over the file's
/// bytes) as ANTLR's token source, emitting CompactTokens.
class ScannerSource final : public antlr4::TokenSource {
 public:
  ScannerSource(std::string_view text, size_t start, antlr4::CharStream* input)
      : scanner_(text, start), source_(this, input) {}

  std::unique_ptr<antlr4::Token> nextToken() override {
    syntax::ScannedToken t = scanner_.Next();
    if (t.type == syntax::Scanner::kEof) return Eof(t);
    // A CompactToken lives only in a TokenArray: one by one, they are the
    // tokens the generated lexer makes.
    auto token = std::make_unique<antlr4::CommonToken>(std::pair<antlr4::TokenSource*, antlr4::CharStream*>(source_),
                                                       t.type, t.channel, size_t{t.start}, size_t{t.stop});
    token->setLine(t.line);
    token->setCharPositionInLine(t.column);
    return token;
  }
  /// Scans the whole input into `tokens` (numbered in order), and returns
  /// the EOF token, which the generated lexer makes a CommonToken. `grown`
  /// is called now and then (the heap's growth is noted as it happens).
  std::unique_ptr<antlr4::Token> ScanAll(TokenArray* tokens, size_t expected, void (*grown)()) {
    tokens->Start(&source_, expected);
    for (;;) {
      syntax::ScannedToken t = scanner_.Next();
      if (t.type == syntax::Scanner::kEof) {
        std::unique_ptr<antlr4::Token> eof = Eof(t);
        static_cast<antlr4::WritableToken*>(eof.get())->setTokenIndex(tokens->size());
        return eof;
      }
      tokens->Add(t.type, t.channel, t.start, t.stop, t.line, t.column);
      if ((tokens->size() & 0xFFFF) == 0) grown();
    }
  }

  size_t getLine() const override { return scanner_.line(); }
  size_t getCharPositionInLine() override { return scanner_.column(); }
  antlr4::CharStream* getInputStream() override { return source_.second; }
  std::string getSourceName() override { return source_.second->getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  std::unique_ptr<antlr4::Token> Eof(const syntax::ScannedToken& t) {
    // As the generated lexer's emitEOF() makes it: start at the end, stop one before.
    auto eof = std::make_unique<antlr4::CommonToken>(std::pair<antlr4::TokenSource*, antlr4::CharStream*>(source_),
                                                     antlr4::Token::EOF, antlr4::Token::DEFAULT_CHANNEL,
                                                     size_t{t.start}, static_cast<size_t>(t.start) - 1);
    eof->setLine(t.line);
    eof->setCharPositionInLine(t.column);
    return eof;
  }

  syntax::Scanner scanner_;
  CompactToken::Source source_;
};

/// Every token of a file, all channels, in order, EOF last: the scanned
/// array and the EOF token, read in place (an array of a pointer per token
/// was 14 MB of the 10 MB package's peak).
class AllTokens {
 public:
  AllTokens() = default;
  AllTokens(TokenArray* tokens, antlr4::Token* eof) : tokens_(tokens), eof_(eof) {}
  size_t size() const { return tokens_ ? tokens_->size() + 1 : 0; }
  antlr4::Token* operator[](size_t i) const { return i < tokens_->size() ? &(*tokens_)[i] : eof_; }

 private:
  TokenArray* tokens_ = nullptr;
  antlr4::Token* eof_ = nullptr;
};

/// The parser's token stream: the file's default-channel tokens, in one
/// array, EOF last (what CommonTokenStream gives the parser, without its
/// per-token heap blocks, its lazy fetching and its channel skipping on
/// every step). Its index is the place in that array; the tokens keep
/// their numbers among all tokens (comments and stray characters
/// included), as the generated lexer's stream numbered them.
class MainTokenStream final : public antlr4::TokenStream {
 public:
  MainTokenStream(const std::vector<antlr4::Token*>& main, const AllTokens& all, antlr4::TokenSource* source)
      : main_(main), all_(all), source_(source) {}

  antlr4::Token* LT(ssize_t k) override {
    if (k == 0) return nullptr;
    if (k < 0) return static_cast<ssize_t>(p_) + k >= 0 ? main_[p_ + static_cast<size_t>(k)] : nullptr;
    return main_[std::min(p_ + static_cast<size_t>(k) - 1, main_.size() - 1)];
  }
  size_t LA(ssize_t i) override {
    antlr4::Token* t = LT(i);
    return t ? t->getType() : antlr4::Token::INVALID_TYPE;
  }
  void consume() override {
    if (LA(1) == antlr4::Token::EOF) throw antlr4::IllegalStateException("cannot consume EOF");
    ++p_;
  }
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, main_.size() - 1); }
  size_t size() override { return main_.size(); }
  std::string getSourceName() const override { return source_->getSourceName(); }
  antlr4::Token* get(size_t index) const override { return main_.at(index); }
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  // An interval of the stream's own index (as ANTLR's prediction reports
  // it): the default-channel tokens in it. A context's or two tokens' text:
  // by the tokens' numbers, over every channel, as BufferedTokenStream gives
  // them (comments included).
  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < 0) return "";
    return Join(main_, static_cast<size_t>(interval.a), static_cast<size_t>(interval.b));
  }
  std::string getText() override { return Join(all_, 0, all_.size() - 1); }
  std::string getText(antlr4::RuleContext* ctx) override {
    antlr4::misc::Interval in = ctx->getSourceInterval();
    if (in.a < 0 || in.b < 0) return "";
    return Join(all_, static_cast<size_t>(in.a), static_cast<size_t>(in.b));
  }
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override {
    if (!start || !stop) return "";
    return Join(all_, start->getTokenIndex(), stop->getTokenIndex());
  }

 private:
  /// The texts of tokens[from..to], up to EOF.
  template <class Tokens>
  static std::string Join(const Tokens& tokens, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i <= to && i < tokens.size(); ++i) {
      if (tokens[i]->getType() == antlr4::Token::EOF) break;
      out += tokens[i]->getText();
    }
    return out;
  }

  const std::vector<antlr4::Token*>& main_;
  const AllTokens& all_;
  antlr4::TokenSource* source_;
  size_t p_ = 0;
};

struct Chunk {
  size_t begin = 0;  ///< index into the default-channel token list
  size_t end = 0;
  bool skip = false;   ///< limits exceeded: reported, not parsed
  bool heavy = false;  ///< deep or long: parse on a big stack
};

class FileParser {
 public:
  FileParser(const SourceManager& sm, FileId id, DiagnosticSink& diags, const ParseLimits& limits)
      : sm_(sm), id_(id), diags_(diags), limits_(limits) {}

  std::unique_ptr<ast::File> Run();

 private:
  bool CheckInput();
  void Lex();
  void ScanTrivia();
  void CollectMain();
  std::vector<Chunk> Split();
  void CheckLimits(Chunk* chunk);
  void ParseChunk(const Chunk& chunk, bool last);
  bool FastParse(const Chunk& chunk, std::vector<KpiParser::TopItemContext*>* items);
  void BuildChunk(const Chunk& chunk, const std::vector<KpiParser::TopItemContext*>& items, bool had_errors);
  std::string DocBefore(size_t token_index);

  const SourceManager& sm_;
  FileId id_;
  DiagnosticSink& diags_;
  ParseLimits limits_;
  std::unique_ptr<ast::File> file_ = std::make_unique<ast::File>();
  OffsetMap map_;
  std::unique_ptr<syntax::Utf8Stream> input_;
  std::unique_ptr<ScannerSource> lexer_;
  TokenArray tokens_;                    ///< every token but EOF, in order
  std::unique_ptr<antlr4::Token> eof_;
  std::unique_ptr<MainTokenStream> stream_;
  std::unique_ptr<KpiParser> fast_parser_;  ///< declared after stream_: destroyed first
  AllTokens all_;                           ///< every token, all channels
  std::vector<antlr4::Token*> main_;        ///< default channel, EOF last
  std::vector<antlr4::Token*> docs_;        ///< `///` comments
  std::set<size_t> unterminated_;           ///< token indices of unterminated strings
};

bool FileParser::CheckInput() {
  const std::string& text = sm_.Get(id_).text;
  if (text.size() > limits_.max_file_bytes) {
    ReportFileTooLarge(diags_, id_, text.size(), limits_);
    return false;
  }
  const void* nul = std::memchr(text.data(), 0, text.size());
  if (nul) {
    uint32_t at = static_cast<uint32_t>(static_cast<const char*>(nul) - text.data());
    diags_.Report(DiagCode::E0003, Span{id_, at, at + 1}, "file looks binary: it contains a NUL byte")
        .Help("a .kpi file is UTF-8 text; check that the right file was given");
    return false;
  }
  size_t bad = FindInvalidUtf8(text);
  if (bad != std::string::npos) {
    size_t count = 0;
    for (size_t i = 0; i < text.size();) {
      uint32_t cp;
      size_t n = DecodeUtf8(text, i, &cp);
      if (cp == kReplacementChar && n == 1) ++count;
      i += n;
    }
    auto& d = diags_.Report(DiagCode::E0002, Span{id_, static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
                            fmt::format("file is not valid UTF-8 (byte 0x{:02X} at offset {})",
                                        static_cast<unsigned char>(text[bad]), bad));
    d.span_label = "invalid byte";
    if (count > 1) d.Note(fmt::format("{} invalid bytes in total", count));
    d.Help("save the file as UTF-8 (files in GBK or GB18030 must be converted, e.g. with `iconv -f GBK -t UTF-8`)");
  }
  return true;
}

void FileParser::Lex() {
  const std::string& text = sm_.Get(id_).text;
  map_.file = id_;
  map_.text = text;
  // A UTF-8 byte order mark is not part of the text.
  size_t start = text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  input_ = std::make_unique<syntax::Utf8Stream>(text, start);
  lexer_ = std::make_unique<ScannerSource>(text, start, input_.get());
  // One token per six bytes in the generated 10 MB package: room for one
  // per four, which is never touched (nor faulted in) where it is not
  // used, and is not shrunk (a copy of every token into fresh memory). The
  // array grows if there are more; no token is pointed to until it is whole.
  eof_ = lexer_->ScanAll(&tokens_, text.size() / 4 + 16, &NoteHeapGrowth);
  all_ = AllTokens(&tokens_, eof_.get());
}

void FileParser::CollectMain() {
  auto main = [&](size_t i) { return all_[i]->getChannel() == antlr4::Token::DEFAULT_CHANNEL; };
  size_t n = 0;
  for (size_t i = 0; i < all_.size(); ++i) n += main(i);
  main_.reserve(n);  // exactly: a doubled array left up to half of its 9 MB unused
  for (size_t i = 0; i < all_.size(); ++i)
    if (main(i)) main_.push_back(all_[i]);
  stream_ = std::make_unique<MainTokenStream>(main_, all_, lexer_.get());
}

void FileParser::ScanTrivia() {
  for (size_t i = 0; i < all_.size(); ++i) {
    antlr4::Token* t = all_[i];
    Span span = map_.TokenSpan(t);
    switch (t->getType()) {
      case KpiLexer::LINE_COMMENT:
        file_->comments.push_back({ast::Comment::Kind::kLine, span});
        break;
      case KpiLexer::BLOCK_COMMENT:
        file_->comments.push_back({ast::Comment::Kind::kBlock, span});
        break;
      case KpiLexer::DOC_COMMENT:
        file_->comments.push_back({ast::Comment::Kind::kDoc, span});
        docs_.push_back(t);
        break;
      case KpiLexer::UNTERMINATED_COMMENT: {
        Span open{span.file, span.begin, span.begin + 2};
        auto& d = diags_.Report(DiagCode::E0104, open, "block comment is never closed");
        d.span_label = "comment starts here";
        d.Help("close it with `*/`");
        file_->comments.push_back({ast::Comment::Kind::kBlock, span});
        break;
      }
      case KpiLexer::UNTERMINATED_STRING: {
        diags_.Report(DiagCode::E0103, span, "string is never closed: a string ends with `\"` on the same line")
            .span_label = "string starts here";
        // Parse on as if the string were closed, but keep quiet about the
        // syntax of the rest of that declaration: the string swallowed it.
        if (auto* w = dynamic_cast<antlr4::WritableToken*>(t)) w->setType(KpiLexer::STRING);
        unterminated_.insert(t->getTokenIndex());
        break;
      }
      case KpiLexer::INT: {
        // `2026年`: a year as Chinese writes it. The 年 is left out with
        // one diagnostic, where the rest of the goal failed to parse
        // (new-user probe, 2026-12-07).
        size_t before = i;  // the token before, past whitespace and comments: `period`
        while (before > 0 && all_[before - 1]->getChannel() != antlr4::Token::DEFAULT_CHANNEL) --before;
        if (before > 0 && all_[before - 1]->getType() == KpiLexer::PERIOD && i + 1 < all_.size() &&
            all_[i + 1]->getType() == KpiLexer::IDENT && all_[i + 1]->getText() == "\u5e74" &&
            all_[i + 1]->getStartIndex() == t->getStopIndex() + 1) {
          Span nian = map_.TokenSpan(all_[i + 1]);
          Span whole{span.file, span.begin, nian.end};
          auto& d = diags_.Report(DiagCode::E0101, whole,
                                  fmt::format("a year is written `{}`, not `{}年`", t->getText(), t->getText()));
          d.span_label = "write the number alone";
          d.Help(fmt::format("write `{}` (a period of months: `period {} by month`)", t->getText(), t->getText()));
          d.WithFix(whole, t->getText(), fmt::format("write `{}`", t->getText()));
          if (auto* w = dynamic_cast<antlr4::WritableToken*>(all_[i + 1])) w->setChannel(antlr4::Token::HIDDEN_CHANNEL);
          ++i;
        }
        break;
      }
      case KpiLexer::HASH_COMMENT: {
        Span hash{span.file, span.begin, span.begin + 1};
        auto& d = diags_.Report(DiagCode::E0101, hash, "comments start with `//`, not `#`");
        d.span_label = "not a comment in .kpi files";
        d.WithFix(hash, "//", "replace with `//`");
        file_->comments.push_back({ast::Comment::Kind::kLine, span});
        break;
      }
      case KpiLexer::SINGLE_QUOTED_STRING: {
        std::string text = t->getText();
        std::string fixed = "\"" + text.substr(1, text.size() - 2) + "\"";
        auto& d = diags_.Report(DiagCode::E0101, span, "strings are written in double quotes, not single quotes");
        d.span_label = "single-quoted";
        d.WithFix(span, fixed, "use double quotes");
        d.Help(fmt::format("write {}", fixed));
        if (auto* w = dynamic_cast<antlr4::WritableToken*>(t)) w->setType(KpiLexer::STRING);
        break;
      }
      case KpiLexer::ERROR_CHAR: {
        // Merge a run of stray characters into one diagnostic.
        size_t j = i;
        while (j + 1 < all_.size() && all_[j + 1]->getType() == KpiLexer::ERROR_CHAR) ++j;
        Span run = span;
        run.end = map_.TokenSpan(all_[j]).end;
        std::string text = t->getText();
        uint32_t cp = text.empty() ? 0 : 0;
        if (!text.empty()) DecodeUtf8(text, 0, &cp);
        std::string shown = cp == kReplacementChar || cp < 0x20 ? fmt::format("U+{:04X}", cp) : "`" + text + "`";
        static const std::vector<std::tuple<std::string, std::string, size_t>> kFullWidth = {
            {"（", "(", KpiLexer::LPAREN}, {"）", ")", KpiLexer::RPAREN}, {"，", ",", KpiLexer::COMMA},
            {"：", ":", KpiLexer::COLON},  {"；", ";", KpiLexer::SEMI},   {"＝", "=", KpiLexer::ASSIGN},
            {"【", "[", KpiLexer::LBRACK}, {"】", "]", KpiLexer::RBRACK}, {"＋", "+", KpiLexer::PLUS},
            {"－", "-", KpiLexer::MINUS},  {"＊", "*", KpiLexer::STAR},   {"／", "/", KpiLexer::SLASH}};
        auto fw =
            std::find_if(kFullWidth.begin(), kFullWidth.end(), [&](const auto& e) { return std::get<0>(e) == text; });
        if (fw != kFullWidth.end() && j == i) {
          // Parse on as if the ASCII mark had been typed: one diagnostic, not a cascade.
          auto& d =
              diags_.Report(DiagCode::E0101, span, fmt::format("full-width `{}` outside a string", std::get<0>(*fw)));
          d.span_label = fmt::format("use `{}`", std::get<1>(*fw));
          d.Help(fmt::format("outside of strings, write the ASCII `{}`", std::get<1>(*fw)));
          d.WithFix(span, std::get<1>(*fw), fmt::format("replace with `{}`", std::get<1>(*fw)));
          if (auto* w = dynamic_cast<antlr4::WritableToken*>(t)) {
            w->setType(std::get<2>(*fw));
            w->setChannel(antlr4::Token::DEFAULT_CHANNEL);
          }
          break;
        }
        if ((text == "\u201c" || text == "\u2018") && j == i) {
          // Curly quotes, as a Chinese input method types them: one
          // diagnostic with the straight-quoted string as its fix, and the
          // words between read as nothing, where three errors came without
          // help (new-user probe, 2026-12-07).
          const std::string close = text == "\u201c" ? "\u201d" : "\u2019";
          size_t k = i + 1;
          while (k < all_.size() && all_[k]->getLine() == t->getLine() && all_[k]->getText() != close &&
                 all_[k]->getType() != antlr4::Token::EOF)
            ++k;
          if (k < all_.size() && all_[k]->getLine() == t->getLine() && all_[k]->getText() == close) {
            Span whole = span;
            whole.end = map_.TokenSpan(all_[k]).end;
            std::string inner(map_.text.substr(span.end, map_.TokenSpan(all_[k]).begin - span.end));
            std::string fixed = "\"" + inner + "\"";
            auto& d = diags_.Report(DiagCode::E0101, whole,
                                    fmt::format("strings are written in straight double quotes, not {}{}", text, close));
            d.span_label = "curly quotes";
            d.Help(fmt::format("write {} (an input method's quotes are not ASCII `\"`)", fixed));
            d.WithFix(whole, fixed, "use straight double quotes");
            // The opening quote stands for the string (ast_builder.cc's
            // StringValue reads it as empty: the file does not check).
            if (auto* w = dynamic_cast<antlr4::WritableToken*>(t)) {
              w->setType(KpiLexer::STRING);
              w->setChannel(antlr4::Token::DEFAULT_CHANNEL);
            }
            for (size_t h = i + 1; h <= k; ++h)
              if (auto* w = dynamic_cast<antlr4::WritableToken*>(all_[h])) w->setChannel(antlr4::Token::HIDDEN_CHANNEL);
            i = k;
            break;
          }
        }
        auto& d = diags_.Report(DiagCode::E0101, run, fmt::format("unexpected character {}", shown));
        d.span_label = "not part of the language";
        if (text == "'")
          d.Help("strings are written in double quotes: \"...\"");
        else if (text == "&" || text == "|")
          d.Help("write `and` and `or` for logical operators");
        else if (text == "!")
          d.Help("write `not` for negation, or `!=` for inequality");
        i = j;
        break;
      }
      default:
        break;
    }
  }
}

std::vector<Chunk> FileParser::Split() {
  std::vector<Chunk> chunks;
  // main_ ends with EOF; chunks cover [0, main_.size() - 1).
  const size_t n = main_.size() - 1;
  size_t depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t t = main_[i]->getType();
    if (i > start && IsDeclKeyword(t)) {
      bool boundary = depth == 0 && CanEndDecl(main_[i - 1]->getType());
      if (!boundary && main_[i]->getCharPositionInLine() == 0 && i + 2 <= n) {
        // A keyword at the start of a line inside an unclosed block: a new
        // declaration if what follows looks like a declaration header.
        size_t after = i + 2 < n ? main_[i + 2]->getType() : antlr4::Token::EOF;
        boundary = t == KpiLexer::PACKAGE || t == KpiLexer::IMPORT || after == KpiLexer::ASSIGN ||
                   after == KpiLexer::COLON || after == KpiLexer::STRING || after == KpiLexer::LBRACE ||
                   after == KpiLexer::LPAREN || after == KpiLexer::FROM;
      }
      if (boundary) {
        chunks.push_back({start, i});
        start = i;
        depth = 0;
      }
    }
    if (IsOpen(t)) ++depth;
    if (IsClose(t) && depth > 0) --depth;
  }
  if (start < n) chunks.push_back({start, n});
  return chunks;
}

void FileParser::CheckLimits(Chunk* chunk) {
  size_t depth = 0, ops = 0;
  for (size_t i = chunk->begin; i < chunk->end; ++i) {
    size_t t = main_[i]->getType();
    if (IsOpen(t)) {
      if (++depth > limits_.max_nesting) {
        diags_
            .Report(DiagCode::E0105, map_.TokenSpan(main_[i]),
                    fmt::format("brackets are nested more than {} deep", limits_.max_nesting))
            .Help("split the expression into smaller metrics")
            .span_label = "too deep here";
        chunk->skip = true;
        return;
      }
    } else if (IsClose(t) && depth > 0) {
      --depth;
    }
    if (depth > 24) chunk->heavy = true;
    if (IsOperator(t) && ++ops > 400) chunk->heavy = true;
    if (IsOperator(t) && ops > limits_.max_operators) {
      diags_
          .Report(DiagCode::E0106, map_.TokenSpan(main_[chunk->begin]),
                  fmt::format("declaration has more than {} operators", limits_.max_operators))
          .Help("split it into several metrics that build on each other")
          .span_label = "this declaration";
      chunk->skip = true;
      return;
    }
  }
}

std::string FileParser::DocBefore(size_t token_index) {
  // Doc comments directly before the declaration's first token (whitespace
  // is skipped by the lexer, so nothing else may come between).
  std::string doc;
  std::vector<antlr4::Token*> found;
  for (size_t k = token_index; k-- > 0;) {
    antlr4::Token* t = all_[k];
    if (t->getType() != KpiLexer::DOC_COMMENT) break;
    found.push_back(t);
  }
  for (size_t k = found.size(); k-- > 0;) {
    std::string line = found[k]->getText().substr(3);
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    if (!doc.empty()) doc += '\n';
    doc += line;
  }
  return doc;
}

bool FileParser::FastParse(const Chunk& chunk, std::vector<KpiParser::TopItemContext*>* items) {
  // One SLL parser over the whole file's token stream, seeking to each
  // declaration: no token copies, no per-declaration parser. Any syntax
  // error bails out to the isolated, reporting path in ParseChunk.
  if (!fast_parser_) {
    fast_parser_ = std::make_unique<KpiParser>(stream_.get());
    fast_parser_->removeErrorListeners();
    fast_parser_->getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    fast_parser_->setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  }
  fast_parser_->reset();  // frees the previous declaration's parse tree
  stream_->seek(chunk.begin);
  try {
    while (stream_->index() < chunk.end) items->push_back(fast_parser_->topItem());
  } catch (const antlr4::ParseCancellationException&) {
    items->clear();
    return false;
  }
  if (stream_->index() != chunk.end) {
    items->clear();
    return false;
  }
  return true;
}

void FileParser::BuildChunk(const Chunk& chunk, const std::vector<KpiParser::TopItemContext*>& items, bool had_errors) {
  syntax::AstBuilder builder(map_, diags_);
  size_t before = file_->decls.size();
  for (auto* item : items) builder.BuildTopItem(item, &file_->decls);
  for (size_t k = before; k < file_->decls.size(); ++k) file_->decls[k]->has_syntax_error = had_errors;
  if (before < file_->decls.size()) file_->decls[before]->doc = DocBefore(main_[chunk.begin]->getTokenIndex());
}

void FileParser::ParseChunk(const Chunk& chunk, bool last) {
  // Most declarations of a large package are metrics: parsed straight into
  // the AST where that is exact, by ANTLR otherwise.
  size_t before = file_->decls.size();
  if (limits_.direct_metrics && syntax::ParseMetricsDirect(main_, chunk.begin, chunk.end, map_, &file_->decls)) {
    if (limits_.direct_parsed) *limits_.direct_parsed += file_->decls.size() - before;
    if (before < file_->decls.size()) file_->decls[before]->doc = DocBefore(main_[chunk.begin]->getTokenIndex());
    return;
  }
  std::vector<KpiParser::TopItemContext*> items;
  if (FastParse(chunk, &items)) {
    BuildChunk(chunk, items, false);
    return;
  }
  // The declaration has a syntax error: parse it on its own token stream,
  // ending at the next declaration, with full LL prediction and the
  // reporting strategy, so that messages are exact and recovery cannot
  // run into the next declaration.
  std::vector<std::unique_ptr<antlr4::Token>> tokens;
  for (size_t i = chunk.begin; i < chunk.end; ++i) tokens.push_back(std::make_unique<antlr4::CommonToken>(main_[i]));
  antlr4::Token* next = main_[chunk.end];
  auto eof = std::make_unique<antlr4::CommonToken>(next);
  eof->setType(antlr4::Token::EOF);
  eof->setStopIndex(next->getStartIndex() - 1);
  // Copied from a CompactToken, the stand-in holds the next token's text
  // (`metric`): a declaration cut at its name would be named after it.
  eof->setText("");
  tokens.push_back(std::move(eof));

  antlr4::ListTokenSource source(std::move(tokens));
  antlr4::CommonTokenStream stream(&source);
  KpiParser parser(&stream);
  parser.removeErrorListeners();
  syntax::ChunkInfo info;
  info.map = &map_;
  info.diags = &diags_;
  info.last_chunk = last;
  for (size_t i = chunk.begin; i < chunk.end; ++i)
    if (unterminated_.count(main_[i]->getTokenIndex())) info.quiet = true;
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  parser.setErrorHandler(std::make_shared<syntax::KpiErrorStrategy>(&info));
  KpiParser::FileContext* tree = parser.file();
  BuildChunk(chunk, tree->topItem(), info.errors > 0);
}

std::unique_ptr<ast::File> FileParser::Run() {
  file_->id = id_;
  if (!CheckInput()) return std::move(file_);
  Lex();
  ScanTrivia();
  CollectMain();
  if (main_.size() <= 1) {
    diags_.Report(DiagCode::W0001, Span{id_, 0, 0}, "file declares nothing")
        .Help("a .kpi file holds declarations such as `metric`, `source` or `goal`");
    return std::move(file_);
  }
  std::vector<Chunk> chunks = Split();
  for (size_t c = 0; c < chunks.size(); ++c) {
    if ((c & 63) == 0) NoteHeapGrowth();
    CheckLimits(&chunks[c]);
    if (chunks[c].skip) continue;
    bool last = c + 1 == chunks.size();
    if (chunks[c].heavy) {
      RunOnBigStack([&] { ParseChunk(chunks[c], last); });
    } else {
      ParseChunk(chunks[c], last);
    }
  }
  return std::move(file_);
}

}  // namespace

namespace {

std::vector<LexedToken> Collect(antlr4::TokenSource* source) {
  std::vector<LexedToken> out;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = source->nextToken();
    out.push_back({t->getType(), t->getChannel(), t->getStartIndex(), t->getStopIndex(), t->getText(), t->getLine(),
                   t->getCharPositionInLine()});
    if (t->getType() == antlr4::Token::EOF) break;
  }
  return out;
}

std::vector<LexedToken> LexAll(antlr4::CharStream* in) {
  KpiLexer lexer(in);
  lexer.removeErrorListeners();
  return Collect(&lexer);
}

}  // namespace

std::vector<LexedToken> LexForTest(std::string_view text, bool map_classes) {
  std::u32string cps;
  std::vector<uint32_t> offsets;
  syntax::DecodeText(text, &cps, &offsets);
  syntax::CodePointStream in(std::move(cps), map_classes);
  return LexAll(&in);
}

std::vector<LexedToken> LexBytesForTest(std::string_view text, size_t start) {
  syntax::Utf8Stream in(text, start);
  return LexAll(&in);
}

std::vector<LexedToken> ScanForTest(std::string_view text, size_t start) {
  syntax::Utf8Stream in(text, start);
  ScannerSource source(text, start, &in);
  return Collect(&source);
}

void ReportFileTooLarge(DiagnosticSink& diags, FileId id, size_t bytes, const ParseLimits& limits) {
  diags
      .Report(DiagCode::E0004, Span{id, 0, 0},
              fmt::format("file is too large to check ({} bytes, the limit is {} bytes)", bytes, limits.max_file_bytes))
      .Help("split the package into several files");
}

std::unique_ptr<ast::File> ParseFile(const SourceManager& sm, FileId id, DiagnosticSink& diags,
                                     const ParseLimits& limits) {
  // A big-stack thread (RunOnBigStack) would get its own malloc arena, which
  // glibc grows a page range at a time; for a large declaration that growth
  // cost more than the parse itself. One arena serves kpic well.
  static std::once_flag arena_once;
  std::call_once(arena_once, [] { mallopt(M_ARENA_MAX, 1); });
  FileParser parser(sm, id, diags, limits);
  return parser.Run();
}

}  // namespace kpic
