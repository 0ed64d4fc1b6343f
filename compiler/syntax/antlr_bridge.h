// Internal to compiler/syntax: the pieces shared by the ANTLR-facing files
// (parse.cc, error_strategy.cc, ast_builder.cc). Nothing outside
// compiler/syntax includes this header.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "KpiLexer.h"
#include "KpiParser.h"
#include "antlr4-runtime.h"
#include "base/source_manager.h"
#include "diag/diagnostic.h"
#include "syntax/ast.h"

namespace kpic::syntax {

/// The lexer's class of a code point outside ASCII, as KpiLexer.g4 treats
/// it: a letter (may start a name), a digit or mark (may continue one),
/// white space, or anything else. The grammar lists the class codes
/// (U+0001 to U+0004) beside the Unicode classes they stand for.
enum class CharClass : uint8_t { kLetter = 1, kNameContinue = 2, kSpace = 3, kOther = 4 };

/// The class of `c`, asked of the lexer itself once per code point (a
/// probe over the unmapped text) and remembered for the process.
CharClass ClassOf(char32_t c);

/// A char stream over pre-decoded code points, so that invalid UTF-8 (already
/// reported) cannot make ANTLR's own decoder throw.
///
/// The lexer sees each code point outside ASCII as its class's code
/// (ClassOf), and a control character U+0001 to U+0004 in the text as
/// "anything else": ANTLR caches its lexer's transitions for code points
/// below 128 only, and simulated every Chinese character afresh (about
/// 4 µs each). Token texts come from the unmapped code points, so nothing
/// but the speed changes; the lexer unit test compares both token streams.
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  explicit CodePointStream(std::u32string data, bool map_classes = true) : map_classes_(map_classes) {
    _data = std::move(data);
    p = 0;
  }
  size_t LA(ssize_t i) override {
    size_t c = antlr4::ANTLRInputStream::LA(i);
    if (!map_classes_ || (c >= 5 && c < 128) || c == antlr4::IntStream::EOF || c == 0) return c;
    if (c < 5) return static_cast<size_t>(CharClass::kOther);
    return static_cast<size_t>(ClassOf(static_cast<char32_t>(c)));
  }

 private:
  bool map_classes_;
};

/// A char stream over the file's UTF-8 bytes whose index is the byte
/// offset: ANTLR's token start and stop are then byte offsets (the stop is
/// the last byte of the token's last code point), and a token's text is a
/// slice of the file (U+FFFD for an invalid byte: messages and the language
/// server's JSON need UTF-8). The lexer sees code points, mapped to their classes
/// as CodePointStream maps them; an invalid byte reads as U+FFFD (already
/// reported, E0002), one byte long. The code points of a 10 MB file
/// decoded up front took 80 MB and a tenth of checking it.
class Utf8Stream : public antlr4::CharStream {
 public:
  /// `start` skips a byte order mark.
  Utf8Stream(std::string_view text, size_t start) : text_(text), pos_(std::min(start, text.size())) {}
  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return pos_; }
  void seek(size_t index) override { pos_ = std::min(index, text_.size()); }
  size_t size() override { return text_.size(); }
  std::string getSourceName() const override { return ""; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string toString() const override { return std::string(text_); }

 private:
  std::string_view text_;
  size_t pos_;
};

/// Tokens that start a top-level declaration.
inline bool IsDeclKeyword(size_t t) {
  switch (t) {
    case kpic_gen::KpiLexer::PACKAGE:
    case kpic_gen::KpiLexer::IMPORT:
    case kpic_gen::KpiLexer::DIMENSION:
    case kpic_gen::KpiLexer::CALENDAR:
    case kpic_gen::KpiLexer::SOURCE:
    case kpic_gen::KpiLexer::METRIC:
    case kpic_gen::KpiLexer::FN:
    case kpic_gen::KpiLexer::GOAL:
    case kpic_gen::KpiLexer::ROLE:
    case kpic_gen::KpiLexer::REPORT:
    case kpic_gen::KpiLexer::EXPECT:
      return true;
    default:
      return false;
  }
}

/// Tokens that cannot start a declaration but continue an expression.
inline bool IsOperator(size_t t) {
  switch (t) {
    case kpic_gen::KpiLexer::DOT:
    case kpic_gen::KpiLexer::LPAREN:
    case kpic_gen::KpiLexer::PLUS:
    case kpic_gen::KpiLexer::MINUS:
    case kpic_gen::KpiLexer::STAR:
    case kpic_gen::KpiLexer::SLASH:
    case kpic_gen::KpiLexer::EQEQ:
    case kpic_gen::KpiLexer::NEQ:
    case kpic_gen::KpiLexer::LT:
    case kpic_gen::KpiLexer::LE:
    case kpic_gen::KpiLexer::GT:
    case kpic_gen::KpiLexer::GE:
    case kpic_gen::KpiLexer::AND:
    case kpic_gen::KpiLexer::OR:
    case kpic_gen::KpiLexer::NOT:
    case kpic_gen::KpiLexer::WHERE:
    case kpic_gen::KpiLexer::IN:
    case kpic_gen::KpiLexer::IS:
      return true;
    default:
      return false;
  }
}

/// Tokens after which a declaration may end (so that a keyword following
/// one starts a new declaration rather than continuing an expression).
inline bool CanEndDecl(size_t t) {
  if (IsOperator(t)) return false;
  switch (t) {
    case kpic_gen::KpiLexer::COMMA:
    case kpic_gen::KpiLexer::COLON:
    case kpic_gen::KpiLexer::ARROW:
    case kpic_gen::KpiLexer::ASSIGN:
    case kpic_gen::KpiLexer::LBRACK:
    case kpic_gen::KpiLexer::LBRACE:
    case kpic_gen::KpiLexer::CARET:
    case kpic_gen::KpiLexer::DOTDOT:
    case kpic_gen::KpiLexer::FROM:
    case kpic_gen::KpiLexer::AS:
    case kpic_gen::KpiLexer::PACKAGE:
    case kpic_gen::KpiLexer::IMPORT:
      return false;
    default:
      return true;
  }
}

/// Decodes a file's bytes (a UTF-8 byte order mark is not part of the text)
/// into code points and the byte offset of each, plus the end.
void DecodeText(std::string_view text, std::u32string* code_points, std::vector<uint32_t>* cp_to_byte);

/// Maps the indices of tokens lexed from a Utf8Stream (byte offsets) to spans.
struct OffsetMap {
  FileId file = kNoFile;
  std::string_view text;  ///< the file's original bytes

  /// A token's index as a byte offset: one past the end (a token the
  /// error strategy made up, INVALID_INDEX) is the end of the file.
  uint32_t Byte(size_t index) const { return static_cast<uint32_t>(std::min(index, text.size())); }
  Span TokenSpan(const antlr4::Token* t) const;
  Span ContextSpan(antlr4::ParserRuleContext* ctx) const;
};

/// What the error strategy needs to know about the chunk being parsed.
struct ChunkInfo {
  const OffsetMap* map = nullptr;
  DiagnosticSink* diags = nullptr;
  bool last_chunk = true;  ///< the chunk's EOF is the real end of file
  bool quiet = false;      ///< count syntax errors but do not report them
  size_t errors = 0;
  /// The line of a keyword in its other number (`metric sales` in a
  /// report), 0 for none: the rest of its item, read as a setting, brings
  /// no second error (error_strategy.cc, ReportOtherNumber).
  size_t other_number_line = 0;
};

/// Reports syntax errors in analyst language instead of ANTLR's
/// "mismatched input" messages.
class KpiErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit KpiErrorStrategy(ChunkInfo* info) : info_(info) {}
  /// Before the base's: a keyword in its other number at the start of an
  /// item is reported and read as the one meant (ReportOtherNumber), where
  /// the base deleted it and read the rest of the item as a setting.
  void sync(antlr4::Parser* p) override;

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* p) override;
  void reportMissingToken(antlr4::Parser* p) override;

 private:
  void ReportExpected(antlr4::Parser* p, antlr4::Token* found, const antlr4::misc::IntervalSet& expected);
  ChunkInfo* info_;
};

/// Builds the AST of one chunk's parse tree. Tolerates the holes that error
/// recovery leaves (null children).
class AstBuilder {
 public:
  AstBuilder(const OffsetMap& map, DiagnosticSink& diags) : map_(map), diags_(diags) {}
  void BuildTopItem(kpic_gen::KpiParser::TopItemContext* ctx, std::vector<std::unique_ptr<ast::Decl>>* out);

 private:
  std::unique_ptr<ast::Decl> BuildDecl(kpic_gen::KpiParser::TopItemContext* ctx);
  ast::Ident Ident(kpic_gen::KpiParser::IdentContext* ctx);
  ast::Ident Ident(antlr4::Token* t);
  ast::QualifiedName Qualified(kpic_gen::KpiParser::QualifiedNameContext* ctx);
  ast::ExprPtr Expr(kpic_gen::KpiParser::ExprContext* ctx);
  ast::ExprPtr Primary(kpic_gen::KpiParser::PrimaryContext* ctx);
  ast::Arg Arg(kpic_gen::KpiParser::ArgContext* ctx);
  ast::AttrValue Value(kpic_gen::KpiParser::AttrValueContext* ctx);
  ast::Attribute BlockAttr(kpic_gen::KpiParser::BlockAttrContext* ctx);
  ast::Attribute MetricAttr(kpic_gen::KpiParser::MetricAttrContext* ctx);
  ast::UnitExpr Unit(kpic_gen::KpiParser::UnitExprContext* ctx);
  void UnitInto(kpic_gen::KpiParser::UnitExprContext* ctx, int sign, ast::UnitExpr* out);
  ast::TypeRef Type(kpic_gen::KpiParser::TypeRefContext* ctx);
  ast::Column Column(kpic_gen::KpiParser::ColumnDeclContext* ctx);
  void GoalItem(kpic_gen::KpiParser::GoalItemContext* ctx, ast::GoalDecl* goal);
  void ReportItem(kpic_gen::KpiParser::ReportItemContext* ctx, ast::ReportDecl* report);
  std::unique_ptr<ast::Decl> Expect(kpic_gen::KpiParser::ExpectDeclContext* ctx);
  ast::ExprPtr Bound(kpic_gen::KpiParser::ExpectBoundContext* ctx);
  std::string StringValue(antlr4::Token* t);
  void CheckDate(antlr4::Token* t);
  void CheckNumber(antlr4::Token* t);

  const OffsetMap& map_;
  DiagnosticSink& diags_;
};

/// What the AST builder says of a date or timestamp literal's text: valid,
/// no such day or time (E0110), or no digits to check (a token conjured by
/// error recovery, already reported).
enum class DateCheck { kOk, kInvalid, kNoDigits };
DateCheck CheckDateText(const std::string& text, bool timestamp);

/// What the AST builder says of a number literal's text (E0110 unless kOk).
enum class NumberCheck { kOk, kTooLarge, kTooManyDigits };
NumberCheck CheckNumberText(std::string_view text, bool is_int);

/// Parses the metric declarations in the default-channel tokens
/// `main[begin, end)` straight into the AST, without ANTLR: the same nodes,
/// spans and texts that parsing with KpiParser and building with
/// AstBuilder give (the unit test and the parser's fuzzer compare the
/// two). It takes only what it can parse exactly as the grammar does and
/// what the builder would report nothing about: for anything else (another
/// kind of declaration, a syntax error, a string with an escape, a number
/// or date the builder reports) it returns false, adding nothing and
/// reporting nothing, and the caller parses the chunk with ANTLR.
bool ParseMetricsDirect(const std::vector<antlr4::Token*>& main, size_t begin, size_t end, const OffsetMap& map,
                        std::vector<std::unique_ptr<ast::Decl>>* out);

/// Human description of a token: "`metric`", "end of file".
std::string DescribeToken(const antlr4::Token* t);

}  // namespace kpic::syntax
