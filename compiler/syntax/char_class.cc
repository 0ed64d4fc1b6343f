// The lexer's character classes: what KpiLexer.g4 makes of a code point
// outside ASCII, asked of the lexer itself (antlr_bridge.h, CodePointStream).
#include <atomic>
#include <memory>
#include <string>

#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

namespace {

/// Lexes `text` (unmapped) and tells what the first token is and how many
/// code points it spans; EOF when the lexer skipped all of it.
struct Probe {
  size_t type = 0;
  size_t length = 0;
};
Probe LexOne(std::u32string text) {
  CodePointStream in(std::move(text), /*map_classes=*/false);
  kpic_gen::KpiLexer lexer(&in);
  lexer.removeErrorListeners();
  std::unique_ptr<antlr4::Token> t = lexer.nextToken();
  if (t->getType() == antlr4::Token::EOF) return {antlr4::Token::EOF, 0};
  return {t->getType(), t->getStopIndex() + 1 - t->getStartIndex()};
}

CharClass ProbeClass(char32_t c) {
  Probe alone = LexOne(std::u32string(1, c));
  if (alone.type == antlr4::Token::EOF) return CharClass::kSpace;  // skipped: white space
  if (alone.type == kpic_gen::KpiLexer::IDENT && alone.length == 1) return CharClass::kLetter;
  Probe after = LexOne(std::u32string{U'a', c});
  if (after.type == kpic_gen::KpiLexer::IDENT && after.length == 2) return CharClass::kNameContinue;
  return CharClass::kOther;
}

}  // namespace

CharClass ClassOf(char32_t c) {
  // One byte per code point, 0 until probed; racing threads probe alike.
  static std::atomic<uint8_t> known[0x110000];
  if (c >= 0x110000) return CharClass::kOther;
  uint8_t k = known[c].load(std::memory_order_relaxed);
  if (k != 0) return static_cast<CharClass>(k);
  CharClass found = ProbeClass(c);
  known[c].store(static_cast<uint8_t>(found), std::memory_order_relaxed);
  return found;
}

}  // namespace kpic::syntax
