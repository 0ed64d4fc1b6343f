// KpiLexer.g4's rules as a byte scanner (scanner.h says why, and how it is
// held to the generated lexer).
#include "syntax/scanner.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>

#include "base/utf8.h"
#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

using kpic_gen::KpiLexer;

namespace {

/// The keywords, read from the generated lexer's vocabulary: every token
/// whose literal is a quoted word (`'metric'`).
const std::unordered_map<std::string, uint32_t>& Keywords() {
  static const std::unordered_map<std::string, uint32_t> table = [] {
    std::unordered_map<std::string, uint32_t> out;
    Utf8Stream empty("", 0);
    KpiLexer lexer(&empty);
    const antlr4::dfa::Vocabulary& vocabulary = lexer.getVocabulary();
    for (size_t type = 1; type <= vocabulary.getMaxTokenType(); ++type) {
      std::string literal = vocabulary.getLiteralName(type);
      if (literal.size() < 3 || literal.front() != '\'' || literal.back() != '\'') continue;
      std::string word = literal.substr(1, literal.size() - 2);
      // Every literal that IDENT would also match (a name in ASCII): a
      // keyword written with a digit (`p95`) is one too.
      bool is_word = !word.empty() && !(word[0] >= '0' && word[0] <= '9');
      for (char c : word)
        is_word = is_word && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
      if (is_word) out.emplace(word, static_cast<uint32_t>(type));
    }
    return out;
  }();
  return table;
}

size_t LongestKeyword() {
  static const size_t longest = [] {
    size_t n = 0;
    for (const auto& [word, type] : Keywords()) n = std::max(n, word.size());
    return n;
  }();
  return longest;
}

constexpr uint32_t kLetterCode = static_cast<uint32_t>(CharClass::kLetter);
constexpr uint32_t kContinueCode = static_cast<uint32_t>(CharClass::kNameContinue);
constexpr uint32_t kSpaceCode = static_cast<uint32_t>(CharClass::kSpace);
constexpr uint32_t kOtherCode = static_cast<uint32_t>(CharClass::kOther);

inline bool NameStart(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == kLetterCode;
}
inline bool NamePart(uint32_t c) {
  return NameStart(c) || (c >= '0' && c <= '9') || c == kContinueCode;
}
inline bool Space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == kSpaceCode;
}

}  // namespace

Scanner::Scanner(std::string_view text, size_t start)
    : text_(text), n_(text.size()), pos_(start < text.size() ? start : text.size()) {
  (void)LongestKeyword();
}

uint32_t Scanner::Peek(size_t at, size_t* len) const {
  auto b = static_cast<unsigned char>(text_[at]);
  if (b < 0x80) {
    *len = 1;
    // As Utf8Stream::LA shows them: the class codes themselves (1 to 4)
    // are "anything else".
    return b >= 1 && b <= 4 ? kOtherCode : b;
  }
  uint32_t cp;
  *len = DecodeUtf8(text_, at, &cp);
  return static_cast<uint32_t>(ClassOf(static_cast<char32_t>(cp)));
}

void Scanner::AdvanceTo(size_t to) {
  // ANTLR counts a line at '\n' and a column per code point.
  size_t at = pos_;
  while (at < to) {
    auto b = static_cast<unsigned char>(text_[at]);
    if (b < 0x80) {
      if (b == '\n') {
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
      ++at;
    } else {
      uint32_t cp;
      at += DecodeUtf8(text_, at, &cp);
      ++column_;
    }
  }
  pos_ = to;
}

size_t Scanner::Digits(size_t at) const {
  // DIGITS: DIGIT ( DIGIT | '_' DIGIT )*
  if (!Digit(at)) return 0;
  size_t i = at + 1;
  for (;;) {
    if (Digit(i)) {
      ++i;
    } else if (Is(i, '_') && Digit(i + 1)) {
      i += 2;
    } else {
      break;
    }
  }
  return i - at;
}

size_t Scanner::Exponent(size_t at) const {
  // EXPONENT: [eE] [+-]? DIGIT+
  if (!Is(at, 'e') && !Is(at, 'E')) return 0;
  size_t i = at + 1;
  if (Is(i, '+') || Is(i, '-')) ++i;
  if (!Digit(i)) return 0;
  while (Digit(i)) ++i;
  return i - at;
}

uint32_t Scanner::Number(size_t* end) const {
  const size_t p = pos_;
  const size_t d = Digits(p);
  auto two_digits = [&](size_t at) { return Digit(at) && Digit(at + 1); };
  // DATE_PART: DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT
  const bool date = two_digits(p) && two_digits(p + 2) && Is(p + 4, '-') && two_digits(p + 5) && Is(p + 7, '-') &&
                    two_digits(p + 8);
  size_t timestamp = 0;
  if (date && Is(p + 10, 'T') && two_digits(p + 11) && Is(p + 13, ':') && two_digits(p + 14)) {
    // (':' DIGIT DIGIT ('.' DIGIT+)?)? ('Z' | [+-] DIGIT DIGIT ':' DIGIT DIGIT)?
    size_t t = p + 16;
    if (Is(t, ':') && two_digits(t + 1)) {
      t += 3;
      if (Is(t, '.') && Digit(t + 1)) {
        ++t;
        while (Digit(t)) ++t;
      }
    }
    if (Is(t, 'Z')) {
      ++t;
    } else if ((Is(t, '+') || Is(t, '-')) && two_digits(t + 1) && Is(t + 3, ':') && two_digits(t + 4)) {
      t += 6;
    }
    timestamp = t - p;
  }
  // NUMBER_PART: DIGITS ('.' DIGIT+)?, and its fraction's end.
  size_t frac_end = p + d;
  if (Is(frac_end, '.') && Digit(frac_end + 1)) {
    ++frac_end;
    while (Digit(frac_end)) ++frac_end;
  }
  const size_t percent = Is(frac_end, '%') ? frac_end + 1 - p : 0;
  // DECIMAL: DIGITS '.' DIGIT+ EXPONENT? | DIGITS EXPONENT
  size_t decimal = 0;
  if (frac_end > p + d) {
    decimal = frac_end - p + Exponent(frac_end);
  } else if (size_t e = Exponent(p + d)) {
    decimal = d + e;
  }
  // The longest match; on a tie, the rule written first.
  uint32_t type = KpiLexer::TIMESTAMP;
  size_t best = timestamp;
  auto consider = [&](size_t len, uint32_t t) {
    if (len > best) {
      best = len;
      type = t;
    }
  };
  consider(date ? 10 : 0, KpiLexer::DATE);
  consider(percent, KpiLexer::PERCENT);
  consider(decimal, KpiLexer::DECIMAL);
  consider(d, KpiLexer::INT);
  *end = p + best;
  return type;
}

size_t Scanner::Quoted(char quote, bool* closed, bool* trailing_backslash) const {
  // quote ( ~[quote \\ \r \n] | '\\' ~[\r\n] )* quote
  *closed = false;
  *trailing_backslash = false;
  size_t i = pos_ + 1;
  while (i < n_) {
    char c = text_[i];
    if (c == quote) {
      *closed = true;
      return i + 1;
    }
    if (c == '\r' || c == '\n') return i;
    if (c == '\\') {
      if (i + 1 >= n_ || text_[i + 1] == '\r' || text_[i + 1] == '\n') {
        *trailing_backslash = true;
        return i;
      }
      size_t len;
      (void)Peek(i + 1, &len);
      i += 1 + len;
      continue;
    }
    size_t len;
    (void)Peek(i, &len);
    i += len;
  }
  return i;
}

ScannedToken Scanner::Next() {
  for (;;) {
    ScannedToken tok;
    if (pos_ >= n_) {
      tok.type = kEof;
      tok.start = static_cast<uint32_t>(n_);
      tok.stop = static_cast<uint32_t>(n_ - 1);
      tok.line = line_;
      tok.column = column_;
      return tok;
    }
    const size_t p = pos_;
    size_t len;
    const uint32_t c = Peek(p, &len);
    tok.start = static_cast<uint32_t>(p);
    tok.line = line_;
    tok.column = column_;
    size_t end = p + len;  // one code point, unless a rule says otherwise
    uint32_t type = KpiLexer::ERROR_CHAR;
    uint32_t channel = 0;
    if (Space(c)) {
      // WS: [ \t\r\n\u000C\u00A0\u3000\uFEFF\u0003]+ -> skip
      while (end < n_) {
        size_t l;
        if (!Space(Peek(end, &l))) break;
        end += l;
      }
      AdvanceTo(end);
      continue;
    }
    if (NameStart(c)) {
      bool ascii = c < 0x80;
      for (;;) {
        if (end >= n_) break;
        size_t l;
        uint32_t k = Peek(end, &l);
        if (!NamePart(k)) break;
        ascii = ascii && l == 1;
        end += l;
      }
      type = KpiLexer::IDENT;
      if (ascii && end - p <= LongestKeyword()) {
        const auto& keywords = Keywords();
        auto it = keywords.find(std::string(text_.substr(p, end - p)));
        if (it != keywords.end()) type = it->second;
      }
    } else if (c >= '0' && c <= '9') {
      type = Number(&end);
    } else {
      switch (c) {
        case '"': {
          bool closed, backslash;
          end = Quoted('"', &closed, &backslash);
          if (closed) {
            type = KpiLexer::STRING;
          } else {
            type = KpiLexer::UNTERMINATED_STRING;
            if (backslash) ++end;
          }
          break;
        }
        case '\'': {
          bool closed, backslash;
          size_t q = Quoted('\'', &closed, &backslash);
          if (closed) {
            type = KpiLexer::SINGLE_QUOTED_STRING;
            end = q;
          } else {
            channel = KpiLexer::ERRORS;  // a lone quote: a stray character
          }
          break;
        }
        case '/':
          if (Is(p + 1, '/')) {
            type = Is(p + 2, '/') ? KpiLexer::DOC_COMMENT : KpiLexer::LINE_COMMENT;
            channel = KpiLexer::COMMENTS;
            end = p + 2;
            while (end < n_ && text_[end] != '\r' && text_[end] != '\n') ++end;
          } else if (Is(p + 1, '*')) {
            // BLOCK_COMMENT: '/*' .*? '*/', or unclosed to the end of the file.
            const void* close = p + 2 < n_ ? memmem(text_.data() + p + 2, n_ - p - 2, "*/", 2) : nullptr;
            if (close) {
              type = KpiLexer::BLOCK_COMMENT;
              channel = KpiLexer::COMMENTS;
              end = static_cast<size_t>(static_cast<const char*>(close) - text_.data()) + 2;
            } else {
              type = KpiLexer::UNTERMINATED_COMMENT;
              channel = KpiLexer::ERRORS;
              end = n_;
            }
          } else {
            type = KpiLexer::SLASH;
          }
          break;
        case '#':
          type = KpiLexer::HASH_COMMENT;
          channel = KpiLexer::ERRORS;
          while (end < n_ && text_[end] != '\r' && text_[end] != '\n') ++end;
          break;
        case '-':
          type = Is(p + 1, '>') ? KpiLexer::ARROW : KpiLexer::MINUS;
          break;
        case '.':
          type = Is(p + 1, '.') ? KpiLexer::DOTDOT : KpiLexer::DOT;
          break;
        case '=':
          type = Is(p + 1, '=') ? KpiLexer::EQEQ : KpiLexer::ASSIGN;
          break;
        case '!':
          if (Is(p + 1, '=')) {
            type = KpiLexer::NEQ;
          } else {
            channel = KpiLexer::ERRORS;
          }
          break;
        case '<':
          type = Is(p + 1, '=') ? KpiLexer::LE : KpiLexer::LT;
          break;
        case '>':
          type = Is(p + 1, '=') ? KpiLexer::GE : KpiLexer::GT;
          break;
        case ',': type = KpiLexer::COMMA; break;
        case ':': type = KpiLexer::COLON; break;
        case ';': type = KpiLexer::SEMI; break;
        case '(': type = KpiLexer::LPAREN; break;
        case ')': type = KpiLexer::RPAREN; break;
        case '{': type = KpiLexer::LBRACE; break;
        case '}': type = KpiLexer::RBRACE; break;
        case '[': type = KpiLexer::LBRACK; break;
        case ']': type = KpiLexer::RBRACK; break;
        case '+': type = KpiLexer::PLUS; break;
        case '*': type = KpiLexer::STAR; break;
        case '^': type = KpiLexer::CARET; break;
        default:
          channel = KpiLexer::ERRORS;  // ERROR_CHAR: . -> channel(ERRORS)
          break;
      }
      // Two-character operators.
      if (type == KpiLexer::ARROW || type == KpiLexer::DOTDOT || type == KpiLexer::EQEQ || type == KpiLexer::NEQ ||
          type == KpiLexer::LE || type == KpiLexer::GE)
        end = p + 2;
    }
    tok.type = type;
    tok.channel = channel;
    tok.stop = static_cast<uint32_t>(end - 1);
    AdvanceTo(end);
    return tok;
  }
}

}  // namespace kpic::syntax
