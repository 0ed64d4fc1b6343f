// Metric declarations parsed straight into the AST (ParseMetricsDirect,
// antlr_bridge.h). A package of 80,000 metrics spent 42% of `kpic check`
// in ANTLR's parser and in building the AST from its parse trees: a tree
// node per rule, entered and left through the runtime's virtual calls and
// dynamic_casts, then walked again. This parser reads the same tokens
// with a precedence climber for KpiParser.g4's `expr` and makes the
// builder's nodes as it goes.
//
// It is exact or it declines. KpiParser.g4 stays the language's
// definition: the expression levels below are the ones ANTLR derives from
// the order of `expr`'s alternatives (printed in the generated parser as
// `expr(11)`, `precpred(_ctx, 10)`, ...), and where the grammar leaves a
// choice to ANTLR's prediction (an IDENT after a number is its unit; a
// comma after `by a` continues the `by` list) this parser makes the choice
// that prediction makes for a metric declaration. Anything else, and
// anything the builder would report, makes it decline: the chunk then goes
// to ANTLR, which parses it, and reports what is wrong, as before.
#include <charconv>
#include <string_view>

#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

namespace {

using L = kpic_gen::KpiLexer;

/// Tokens the grammar's `ident` rule accepts: names, and the keywords
/// that may be used as names.
bool IsIdent(size_t t) {
  switch (t) {
    case L::IDENT:
    case L::PACKAGE:
    case L::IMPORT:
    case L::AS:
    case L::DIMENSION:
    case L::CALENDAR:
    case L::SOURCE:
    case L::FROM:
    case L::METRIC:
    case L::METRICS:
    case L::FN:
    case L::GOAL:
    case L::GOALS:
    case L::ROLE:
    case L::HIDE:
    case L::REPORT:
    case L::KEY:
    case L::TIME:
    case L::UNIT:
    case L::ENTITY:
    case L::REFERENCES:
    case L::ROLLUP:
    case L::OWNER:
    case L::DESCRIPTION:
    case L::DEPRECATED:
    case L::APPROVER:
    case L::STATUS:
    case L::DEFINITION:
    case L::LABEL:
    case L::FORMAT:
    case L::TAGS:
    case L::PERIOD:
    case L::GRAIN:
    case L::TARGET:
    case L::DECOMPOSE:
    case L::DRILL:
    case L::TOP:
    case L::ALERT:
    case L::WHEN:
    case L::SEVERITY:
    case L::MESSAGE:
    case L::BY:
    case L::ALL:
    case L::CHART:
    case L::EXPECT:
    case L::UNIQUE:
    case L::FOUND:
    case L::FRESH:
    case L::WITHIN:
    case L::ROWS:
    case L::CHANGE:
    case L::BETWEEN:
    case L::RECONCILES:
    case L::WITH:
      return true;
    default:
      return false;
  }
}

/// `attrKey`'s first token.
bool IsAttrKey(size_t t) {
  switch (t) {
    case L::OWNER:
    case L::DESCRIPTION:
    case L::FORMAT:
    case L::TAGS:
    case L::DEPRECATED:
    case L::APPROVER:
    case L::STATUS:
    case L::DEFINITION:
    case L::LABEL:
      return true;
    default:
      return false;
  }
}

// `expr`'s precedence levels as ANTLR numbers its alternatives (the first
// binds tightest). A prefix operator's operand is parsed at the operator's
// own level; a binary operator's right side one level above it.
constexpr int kMember = 13, kCall = 12, kNeg = 11, kMul = 10, kAdd = 9, kCmp = 8, kIn = 7, kIsNull = 6, kNot = 5,
              kAnd = 4, kOr = 3, kWhere = 2;

struct Decline {};  // not parsed here: ANTLR parses the chunk

class DirectParser {
 public:
  DirectParser(const std::vector<antlr4::Token*>& main, size_t begin, size_t end, const OffsetMap& map)
      : main_(main), pos_(begin), end_(end), map_(map) {}

  void Run(std::vector<std::unique_ptr<ast::Decl>>* out) {
    while (pos_ < end_) out->push_back(Metric());
  }

 private:
  size_t Type(size_t k = 0) const { return pos_ + k < end_ ? main_[pos_ + k]->getType() : antlr4::Token::EOF; }
  antlr4::Token* Tok(size_t i) const { return main_[i]; }
  Span TokSpan(size_t i) const { return map_.TokenSpan(main_[i]); }
  /// A rule's span, as OffsetMap::ContextSpan gives it: from its first
  /// token to the last token taken.
  Span SpanFromToken(size_t first) const {
    Span s = TokSpan(first);
    Span last = TokSpan(pos_ - 1);
    if (last.end > s.begin) s.end = last.end;
    return s;
  }
  size_t Expect(size_t type) {
    if (Type() != type) throw Decline{};
    return pos_++;
  }
  ast::Ident IdentAt(size_t i) const {
    ast::Ident id;
    id.name = Tok(i)->getText();
    id.span = TokSpan(i);
    return id;
  }
  ast::Ident Ident() {
    if (!IsIdent(Type())) throw Decline{};
    return IdentAt(pos_++);
  }
  /// A string's value when it has no escape and no control character
  /// (what the builder's StringValue gives without a word); else declines.
  std::string String(size_t i) const {
    Span s = TokSpan(i);
    std::string_view raw = map_.text.substr(s.begin, s.end - s.begin);
    if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') throw Decline{};
    std::string_view body = raw.substr(1, raw.size() - 2);
    for (size_t k = 0; k < body.size(); ++k) {
      unsigned char u = static_cast<unsigned char>(body[k]);
      if (u == '\\' || u < 0x20 || u == 0x7f) throw Decline{};
      if (u == 0xC2 && k + 1 < body.size() && static_cast<unsigned char>(body[k + 1]) >= 0x80 &&
          static_cast<unsigned char>(body[k + 1]) <= 0x9F)
        throw Decline{};
    }
    return std::string(body);
  }
  std::string Number(size_t i) const {
    std::string text = Tok(i)->getText();
    if (CheckNumberText(text, Tok(i)->getType() == L::INT) != NumberCheck::kOk) throw Decline{};
    return text;
  }
  std::string Date(size_t i) const {
    std::string text = Tok(i)->getText();
    if (CheckDateText(text, Tok(i)->getType() == L::TIMESTAMP) != DateCheck::kOk) throw Decline{};
    return text;
  }

  // metricDecl: METRIC name=ident label=STRING? (COLON unit=unitExpr)? ASSIGN
  //             body=expr SEMI? (attrs+=metricAttr SEMI?)*
  std::unique_ptr<ast::Decl> Metric() {
    size_t first = Expect(L::METRIC);
    auto d = std::make_unique<ast::MetricDecl>();
    d->keyword_span = TokSpan(first);
    d->name = Ident();
    if (Type() == L::STRING) {
      d->label = String(pos_);
      d->label_span = TokSpan(pos_);
      ++pos_;
    }
    if (Type() == L::COLON) {
      ++pos_;
      d->unit = std::make_unique<ast::UnitExpr>(Unit());
    }
    Expect(L::ASSIGN);
    d->expr = Expr(0);
    if (Type() == L::SEMI) ++pos_;
    while (IsAttrKey(Type())) {
      d->attrs.push_back(Attr());
      if (Type() == L::SEMI) ++pos_;
    }
    d->span = SpanFromToken(first);
    return d;
  }

  // metricAttr: attrKey attrValue (COMMA attrValue)*
  // attrKey: OWNER | ... | LABEL (DOT IDENT)?
  ast::Attribute Attr() {
    ast::Attribute a;
    size_t first = pos_;
    a.key = IdentAt(pos_);
    ++pos_;
    if (Tok(first)->getType() == L::LABEL && Type() == L::DOT && Type(1) == L::IDENT) {
      a.lang = Tok(pos_ + 1)->getText();
      pos_ += 2;
    }
    a.values.push_back(Value());
    while (Type() == L::COMMA) {
      ++pos_;
      a.values.push_back(Value());
    }
    a.span = SpanFromToken(first);
    return a;
  }

  // attrValue: STRING | INT | DECIMAL | PERCENT | DATE | TIMESTAMP | TRUE_ | FALSE_
  //   | MINUS (INT | DECIMAL) | qualifiedName | LBRACK (attrValue (COMMA attrValue)*)? RBRACK
  ast::AttrValue Value() {
    ast::AttrValue v;
    size_t first = pos_;
    using K = ast::AttrValue::Kind;
    size_t t = Type();
    if (IsIdent(t)) {
      v.kind = K::kName;
      v.name.parts.push_back(Ident());
      while (Type() == L::DOT) {
        ++pos_;
        v.name.parts.push_back(Ident());
      }
      v.name.span = SpanFromToken(first);
      v.text = v.name.Joined();
    } else if (t == L::LBRACK) {
      v.kind = K::kList;
      ++pos_;
      if (Type() != L::RBRACK) {
        v.list.push_back(Value());
        while (Type() == L::COMMA) {
          ++pos_;
          v.list.push_back(Value());
        }
      }
      Expect(L::RBRACK);
    } else {
      switch (t) {
        case L::STRING:
          v.kind = K::kString;
          v.text = String(pos_);
          break;
        case L::PERCENT: {
          v.kind = K::kPercent;
          std::string text = Tok(pos_)->getText();
          v.text = text.substr(0, text.size() - 1);
          break;
        }
        case L::DATE:
          v.kind = K::kDate;
          v.text = Date(pos_);
          break;
        case L::TIMESTAMP:
          v.kind = K::kTimestamp;
          v.text = Date(pos_);
          break;
        case L::TRUE_:
        case L::FALSE_:
          v.kind = K::kBool;
          v.text = Tok(pos_)->getText();
          break;
        case L::MINUS:
          if (Type(1) != L::INT && Type(1) != L::DECIMAL) throw Decline{};
          v.kind = K::kNumber;
          v.text = "-" + Number(pos_ + 1);
          ++pos_;
          break;
        case L::INT:
        case L::DECIMAL:
          v.kind = K::kNumber;
          v.text = Number(pos_);
          break;
        default:
          throw Decline{};
      }
      ++pos_;
    }
    v.span = SpanFromToken(first);
    return v;
  }

  // unitExpr: unitTerm ((STAR | SLASH) unitTerm)*
  ast::UnitExpr Unit() {
    ast::UnitExpr u;
    size_t first = pos_;
    UnitInto(1, &u);
    u.span = SpanFromToken(first);
    return u;
  }
  void UnitInto(int sign, ast::UnitExpr* out) {
    int op_sign = 1;
    for (;;) {
      int s = sign * op_sign;
      // unitTerm: ident (CARET MINUS? INT)? | INT | LPAREN unitExpr RPAREN
      if (IsIdent(Type())) {
        ast::UnitFactor f;
        f.name = Ident();
        int power = 1;
        if (Type() == L::CARET) {
          ++pos_;
          bool minus = Type() == L::MINUS;
          if (minus) ++pos_;
          size_t n = Expect(L::INT);
          std::string text = Tok(n)->getText();
          auto r = std::from_chars(text.data(), text.data() + text.size(), power);
          if (r.ec != std::errc() || r.ptr != text.data() + text.size() || power < 1 ||
              power > ast::kMaxUnitPower)
            throw Decline{};  // E0110
          if (minus) power = -power;
        }
        f.power = s * power;
        if (!f.name.name.empty()) out->factors.push_back(f);
      } else if (Type() == L::INT) {
        if (Tok(pos_)->getText() != "1") throw Decline{};  // E0110
        ++pos_;  // `1` contributes nothing
      } else if (Type() == L::LPAREN) {
        ++pos_;
        UnitInto(s, out);
        Expect(L::RPAREN);
      } else {
        throw Decline{};
      }
      if (Type() == L::STAR || Type() == L::SLASH) {
        op_sign = Type() == L::SLASH ? -1 : 1;
        ++pos_;
        continue;
      }
      return;
    }
  }

  /// `expr` at precedence `level`: a prefix or a primary, then every
  /// postfix or binary operator binding at least as tightly as `level`.
  ast::ExprPtr Expr(int level) {
    size_t first = pos_;
    ast::ExprPtr lhs;
    if (Type() == L::MINUS || Type() == L::NOT) {
      bool neg = Type() == L::MINUS;
      ++pos_;
      lhs = std::make_unique<ast::Expr>();
      lhs->kind = ast::ExprKind::kUnary;
      lhs->uop = neg ? ast::UnaryOp::kNeg : ast::UnaryOp::kNot;
      lhs->lhs = Expr(neg ? kNeg : kNot);
      lhs->span = SpanFromToken(first);
    } else {
      lhs = Primary();
    }
    for (;;) {
      size_t t = Type();
      auto node = [&](ast::ExprKind kind) {
        auto e = std::make_unique<ast::Expr>();
        e->kind = kind;
        e->lhs = std::move(lhs);
        return e;
      };
      auto binary = [&](ast::BinaryOp op, int rhs_level) {
        ++pos_;
        auto e = node(ast::ExprKind::kBinary);
        e->bop = op;
        e->rhs = Expr(rhs_level);
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      };
      if (t == L::DOT && kMember >= level) {
        ++pos_;
        auto e = node(ast::ExprKind::kMember);
        e->name = Ident();
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      } else if (t == L::LPAREN && kCall >= level) {
        ++pos_;
        auto e = node(ast::ExprKind::kCall);
        // (args+=arg (COMMA args+=arg)*)? COMMA? RPAREN
        if (Type() != L::RPAREN && Type() != L::COMMA) {
          e->args.push_back(Arg());
          while (Type() == L::COMMA && Type(1) != L::RPAREN) {
            ++pos_;
            e->args.push_back(Arg());
          }
        }
        if (Type() == L::COMMA) ++pos_;
        Expect(L::RPAREN);
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      } else if ((t == L::STAR || t == L::SLASH) && kMul >= level) {
        binary(t == L::SLASH ? ast::BinaryOp::kDiv : ast::BinaryOp::kMul, kMul + 1);
      } else if ((t == L::PLUS || t == L::MINUS) && kAdd >= level) {
        binary(t == L::MINUS ? ast::BinaryOp::kSub : ast::BinaryOp::kAdd, kAdd + 1);
      } else if (kCmp >= level && (t == L::EQEQ || t == L::NEQ || t == L::LT || t == L::LE || t == L::GT ||
                                   t == L::GE)) {
        ast::BinaryOp op = t == L::NEQ  ? ast::BinaryOp::kNe
                           : t == L::LT ? ast::BinaryOp::kLt
                           : t == L::LE ? ast::BinaryOp::kLe
                           : t == L::GT ? ast::BinaryOp::kGt
                           : t == L::GE ? ast::BinaryOp::kGe
                                        : ast::BinaryOp::kEq;
        binary(op, kCmp + 1);
      } else if (kIn >= level && (t == L::IN || (t == L::NOT && Type(1) == L::IN))) {
        auto e = node(ast::ExprKind::kIn);
        e->negated = t == L::NOT;
        pos_ += t == L::NOT ? 2 : 1;
        Expect(L::LPAREN);
        e->items.push_back(Expr(0));
        while (Type() == L::COMMA) {
          ++pos_;
          e->items.push_back(Expr(0));
        }
        Expect(L::RPAREN);
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      } else if (t == L::IS && kIsNull >= level) {
        ++pos_;
        auto e = node(ast::ExprKind::kIsNull);
        if (Type() == L::NOT) {
          e->negated = true;
          ++pos_;
        }
        Expect(L::NULL_);
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      } else if (t == L::AND && kAnd >= level) {
        binary(ast::BinaryOp::kAnd, kAnd + 1);
      } else if (t == L::OR && kOr >= level) {
        binary(ast::BinaryOp::kOr, kOr + 1);
      } else if (t == L::WHERE && kWhere >= level) {
        ++pos_;
        auto e = node(ast::ExprKind::kWhere);
        e->rhs = Expr(kWhere + 1);
        e->span = SpanFromToken(first);
        lhs = std::move(e);
      } else {
        return lhs;
      }
    }
  }

  // arg: (argName=ident COLON)? value=expr (BY by+=ident (COMMA by+=ident)*)?
  ast::Arg Arg() {
    ast::Arg a;
    size_t first = pos_;
    if (IsIdent(Type()) && Type(1) == L::COLON) {
      a.name = Ident();
      ++pos_;
    }
    a.value = Expr(0);
    if (Type() == L::BY) {
      ++pos_;
      a.by.push_back(Ident());
      // A comma and a name continue the list (ANTLR's prediction takes the
      // loop over ending the argument), so `f(x by a, b)` is one argument.
      while (Type() == L::COMMA && IsIdent(Type(1))) {
        ++pos_;
        a.by.push_back(Ident());
      }
    }
    a.span = SpanFromToken(first);
    return a;
  }

  // primary: number=(INT | DECIMAL) unitName=IDENT? | PERCENT | STRING | DATE
  //   | TIMESTAMP | (TRUE_ | FALSE_) | NULL_ | ref=ident | LPAREN inner=expr RPAREN
  ast::ExprPtr Primary() {
    size_t first = pos_;
    auto e = std::make_unique<ast::Expr>();
    size_t t = Type();
    using K = ast::ExprKind;
    switch (t) {
      case L::INT:
      case L::DECIMAL:
        e->kind = K::kNumber;
        e->text() = Number(pos_++);
        if (Type() == L::IDENT) e->unit = std::make_unique<ast::Ident>(IdentAt(pos_++));
        break;
      case L::PERCENT: {
        e->kind = K::kPercent;
        std::string text = Tok(pos_++)->getText();
        e->text() = text.substr(0, text.size() - 1);
        break;
      }
      case L::STRING:
        e->kind = K::kString;
        e->text() = String(pos_++);
        break;
      case L::DATE:
        e->kind = K::kDate;
        e->text() = Date(pos_++);
        break;
      case L::TIMESTAMP:
        e->kind = K::kTimestamp;
        e->text() = Date(pos_++);
        break;
      case L::TRUE_:
      case L::FALSE_:
        e->kind = K::kBool;
        e->bool_value = t == L::TRUE_;
        ++pos_;
        break;
      case L::NULL_:
        e->kind = K::kNull;
        ++pos_;
        break;
      case L::LPAREN:
        ++pos_;
        e->kind = K::kParen;
        e->lhs = Expr(0);
        Expect(L::RPAREN);
        break;
      default:
        if (!IsIdent(t)) throw Decline{};
        e->kind = K::kName;
        e->name = Ident();
    }
    e->span = SpanFromToken(first);
    return e;
  }

  const std::vector<antlr4::Token*>& main_;
  size_t pos_;
  size_t end_;
  const OffsetMap& map_;
};

}  // namespace

bool ParseMetricsDirect(const std::vector<antlr4::Token*>& main, size_t begin, size_t end, const OffsetMap& map,
                        std::vector<std::unique_ptr<ast::Decl>>* out) {
  if (begin >= end || main[begin]->getType() != L::METRIC) return false;
  size_t before = out->size();
  try {
    DirectParser(main, begin, end, map).Run(out);
  } catch (const Decline&) {
    out->erase(out->begin() + static_cast<std::ptrdiff_t>(before), out->end());
    return false;
  }
  return true;
}

}  // namespace kpic::syntax
