// The canonical formatter: tokens in, whitespace decided, tokens out.
#include "syntax/format.h"

#include <cstring>
#include <map>

#include "base/utf8.h"
#include "syntax/antlr_bridge.h"

namespace kpic {

namespace syntax {

void DecodeText(std::string_view text, std::u32string* code_points, std::vector<uint32_t>* cp_to_byte) {
  // Written through raw pointers into arrays sized for the worst case (one
  // code point per byte), then cut to size. The formatter and the lexer
  // tests decode this way; the file parser lexes the bytes (Utf8Stream).
  const size_t n = text.size();
  code_points->resize(n);
  cp_to_byte->resize(n + 1);
  char32_t* cp_out = code_points->data();
  uint32_t* at_out = cp_to_byte->data();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0, k = 0;
  if (n >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < n) {
    if (bytes[i] < 0x80) {
      cp_out[k] = bytes[i];
      at_out[k++] = static_cast<uint32_t>(i++);
      continue;
    }
    uint32_t cp;
    size_t len = DecodeUtf8(text, i, &cp);
    cp_out[k] = static_cast<char32_t>(cp);
    at_out[k++] = static_cast<uint32_t>(i);
    i += len;
  }
  at_out[k] = static_cast<uint32_t>(n);
  code_points->resize(k);
  cp_to_byte->resize(k + 1);
}

}  // namespace syntax

namespace {

using kpic_gen::KpiLexer;

struct Tok {
  size_t type = 0;
  bool comment = false;
  std::string text;
  size_t line = 0, end_line = 0;
  bool unary = false;        ///< a unary minus or plus
  bool tight_after = false;  ///< no space after (unit operators, `<` of type parameters)
  bool tight_before = false;
};

bool IsSoftKeyword(size_t t) { return t >= KpiLexer::PACKAGE && t <= KpiLexer::WITH; }
bool IsName(size_t t) { return t == KpiLexer::IDENT || IsSoftKeyword(t); }

using syntax::IsDeclKeyword;

using syntax::CanEndDecl;
using syntax::IsOperator;

/// Whether a line starting with this token continues the previous one.
bool StartsContinuation(const Tok& t) { return IsOperator(t.type) && !t.unary && t.type != KpiLexer::LPAREN; }

/// Whether a `-`/`+` after `p` is a sign.
bool SignAfter(const Tok* p, const Tok* pp) {
  if (!p) return true;
  switch (p->type) {
    case KpiLexer::IDENT:
    case KpiLexer::INT:
    case KpiLexer::DECIMAL:
    case KpiLexer::PERCENT:
    case KpiLexer::STRING:
    case KpiLexer::DATE:
    case KpiLexer::TIMESTAMP:
    case KpiLexer::RPAREN:
    case KpiLexer::RBRACK:
    case KpiLexer::TRUE_:
    case KpiLexer::FALSE_:
    case KpiLexer::NULL_:
      return false;
    default:
      // A soft keyword after a dot is a name (`orders.time - 1`).
      if (IsSoftKeyword(p->type)) return !(pp && pp->type == KpiLexer::DOT);
      return true;
  }
}

std::optional<std::vector<Tok>> Lex(std::string_view text) {
  std::u32string cps;
  std::vector<uint32_t> cp_to_byte;
  syntax::DecodeText(text, &cps, &cp_to_byte);
  syntax::CodePointStream in(std::move(cps));
  KpiLexer lexer(&in);
  lexer.removeErrorListeners();
  std::vector<Tok> out;
  for (const auto& t : lexer.getAllTokens()) {
    if (t->getType() == antlr4::Token::EOF) continue;
    if (t->getChannel() == KpiLexer::ERRORS) return std::nullopt;
    Tok k;
    k.type = t->getType();
    k.comment = t->getChannel() == KpiLexer::COMMENTS;
    size_t a = cp_to_byte[t->getStartIndex()], b = cp_to_byte[t->getStopIndex() + 1];
    k.text = std::string(text.substr(a, b - a));
    k.line = t->getLine();
    k.end_line = k.line;
    for (char c : k.text) k.end_line += c == '\n';
    out.push_back(std::move(k));
  }
  return out;
}

/// Marks signs, unit operators (`CNY/item`, `m^-1`) and type parameters
/// (`fn f<A, B>(`), whose spacing differs from expressions.
void Classify(std::vector<Tok>& toks) {
  const Tok *p = nullptr, *pp = nullptr;
  // Units follow `unit`, and `:` in the header of a metric or fn.
  enum class Unit { kNone, kTerm, kAfter } unit = Unit::kNone;
  int unit_parens = 0, depth = 0;
  size_t decl = 0;
  bool header = false, generic = false;
  for (size_t i = 0; i < toks.size(); ++i) {
    Tok& t = toks[i];
    if (t.comment) continue;
    if (unit != Unit::kNone) {
      bool consumed = true;
      if (unit == Unit::kTerm) {
        if (t.type == KpiLexer::LPAREN) {
          ++unit_parens;
          t.tight_after = true;
        } else if (IsName(t.type) || t.type == KpiLexer::INT) {
          unit = Unit::kAfter;
        } else {
          consumed = false;
        }
      } else if (t.type == KpiLexer::SLASH || t.type == KpiLexer::STAR) {
        t.tight_before = t.tight_after = true;
        unit = Unit::kTerm;
      } else if (t.type == KpiLexer::CARET) {
        t.tight_before = t.tight_after = true;
      } else if (t.type == KpiLexer::MINUS && p && p->type == KpiLexer::CARET) {
        t.tight_after = true;
      } else if (t.type == KpiLexer::INT && p && (p->type == KpiLexer::CARET || p->type == KpiLexer::MINUS)) {
      } else if (t.type == KpiLexer::RPAREN && unit_parens > 0) {
        --unit_parens;
        t.tight_before = true;
      } else {
        consumed = false;
      }
      if (!consumed) unit = Unit::kNone, unit_parens = 0;
    }
    if (unit == Unit::kNone) {
      if (IsDeclKeyword(t.type) && depth == 0 && (!p || CanEndDecl(p->type))) decl = t.type, header = true;
      if (t.type == KpiLexer::ASSIGN && depth <= 1) header = false;
      if ((t.type == KpiLexer::MINUS || t.type == KpiLexer::PLUS) && SignAfter(p, pp)) t.unary = true;
      bool unit_start = (t.type == KpiLexer::UNIT && !(p && p->type == KpiLexer::DOT)) ||
                        (t.type == KpiLexer::COLON && header && (decl == KpiLexer::METRIC || decl == KpiLexer::FN));
      if (t.type == KpiLexer::LT && p && IsName(p->type) && pp && pp->type == KpiLexer::FN) {
        generic = true;
        t.tight_before = t.tight_after = true;
      } else if (t.type == KpiLexer::GT && generic) {
        generic = false;
        t.tight_before = true;
      }
      if (t.type == KpiLexer::LPAREN || t.type == KpiLexer::LBRACE || t.type == KpiLexer::LBRACK) ++depth;
      if (t.type == KpiLexer::RPAREN || t.type == KpiLexer::RBRACE || t.type == KpiLexer::RBRACK)
        depth = depth ? depth - 1 : 0;
      if (unit_start) unit = Unit::kTerm;
    }
    pp = p;
    p = &t;
  }
}

/// The whitespace between two tokens on one line.
std::string Gap(const Tok& a, const Tok& b) {
  if (b.comment) return " ";
  if (a.comment) return " ";  // a block comment followed by code
  if (a.tight_after || b.tight_before || a.unary) return "";
  if (a.type == KpiLexer::LPAREN || a.type == KpiLexer::LBRACK) return "";
  switch (b.type) {
    case KpiLexer::RPAREN:
    case KpiLexer::RBRACK:
    case KpiLexer::COMMA:
    case KpiLexer::SEMI:
    case KpiLexer::COLON:
    case KpiLexer::DOT:
      return "";
    default:
      break;
  }
  if (a.type == KpiLexer::DOT) return "";
  if (a.type == KpiLexer::LBRACE && b.type == KpiLexer::RBRACE) return "";
  if (b.type == KpiLexer::LPAREN || b.type == KpiLexer::LBRACK)
    return IsName(a.type) || a.type == KpiLexer::RPAREN || a.type == KpiLexer::RBRACK || a.type == KpiLexer::GT ||
                   a.type == KpiLexer::STRING
               ? ""
               : " ";
  return " ";
}

struct Line {
  std::vector<size_t> toks;
  std::vector<std::string> gaps;  ///< before each token but the first
  bool blank_before = false;
  size_t depth = 0;  ///< open brackets before the line (after a leading closer)
  bool continuation = false;
  size_t block = 0;     ///< the keyword of the innermost `{`'s line
  size_t block_id = 0;  ///< which `{`, for alignment groups
  bool comment_only = false;
};

size_t Width(const std::string& s) { return DisplayWidth(s); }

}  // namespace

std::optional<std::string> FormatKpi(std::string_view text) {
  auto lexed = Lex(text);
  if (!lexed) return std::nullopt;
  std::vector<Tok>& toks = *lexed;
  Classify(toks);
  // Lines, with the bracket depth and block before each.
  std::vector<Line> lines;
  struct Open {
    size_t type, block, id;
  };
  std::vector<Open> stack;
  size_t next_block = 1;
  const Tok* last_code = nullptr;  // the last code token of the previous line
  for (size_t i = 0; i < toks.size(); ++i) {
    const Tok& t = toks[i];
    // A line comment always ends its line: a lone CR (which ANTLR does not
    // count as a line break) must not put the next token inside it.
    const Tok* prev = lines.empty() ? nullptr : &toks[lines.back().toks.back()];
    bool after_line_comment = prev && prev->comment && prev->text.rfind("//", 0) == 0;
    bool new_line = !prev || t.line > prev->end_line || after_line_comment;
    if (new_line) {
      // The last code token so far ends the previous line.
      if (!lines.empty())
        for (size_t k : lines.back().toks)
          if (!toks[k].comment) last_code = &toks[k];
      Line l;
      l.blank_before = !lines.empty() && t.line > toks[lines.back().toks.back()].end_line + 1;
      size_t depth = stack.size();
      bool closer = t.type == KpiLexer::RBRACE || t.type == KpiLexer::RPAREN || t.type == KpiLexer::RBRACK;
      if (closer && depth) --depth;
      l.depth = depth;
      size_t braces = 0;
      for (size_t k = 0; k < depth; ++k) braces += stack[k].type == KpiLexer::LBRACE;
      if (!t.comment) {
        if (braces == 0)
          l.continuation = !IsDeclKeyword(t.type) && last_code && t.type != KpiLexer::RBRACE;
        else if (!closer)
          l.continuation = (last_code && !CanEndDecl(last_code->type) && last_code->type != KpiLexer::LBRACE &&
                            last_code->type != KpiLexer::LPAREN && last_code->type != KpiLexer::LBRACK) ||
                           StartsContinuation(t);
        // An alert written over several lines: the line after `when`, and
        // its `severity` and `message` clauses, continue it (they were
        // aligned as the goal's items).
        size_t kw = 0;
        for (size_t k = depth; k-- > 0;)
          if (stack[k].type == KpiLexer::LBRACE) {
            kw = stack[k].block;
            break;
          }
        if (braces > 0 && !closer && kw == KpiLexer::GOAL &&
            (t.type == KpiLexer::SEVERITY || t.type == KpiLexer::MESSAGE || (last_code && last_code->type == KpiLexer::WHEN)))
          l.continuation = true;
      }
      l.comment_only = t.comment;
      for (size_t k = depth; k-- > 0;)
        if (stack[k].type == KpiLexer::LBRACE) {
          l.block = stack[k].block;
          l.block_id = stack[k].id;
          break;
        }
      lines.push_back(std::move(l));
    } else {
      lines.back().gaps.push_back(Gap(toks[lines.back().toks.back()], t));
    }
    Line& cur = lines.back();
    if (!t.comment) cur.comment_only = false;
    cur.toks.push_back(i);
    if (t.comment) continue;
    if (t.type == KpiLexer::LPAREN || t.type == KpiLexer::LBRACE || t.type == KpiLexer::LBRACK) {
      // A block belongs to the declaration keyword that starts its line.
      size_t kw = 0;
      for (size_t k : cur.toks)
        if (!toks[k].comment) {
          kw = toks[k].type;
          break;
        }
      stack.push_back({t.type, kw, next_block++});
    } else if ((t.type == KpiLexer::RPAREN || t.type == KpiLexer::RBRACE || t.type == KpiLexer::RBRACK) &&
               !stack.empty()) {
      stack.pop_back();
    }
  }
  // Comment lines take the indentation of the code line after them.
  for (size_t i = lines.size(); i-- > 0;) {
    if (!lines[i].comment_only) continue;
    for (size_t j = i + 1; j < lines.size(); ++j)
      if (!lines[j].comment_only) {
        if (lines[j].depth == lines[i].depth)
          lines[i].continuation = lines[j].continuation;
        else if (lines[j].depth + 1 == lines[i].depth)
          lines[i].continuation = false;
        break;
      }
  }
  // Alignment: `source` columns in three columns (name, type, the rest);
  // the items of `package`, `calendar`, `goal`, `report` and `role` blocks
  // in two (the keyword or `source:`, the rest).
  std::map<size_t, std::vector<size_t>> groups;  // block id -> lines
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (l.comment_only || l.continuation || !l.block_id) continue;
    if (l.block != KpiLexer::SOURCE && l.block != KpiLexer::PACKAGE && l.block != KpiLexer::CALENDAR &&
        l.block != KpiLexer::GOAL && l.block != KpiLexer::REPORT && l.block != KpiLexer::ROLE)
      continue;
    groups[l.block_id].push_back(i);
  }
  for (auto& [id, members] : groups) {
    bool source = lines[members[0]].block == KpiLexer::SOURCE;
    // name (+ colon) width, type width
    std::vector<size_t> ok;
    size_t name_w = 0, type_w = 0;
    struct Shape {
      size_t name_end;  ///< index in toks of the line of the last token of the name part
      size_t type_end;
      std::string name, type;
    };
    std::map<size_t, Shape> shapes;
    for (size_t li : members) {
      const Line& l = lines[li];
      const auto& tk = l.toks;
      if (tk.size() < 2 || !IsName(toks[tk[0]].type)) continue;
      Shape sh;
      if (source) {
        if (toks[tk[1]].type != KpiLexer::COLON || tk.size() < 3 || !IsName(toks[tk[2]].type)) continue;
        sh.name = toks[tk[0]].text + ":";
        sh.name_end = 1;
        sh.type = toks[tk[2]].text;
        sh.type_end = 2;
        if (tk.size() >= 6 && toks[tk[3]].type == KpiLexer::LPAREN && toks[tk[5]].type == KpiLexer::RPAREN) {
          sh.type += "(" + toks[tk[4]].text + ")";
          sh.type_end = 5;
        }
        type_w = std::max(type_w, Width(sh.type));
      } else {
        // The item's keyword (or `source:`) is the key column.
        if (toks[tk[1]].comment) continue;
        bool colon = toks[tk[1]].type == KpiLexer::COLON;
        if (colon && (tk.size() < 3 || toks[tk[2]].comment)) continue;
        sh.name = toks[tk[0]].text + (colon ? ":" : "");
        sh.name_end = colon ? 1 : 0;
        sh.type_end = 0;
      }
      name_w = std::max(name_w, Width(sh.name));
      shapes[li] = sh;
    }
    for (auto& [li, sh] : shapes) {
      Line& l = lines[li];
      l.gaps[sh.name_end] = std::string(name_w - Width(sh.name) + 1, ' ');
      if (source && sh.type_end + 1 < l.toks.size() && !toks[l.toks[sh.type_end + 1]].comment)
        l.gaps[sh.type_end] = std::string(type_w - Width(sh.type) + 1, ' ');
    }
  }
  std::string out;
  for (const Line& l : lines) {
    if (l.blank_before) out += "\n";
    out += std::string(2 * l.depth + (l.continuation ? 2 : 0), ' ');
    for (size_t k = 0; k < l.toks.size(); ++k) {
      if (k) out += l.gaps[k - 1];
      out += toks[l.toks[k]].text;
    }
    out += "\n";
  }
  return out;
}

}  // namespace kpic
