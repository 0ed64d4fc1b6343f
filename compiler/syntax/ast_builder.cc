// Builds the AST from ANTLR parse-tree contexts by explicit construction
// (no visitor return values: antlrcpp::Any loses strings when copied). Error
// recovery can leave any child null, so every access is checked.
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <typeinfo>

#include "base/utf8.h"
#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

using P = kpic_gen::KpiParser;
using L = kpic_gen::KpiLexer;

Span OffsetMap::TokenSpan(const antlr4::Token* t) const {
  if (!t) return {file, 0, 0};
  size_t start = t->getStartIndex();
  size_t stop = t->getStopIndex();
  if (t->getType() == antlr4::Token::EOF || stop == INVALID_INDEX || stop < start) {
    uint32_t b = Byte(start);
    return {file, b, b};
  }
  return {file, Byte(start), Byte(stop + 1)};
}

Span OffsetMap::ContextSpan(antlr4::ParserRuleContext* ctx) const {
  if (!ctx || !ctx->getStart()) return {file, 0, 0};
  Span s = TokenSpan(ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getType() != antlr4::Token::EOF && stop->getTokenIndex() >= ctx->getStart()->getTokenIndex()) {
    Span e = TokenSpan(stop);
    if (e.end > s.begin) s.end = e.end;
  }
  return s;
}

namespace {

/// Exact-type test for the generated context classes of labelled
/// alternatives (leaf classes): cheaper than dynamic_cast, which the AST
/// builder would otherwise run a dozen times per expression node. The
/// classes are defined once, in the generated parser's static library, so
/// each has one type_info object: comparing addresses is exact, where
/// type_info's == compared the mangled names with strcmp on every miss.
template <typename T, typename C>
T* As(C* ctx) {
  return ctx && &typeid(*ctx) == &typeid(T) ? static_cast<T*>(ctx) : nullptr;
}

}  // namespace

ast::Ident AstBuilder::Ident(P::IdentContext* ctx) {
  ast::Ident id;
  // A name cut off by the end of the declaration starts at its EOF: no name.
  if (!ctx || !ctx->getStart() || ctx->getStart()->getType() == antlr4::Token::EOF) return id;
  id.name = ctx->getStart()->getText();
  id.span = map_.TokenSpan(ctx->getStart());
  return id;
}

ast::Ident AstBuilder::Ident(antlr4::Token* t) {
  ast::Ident id;
  if (!t) return id;
  id.name = t->getText();
  id.span = map_.TokenSpan(t);
  return id;
}

ast::QualifiedName AstBuilder::Qualified(P::QualifiedNameContext* ctx) {
  ast::QualifiedName q;
  if (!ctx) return q;
  for (auto* i : ctx->ident()) q.parts.push_back(Ident(i));
  q.span = map_.ContextSpan(ctx);
  return q;
}

std::string AstBuilder::StringValue(antlr4::Token* t) {
  if (!t) return {};
  // Work on the original bytes, not ANTLR's re-encoded text: offsets into
  // `raw` must be offsets into the file (invalid UTF-8 re-encodes longer).
  Span token = map_.TokenSpan(t);
  std::string raw(map_.text.substr(token.begin, token.end - token.begin));
  // A curly opening quote read as a string (parse.cc, E0101): no value.
  if (raw.rfind("\xE2\x80\x9C", 0) == 0 || raw.rfind("\xE2\x80\x98", 0) == 0) return {};
  // The lexer guarantees the opening quote; an unterminated string (already
  // reported) may lack the closing one.
  size_t end = raw.size() >= 2 && raw.back() == raw.front() ? raw.size() - 1 : raw.size();
  std::string out;
  Span span = map_.TokenSpan(t);
  for (size_t i = 1; i < end; ++i) {
    char c = raw[i];
    if (c != '\\') {
      unsigned char u = static_cast<unsigned char>(c);
      // A C1 control character (U+0080-U+009F) is two bytes, 0xC2 0x80-0x9F.
      bool c1 = u == 0xC2 && i + 1 < end && static_cast<unsigned char>(raw[i + 1]) >= 0x80 &&
                static_cast<unsigned char>(raw[i + 1]) <= 0x9F;
      if (u < 0x20 || u == 0x7f || c1) {
        // A raw control character (a NUL, an escape sequence of a terminal,
        // a C1 CSI) would reach labels, reports and terminals as it is.
        unsigned cp = c1 ? static_cast<unsigned char>(raw[i + 1]) : u;
        Span cs{span.file, span.begin + static_cast<uint32_t>(i), span.begin + static_cast<uint32_t>(i) + (c1 ? 2 : 1)};
        diags_
            .Report(DiagCode::E0112, cs, fmt::format("a raw control character (U+{:04X}) inside a string", cp))
            .Help("write a tab as `\\t` and a line break as `\\n`; other control characters are not allowed")
            .span_label = "control character";
        if (c1) ++i;
        continue;
      }
      out += c;
      continue;
    }
    if (i + 1 >= end) break;
    char e = raw[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case 'u': {
        // \u{XXXX}
        size_t close = raw.find('}', i);
        uint32_t cp = 0;
        bool ok = i + 1 < end && raw[i + 1] == '{' && close != std::string::npos && close < end && close > i + 2 &&
                  close - i - 2 <= 6;
        if (ok) {
          auto r = std::from_chars(raw.data() + i + 2, raw.data() + close, cp, 16);
          ok = r.ec == std::errc() && r.ptr == raw.data() + close && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok && ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp <= 0x9f))) {
          Span es{span.file, span.begin + static_cast<uint32_t>(i) - 1, span.begin + static_cast<uint32_t>(close) + 1};
          diags_.Report(DiagCode::E0112, es, fmt::format("`\\u{{{:X}}}` is a control character", cp))
              .Help("only `\\t`, `\\n` and `\\r` of the control characters may be written in a string")
              .span_label = "control character";
          i = close;
          break;
        }
        if (ok) {
          AppendUtf8(&out, cp);
          i = close;
          break;
        }
        Span es{span.file, span.begin + static_cast<uint32_t>(i) - 1, span.begin + static_cast<uint32_t>(i) + 1};
        diags_.Report(DiagCode::E0111, es, "invalid unicode escape in string")
            .Help("write a code point as `\\u{4E2D}`");
        break;
      }
      default: {
        Span es{span.file, span.begin + static_cast<uint32_t>(i) - 1, span.begin + static_cast<uint32_t>(i) + 1};
        diags_.Report(DiagCode::E0111, es, fmt::format("unknown escape sequence `\\{}` in string", e))
            .Help("the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{...}`")
            .span_label = "unknown escape";
        out += e;
      }
    }
  }
  return out;
}

DateCheck CheckDateText(const std::string& s, bool timestamp) {
  // The digits at [at, at + n), or -1. A token the parser conjured while
  // recovering from a syntax error ("<missing DATE>") has none; that error
  // is reported already.
  auto num = [&s](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0) return DateCheck::kNoDigits;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  bool ok = m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1] && !(m == 2 && d == 29 && !leap);
  if (timestamp && ok && s.size() >= 16) {
    int hh = num(11, 2), mm = num(14, 2);
    int ss = s.size() >= 19 && s[16] == ':' ? num(17, 2) : 0;
    if (hh < 0 || mm < 0 || ss < 0) return DateCheck::kNoDigits;
    ok = hh < 24 && mm < 60 && ss < 60;
  }
  return ok ? DateCheck::kOk : DateCheck::kInvalid;
}

void AstBuilder::CheckDate(antlr4::Token* t) {
  if (!t) return;
  std::string s = t->getText();
  if (CheckDateText(s, t->getType() == L::TIMESTAMP) == DateCheck::kInvalid)
    diags_.Report(DiagCode::E0110, map_.TokenSpan(t), fmt::format("`{}` is not a valid date", s)).span_label =
        "no such day";
}

NumberCheck CheckNumberText(std::string_view text, bool is_int) {
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  if (is_int) {
    int64_t v;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return r.ec != std::errc() ? NumberCheck::kTooLarge : NumberCheck::kOk;
  }
  // Decimal literals keep at most 18 significant digits, so they stay exact.
  size_t sig = 0;
  bool seen_nonzero = false;
  for (char c : digits) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') seen_nonzero = true;
    if (c >= '0' && c <= '9' && seen_nonzero) ++sig;
  }
  return sig > 18 ? NumberCheck::kTooManyDigits : NumberCheck::kOk;
}

void AstBuilder::CheckNumber(antlr4::Token* t) {
  if (!t) return;
  std::string text = t->getText();
  switch (CheckNumberText(text, t->getType() == L::INT)) {
    case NumberCheck::kTooLarge:
      diags_.Report(DiagCode::E0110, map_.TokenSpan(t), fmt::format("number `{}` is too large", text))
          .Help("whole numbers must fit in 64 bits (at most 9223372036854775807)");
      break;
    case NumberCheck::kTooManyDigits:
      diags_.Report(DiagCode::E0110, map_.TokenSpan(t), fmt::format("number `{}` has too many digits", text))
          .Help("a number literal keeps at most 18 significant digits so that it stays exact");
      break;
    case NumberCheck::kOk:
      break;
  }
}

ast::AttrValue AstBuilder::Value(P::AttrValueContext* ctx) {
  ast::AttrValue v;
  if (!ctx) return v;
  v.span = map_.ContextSpan(ctx);
  if (ctx->qualifiedName()) {
    v.kind = ast::AttrValue::Kind::kName;
    v.name = Qualified(ctx->qualifiedName());
    v.text = v.name.Joined();
    return v;
  }
  if (ctx->LBRACK()) {
    v.kind = ast::AttrValue::Kind::kList;
    for (auto* e : ctx->attrValue()) v.list.push_back(Value(e));
    return v;
  }
  antlr4::Token* t = ctx->getStart();
  if (!t) return v;
  switch (t->getType()) {
    case L::STRING:
    case L::UNTERMINATED_STRING:
      v.kind = ast::AttrValue::Kind::kString;
      v.text = StringValue(t);
      break;
    case L::PERCENT:
      v.kind = ast::AttrValue::Kind::kPercent;
      v.text = t->getText().substr(0, t->getText().size() - 1);
      break;
    case L::DATE:
      v.kind = ast::AttrValue::Kind::kDate;
      v.text = t->getText();
      CheckDate(t);
      break;
    case L::TIMESTAMP:
      v.kind = ast::AttrValue::Kind::kTimestamp;
      v.text = t->getText();
      CheckDate(t);
      break;
    case L::TRUE_:
    case L::FALSE_:
      v.kind = ast::AttrValue::Kind::kBool;
      v.text = t->getText();
      break;
    case L::MINUS: {
      v.kind = ast::AttrValue::Kind::kNumber;
      antlr4::Token* n = ctx->getStop();
      v.text = "-" + (n ? n->getText() : std::string());
      CheckNumber(n);
      break;
    }
    default:
      v.kind = ast::AttrValue::Kind::kNumber;
      v.text = t->getText();
      CheckNumber(t);
  }
  return v;
}

ast::Attribute AstBuilder::BlockAttr(P::BlockAttrContext* ctx) {
  ast::Attribute a;
  if (!ctx) return a;
  a.key = Ident(ctx->ident());
  if (ctx->lang) a.lang = ctx->lang->getText();  // `label.en` in a dimension's block
  for (auto* v : ctx->attrValue()) a.values.push_back(Value(v));
  a.span = map_.ContextSpan(ctx);
  return a;
}

ast::Attribute AstBuilder::MetricAttr(P::MetricAttrContext* ctx) {
  ast::Attribute a;
  if (!ctx) return a;
  if (auto* k = ctx->attrKey()) {
    a.key = Ident(k->getStart());
    if (k->IDENT()) a.lang = k->IDENT()->getText();
  }
  for (auto* v : ctx->attrValue()) a.values.push_back(Value(v));
  a.span = map_.ContextSpan(ctx);
  return a;
}

void AstBuilder::UnitInto(P::UnitExprContext* ctx, int sign, ast::UnitExpr* out) {
  if (!ctx) return;
  // unitTerm ((STAR | SLASH) unitTerm)*: children alternate term, op, term...
  int op_sign = 1;
  for (auto* child : ctx->children) {
    if (auto* term = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
      op_sign = term->getSymbol()->getType() == L::SLASH ? -1 : 1;
      continue;
    }
    int s = sign * op_sign;
    if (auto* named = dynamic_cast<P::NamedUnitContext*>(child)) {
      ast::UnitFactor f;
      f.name = Ident(named->ident());
      int power = 1;
      if (named->INT()) {
        // A power past int's range (or `2_0`) was read as 1 without a word.
        std::string text = named->INT()->getText();
        auto r = std::from_chars(text.data(), text.data() + text.size(), power);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || power < 1 ||
            power > ast::kMaxUnitPower) {
          diags_
              .Report(DiagCode::E0110, map_.TokenSpan(named->INT()->getSymbol()),
                      fmt::format("unit power `{}` is not a whole number from 1 to {}", text,
                                  ast::kMaxUnitPower))
              .Help("write a power such as `^2` or `^-1`")
              .span_label = "not a power";
          power = 1;
          out->refused = true;
        }
        if (named->MINUS()) power = -power;
      }
      f.power = s * power;
      if (!f.name.name.empty()) out->factors.push_back(f);
    } else if (auto* paren = dynamic_cast<P::ParenUnitContext*>(child)) {
      UnitInto(paren->unitExpr(), s, out);
    } else if (auto* one = dynamic_cast<P::OneUnitContext*>(child)) {
      // `1` contributes nothing; any other number was read as `1` without
      // a word (`5/day` as `1/day`).
      if (one->INT() && one->INT()->getText() != "1") {
        out->refused = true;
        diags_
            .Report(DiagCode::E0110, map_.TokenSpan(one->INT()->getSymbol()),
                    fmt::format("`{}` in a unit: the only number a unit may hold is `1`, as in `1/day`",
                                one->INT()->getText()))
            .Help("a unit names what is counted; write the number in the formula instead (`x / 5`)")
            .span_label = "not a unit";
      }
    }
  }
}

ast::UnitExpr AstBuilder::Unit(P::UnitExprContext* ctx) {
  ast::UnitExpr u;
  u.span = map_.ContextSpan(ctx);
  UnitInto(ctx, 1, &u);
  return u;
}

ast::TypeRef AstBuilder::Type(P::TypeRefContext* ctx) {
  ast::TypeRef t;
  if (!ctx) return t;
  t.name = Ident(ctx->ident());
  if (ctx->INT()) {
    int scale = 0;
    std::string s = ctx->INT()->getText();
    auto r = std::from_chars(s.data(), s.data() + s.size(), scale);
    if (r.ec != std::errc() || scale > 18) {
      diags_
          .Report(DiagCode::E0110, map_.TokenSpan(ctx->INT()->getSymbol()),
                  fmt::format("decimal scale `{}` is out of range", s))
          .Help("a decimal keeps between 0 and 18 digits after the point");
      scale = 18;
    }
    t.scale = scale;
  } else if (t.name.name == "decimal") {
    t.scale = 2;  // plain `decimal` is money: two places (docs/language.md)
  }
  t.span = map_.ContextSpan(ctx);
  return t;
}

ast::Column AstBuilder::Column(P::ColumnDeclContext* ctx) {
  ast::Column c;
  c.name = Ident(ctx->name);
  c.type = Type(ctx->typeRef());
  c.span = map_.ContextSpan(ctx);
  // Each modifier once: a second `-> d2`, `unit USD` or header replaced
  // the first without a word (the lookup or the unit written first was
  // dropped; probe, 2026-12-05).
  std::map<std::string, Span> given;
  for (auto* m : ctx->columnModifier()) {
    std::string kind = dynamic_cast<P::HeaderModifierContext*>(m)       ? "a header"
                       : dynamic_cast<P::KeyModifierContext*>(m)        ? "`key`"
                       : dynamic_cast<P::TimeModifierContext*>(m)       ? "`time`"
                       : dynamic_cast<P::DimensionModifierContext*>(m)  ? "`->` (a dimension)"
                       : dynamic_cast<P::UnitModifierContext*>(m)       ? "`unit`"
                       : dynamic_cast<P::EntityModifierContext*>(m)     ? "`entity`"
                       : dynamic_cast<P::ReferencesModifierContext*>(m) ? "`references`"
                       : dynamic_cast<P::RollupModifierContext*>(m)     ? "`rollup`"
                                                                        : "`label`";
    Span at = map_.ContextSpan(m);
    if (auto [it, first] = given.emplace(kind, at); !first) {
      diags_
          .Report(DiagCode::E0213, at,
                  fmt::format("column `{}` is given {} twice; only one is kept", c.name.name, kind))
          .Label(it->second, "first given here")
          .Help("keep the one you mean and remove the other")
          .span_label = "duplicate";
    }
    if (dynamic_cast<P::HeaderModifierContext*>(m)) {
      c.header = StringValue(m->getStart());
      c.header_span = map_.TokenSpan(m->getStart());
    } else if (dynamic_cast<P::KeyModifierContext*>(m)) {
      c.key = true;
    } else if (dynamic_cast<P::TimeModifierContext*>(m)) {
      c.time = true;
    } else if (auto* d = dynamic_cast<P::DimensionModifierContext*>(m)) {
      c.dimension = Ident(d->ident());
    } else if (auto* u = dynamic_cast<P::UnitModifierContext*>(m)) {
      c.unit = Unit(u->unitExpr());
    } else if (auto* e = dynamic_cast<P::EntityModifierContext*>(m)) {
      c.entity = Ident(e->ident());
    } else if (auto* r = dynamic_cast<P::ReferencesModifierContext*>(m)) {
      c.references = Qualified(r->qualifiedName());
    } else if (auto* ro = dynamic_cast<P::RollupModifierContext*>(m)) {
      c.rollup = Ident(ro->ident());
    } else if (auto* l = dynamic_cast<P::LabelModifierContext*>(m)) {
      c.label = StringValue(l->STRING() ? l->STRING()->getSymbol() : nullptr);
    }
  }
  return c;
}

ast::Arg AstBuilder::Arg(P::ArgContext* ctx) {
  ast::Arg a;
  a.span = map_.ContextSpan(ctx);
  // `ident COLON` appears before the expression only for named arguments;
  // `by` dimensions follow it.
  if (ctx->argName && ctx->COLON()) a.name = Ident(ctx->argName);
  for (auto* id : ctx->by) a.by.push_back(Ident(id));
  a.value = Expr(ctx->value);
  return a;
}

ast::ExprPtr AstBuilder::Primary(P::PrimaryContext* ctx) {
  auto e = std::make_unique<ast::Expr>();
  e->span = map_.ContextSpan(ctx);
  if (auto* n = As<P::NumberLitContext>(ctx)) {
    e->kind = ast::ExprKind::kNumber;
    e->text() = n->number ? n->number->getText() : "0";
    CheckNumber(n->number);
    if (n->unitName) e->unit = std::make_unique<ast::Ident>(Ident(n->unitName));
  } else if (auto* p = As<P::PercentLitContext>(ctx)) {
    e->kind = ast::ExprKind::kPercent;
    std::string t = p->getStart()->getText();
    e->text() = t.substr(0, t.size() - 1);
  } else if (auto* s = As<P::StringLitContext>(ctx)) {
    e->kind = ast::ExprKind::kString;
    e->text() = StringValue(s->getStart());
  } else if (auto* d = As<P::DateLitContext>(ctx)) {
    e->kind = ast::ExprKind::kDate;
    e->text() = d->getStart()->getText();
    CheckDate(d->getStart());
  } else if (auto* ts = As<P::TimestampLitContext>(ctx)) {
    e->kind = ast::ExprKind::kTimestamp;
    e->text() = ts->getStart()->getText();
    CheckDate(ts->getStart());
  } else if (auto* b = As<P::BoolLitContext>(ctx)) {
    e->kind = ast::ExprKind::kBool;
    e->bool_value = b->getStart()->getType() == L::TRUE_;
  } else if (As<P::NullLitContext>(ctx)) {
    e->kind = ast::ExprKind::kNull;
  } else if (auto* r = As<P::NameRefContext>(ctx)) {
    e->kind = ast::ExprKind::kName;
    e->name = Ident(r->ref);
  } else if (auto* pe = As<P::ParenExprContext>(ctx)) {
    e->kind = ast::ExprKind::kParen;
    e->lhs = Expr(pe->inner);
  } else {
    return nullptr;
  }
  return e;
}

ast::ExprPtr AstBuilder::Expr(P::ExprContext* ctx) {
  if (!ctx) return nullptr;
  // Half the nodes are primaries: no node of this level for them.
  if (auto* pr = As<P::PrimaryExprContext>(ctx)) return pr->value ? Primary(pr->value) : nullptr;
  // The children are read through the grammar's labels (fields the parser
  // filled), not the accessors, which search the children with dynamic_cast.
  auto e = std::make_unique<ast::Expr>();
  e->span = map_.ContextSpan(ctx);
  auto binary = [&](ast::BinaryOp op, P::ExprContext* l, P::ExprContext* r) {
    e->kind = ast::ExprKind::kBinary;
    e->bop = op;
    e->lhs = Expr(l);
    e->rhs = Expr(r);
  };
  if (auto* m = As<P::MemberExprContext>(ctx)) {
    e->kind = ast::ExprKind::kMember;
    e->lhs = Expr(m->lhs);
    e->name = Ident(m->member);
  } else if (auto* c = As<P::CallExprContext>(ctx)) {
    e->kind = ast::ExprKind::kCall;
    e->lhs = Expr(c->lhs);
    for (auto* a : c->args) e->args.push_back(Arg(a));
  } else if (auto* n = As<P::NegExprContext>(ctx)) {
    e->kind = ast::ExprKind::kUnary;
    e->uop = ast::UnaryOp::kNeg;
    e->lhs = Expr(n->lhs);
  } else if (auto* nt = As<P::NotExprContext>(ctx)) {
    e->kind = ast::ExprKind::kUnary;
    e->uop = ast::UnaryOp::kNot;
    e->lhs = Expr(nt->lhs);
  } else if (auto* mu = As<P::MulExprContext>(ctx)) {
    binary(mu->op && mu->op->getType() == L::SLASH ? ast::BinaryOp::kDiv : ast::BinaryOp::kMul, mu->lhs, mu->rhs);
  } else if (auto* ad = As<P::AddExprContext>(ctx)) {
    binary(ad->op && ad->op->getType() == L::MINUS ? ast::BinaryOp::kSub : ast::BinaryOp::kAdd, ad->lhs, ad->rhs);
  } else if (auto* cm = As<P::CmpExprContext>(ctx)) {
    ast::BinaryOp op = ast::BinaryOp::kEq;
    switch (cm->op ? cm->op->getType() : static_cast<size_t>(L::EQEQ)) {
      case L::NEQ:
        op = ast::BinaryOp::kNe;
        break;
      case L::LT:
        op = ast::BinaryOp::kLt;
        break;
      case L::LE:
        op = ast::BinaryOp::kLe;
        break;
      case L::GT:
        op = ast::BinaryOp::kGt;
        break;
      case L::GE:
        op = ast::BinaryOp::kGe;
        break;
      default:
        break;
    }
    binary(op, cm->lhs, cm->rhs);
  } else if (auto* an = As<P::AndExprContext>(ctx)) {
    binary(ast::BinaryOp::kAnd, an->lhs, an->rhs);
  } else if (auto* o = As<P::OrExprContext>(ctx)) {
    binary(ast::BinaryOp::kOr, o->lhs, o->rhs);
  } else if (auto* in = As<P::InExprContext>(ctx)) {
    e->kind = ast::ExprKind::kIn;
    e->negated = in->NOT() != nullptr;
    e->lhs = Expr(in->lhs);
    for (auto* item : in->items) e->items.push_back(Expr(item));
  } else if (auto* is = As<P::IsNullExprContext>(ctx)) {
    e->kind = ast::ExprKind::kIsNull;
    e->negated = is->NOT() != nullptr;
    e->lhs = Expr(is->lhs);
  } else if (auto* w = As<P::WhereExprContext>(ctx)) {
    e->kind = ast::ExprKind::kWhere;
    e->lhs = Expr(w->lhs);
    e->rhs = Expr(w->rhs);
  } else {
    return nullptr;
  }
  return e;
}

void AstBuilder::GoalItem(P::GoalItemContext* ctx, ast::GoalDecl* goal) {
  ast::GoalItem it;
  it.span = map_.ContextSpan(ctx);
  it.keyword_span = map_.TokenSpan(ctx->getStart());
  using K = ast::GoalItem::Kind;
  if (auto* m = dynamic_cast<P::GoalMetricContext*>(ctx)) {
    it.kind = K::kMetric;
    it.expr = Expr(m->expr());
  } else if (auto* p = dynamic_cast<P::GoalPeriodContext*>(ctx)) {
    it.kind = K::kPeriod;
    if (auto* spec = p->periodSpec()) {
      it.text_span = map_.ContextSpan(spec);
      auto dates = spec->DATE();
      if (!dates.empty()) {
        it.text = dates[0]->getText();
        CheckDate(dates[0]->getSymbol());
        if (dates.size() > 1) {
          it.period_end = dates[1]->getText();
          CheckDate(dates[1]->getSymbol());
        }
      } else if (spec->STRING()) {
        it.text = StringValue(spec->STRING()->getSymbol());
      } else if (spec->getStart()) {
        it.text = spec->getStart()->getText();
      }
    }
    if (p->ident()) it.name = Ident(p->ident());
  } else if (auto* g = dynamic_cast<P::GoalGrainContext*>(ctx)) {
    it.kind = K::kGrain;
    it.name = Ident(g->ident());
  } else if (auto* t = dynamic_cast<P::GoalTargetContext*>(ctx)) {
    it.kind = K::kTarget;
    it.expr = Expr(t->expr());
  } else if (auto* d = dynamic_cast<P::GoalDecomposeContext*>(ctx)) {
    it.kind = K::kDecompose;
    it.name = Ident(d->ident());
    it.expr = Expr(d->expr());
  } else if (auto* dr = dynamic_cast<P::GoalDrillContext*>(ctx)) {
    it.kind = K::kDrill;
    for (auto* i : dr->ident()) it.names.push_back(Ident(i));
    if (dr->INT()) {
      int64_t n = 0;
      std::string s = dr->INT()->getText();
      std::from_chars(s.data(), s.data() + s.size(), n);
      it.top = n;
    }
  } else if (auto* a = dynamic_cast<P::GoalAlertContext*>(ctx)) {
    it.kind = K::kAlert;
    // STRING tokens: an optional name before `when`, an optional message after `message`.
    for (auto* s : a->STRING()) {
      size_t idx = s->getSymbol()->getTokenIndex();
      bool after_message = a->MESSAGE() && idx > a->MESSAGE()->getSymbol()->getTokenIndex();
      if (after_message) {
        it.message = StringValue(s->getSymbol());
      } else {
        it.text = StringValue(s->getSymbol());
        it.text_span = map_.TokenSpan(s->getSymbol());
      }
    }
    it.expr = Expr(a->expr());
    if (a->ident()) it.severity = Ident(a->ident());
  } else if (auto* at = dynamic_cast<P::GoalAttrContext*>(ctx)) {
    it.kind = K::kAttr;
    it.attr = MetricAttr(at->metricAttr());
  } else if (auto* st = dynamic_cast<P::GoalSettingContext*>(ctx)) {
    it.kind = K::kSetting;
    it.attr.key = Ident(st->IDENT() ? st->IDENT()->getSymbol() : nullptr);
    for (auto* v : st->attrValue()) it.attr.values.push_back(Value(v));
    it.attr.span = it.span;
  } else {
    return;
  }
  goal->items.push_back(std::move(it));
}

void AstBuilder::ReportItem(P::ReportItemContext* ctx, ast::ReportDecl* report) {
  ast::ReportItem it;
  it.span = map_.ContextSpan(ctx);
  using K = ast::ReportItem::Kind;
  if (auto* g = dynamic_cast<P::ReportGoalsContext*>(ctx)) {
    it.kind = K::kGoals;
    for (auto* i : g->ident()) it.names.push_back(Ident(i));
  } else if (auto* m = dynamic_cast<P::ReportMetricsContext*>(ctx)) {
    it.kind = K::kMetrics;
    for (auto* i : m->ident()) it.names.push_back(Ident(i));
  } else if (auto* r = dynamic_cast<P::ReportRoleContext*>(ctx)) {
    it.kind = K::kRole;
    it.names.push_back(Ident(r->ident()));
  } else if (auto* c = dynamic_cast<P::ReportChartContext*>(ctx)) {
    it.kind = K::kChart;
    it.expr = Expr(c->expr());
    auto ids = c->ident();
    size_t n = ids.size();
    if (c->AS() && n > 0) {
      it.as = Ident(ids[n - 1]);
      --n;
    }
    for (size_t i = 0; i < n; ++i) it.by.push_back(Ident(ids[i]));
  } else if (auto* a = dynamic_cast<P::ReportAttrContext*>(ctx)) {
    it.kind = K::kAttr;
    it.attr = MetricAttr(a->metricAttr());
  } else if (auto* s = dynamic_cast<P::ReportSettingContext*>(ctx)) {
    it.kind = K::kSetting;
    it.attr.key = Ident(s->IDENT() ? s->IDENT()->getSymbol() : nullptr);
    for (auto* v : s->attrValue()) it.attr.values.push_back(Value(v));
    it.attr.span = it.span;
  } else {
    return;
  }
  report->items.push_back(std::move(it));
}

ast::ExprPtr AstBuilder::Bound(P::ExpectBoundContext* ctx) {
  if (!ctx) return nullptr;
  ast::ExprPtr v = Primary(ctx->primary());
  if (!v || !ctx->MINUS()) return v;
  auto e = std::make_unique<ast::Expr>();
  e->span = map_.ContextSpan(ctx);
  e->kind = ast::ExprKind::kUnary;
  e->uop = ast::UnaryOp::kNeg;
  e->lhs = std::move(v);
  return e;
}

std::unique_ptr<ast::Decl> AstBuilder::Expect(P::ExpectDeclContext* c) {
  auto d = std::make_unique<ast::ExpectDecl>();
  d->span = map_.ContextSpan(c);
  d->keyword_span = map_.TokenSpan(c->getStart());
  if (c->label) {
    d->label = StringValue(c->label);
    d->label_span = map_.TokenSpan(c->label);
  }
  using C = ast::ExpectDecl::Check;
  auto by = [&](P::ExpectByContext* b) {
    if (b)
      for (auto* i : b->ident()) d->by.push_back(Ident(i));
  };
  P::ExpectBodyContext* body = c->expectBody();
  if (auto* u = dynamic_cast<P::ExpectUniqueContext*>(body)) {
    d->check = C::kUnique;
    d->subject = Qualified(u->qualifiedName());
  } else if (auto* n = dynamic_cast<P::ExpectNotNullContext*>(body)) {
    d->check = C::kNotNull;
    d->subject = Qualified(n->qualifiedName());
  } else if (auto* a = dynamic_cast<P::ExpectAcceptedContext*>(body)) {
    d->check = C::kAccepted;
    d->subject = Qualified(a->qualifiedName());
    for (auto* v : a->attrValue()) d->values.push_back(Value(v));
  } else if (auto* f = dynamic_cast<P::ExpectFoundContext*>(body)) {
    d->check = C::kFound;
    auto q = f->qualifiedName();
    if (!q.empty()) d->subject = Qualified(q[0]);
    if (q.size() > 1) d->target = Qualified(q[1]);
  } else if (auto* fr = dynamic_cast<P::ExpectFreshContext*>(body)) {
    d->check = C::kFresh;
    d->subject = Qualified(fr->qualifiedName());
    if (fr->INT()) {
      CheckNumber(fr->INT()->getSymbol());
      d->count_span = map_.TokenSpan(fr->INT()->getSymbol());
      try {
        d->count = std::stoll(fr->INT()->getText());
      } catch (...) {
      }
    }
    d->count_unit = Ident(fr->ident());
  } else if (auto* r = dynamic_cast<P::ExpectRowsContext*>(body)) {
    d->check = C::kRows;
    d->subject = Qualified(r->qualifiedName());
    d->high = Bound(r->expectBound());
  } else if (auto* g = dynamic_cast<P::ExpectRangeContext*>(body)) {
    d->check = C::kRange;
    d->expr = Expr(g->expr());
    auto b = g->expectBound();
    if (!b.empty()) d->low = Bound(b[0]);
    if (b.size() > 1) d->high = Bound(b[1]);
    by(g->expectBy());
  } else if (auto* rc = dynamic_cast<P::ExpectReconcileContext*>(body)) {
    d->check = C::kReconcile;
    auto e = rc->expr();
    if (!e.empty()) d->expr = Expr(e[0]);
    if (e.size() > 1) d->other = Expr(e[1]);
    d->high = Bound(rc->expectBound());
    by(rc->expectBy());
  } else {
    return nullptr;
  }
  return d;
}

std::unique_ptr<ast::Decl> AstBuilder::BuildDecl(P::TopItemContext* ctx) {
  auto base = [&](ast::Decl* d, antlr4::ParserRuleContext* c, P::IdentContext* name, antlr4::Token* label) {
    d->span = map_.ContextSpan(c);
    d->keyword_span = map_.TokenSpan(c->getStart());
    if (name) d->name = Ident(name);
    if (label) {
      d->label = StringValue(label);
      d->label_span = map_.TokenSpan(label);
    }
  };
  if (auto* c = ctx->packageDecl()) {
    auto d = std::make_unique<ast::PackageDecl>();
    base(d.get(), c, nullptr, nullptr);
    d->path = Qualified(c->qualifiedName());
    d->name.name = d->path.Joined();
    d->name.span = d->path.span;
    if (c->attrBlock())
      for (auto* a : c->attrBlock()->blockAttr()) d->attrs.push_back(BlockAttr(a));
    return d;
  }
  if (auto* c = ctx->importDecl()) {
    auto d = std::make_unique<ast::ImportDecl>();
    base(d.get(), c, nullptr, nullptr);
    d->path = Qualified(c->qualifiedName());
    d->name.name = d->path.Joined();
    d->name.span = d->path.span;
    if (c->alias) d->alias = Ident(c->alias);
    return d;
  }
  if (auto* c = ctx->dimensionDecl()) {
    auto d = std::make_unique<ast::DimensionDecl>();
    base(d.get(), c, c->name, c->label);
    if (c->typeRef()) d->type = Type(c->typeRef());
    if (c->attrBlock())
      for (auto* a : c->attrBlock()->blockAttr()) d->attrs.push_back(BlockAttr(a));
    // `dimension city: string { label "城市" }` is labelled as `dimension
    // city "城市"` is, for every reader (the catalog, the lint, reports);
    // both at once is E0213.
    if (!d->label)
      for (const ast::Attribute& a : d->attrs)
        if (a.key.name == "label" && a.lang.empty() && !a.values.empty()) d->label = a.values[0].text;
    return d;
  }
  if (auto* c = ctx->calendarDecl()) {
    auto d = std::make_unique<ast::CalendarDecl>();
    base(d.get(), c, c->name, c->label);
    if (c->attrBlock())
      for (auto* a : c->attrBlock()->blockAttr()) d->attrs.push_back(BlockAttr(a));
    return d;
  }
  if (auto* c = ctx->sourceDecl()) {
    auto d = std::make_unique<ast::SourceDecl>();
    base(d.get(), c, c->name, c->label);
    if (auto* b = c->binding()) {
      ast::Binding binding;
      binding.kind = Ident(b->kind);
      binding.span = map_.ContextSpan(b);
      for (auto* a : b->bindingArg()) {
        ast::BindingArg arg;
        if (a->ident()) arg.name = Ident(a->ident());
        if (a->NULL_()) arg.name = Ident(a->NULL_()->getSymbol());
        arg.value = Value(a->attrValue());
        binding.args.push_back(std::move(arg));
      }
      d->binding = std::move(binding);
    }
    if (auto* body = c->sourceBody())
      for (auto* item : body->sourceItem())
        if (item->columnDecl()) d->columns.push_back(Column(item->columnDecl()));
    return d;
  }
  auto metric = [&](P::MetricDeclContext* c) {
    auto d = std::make_unique<ast::MetricDecl>();
    base(d.get(), c, c->name, c->label);
    if (c->unit) d->unit = std::make_unique<ast::UnitExpr>(Unit(c->unit));
    d->expr = Expr(c->body);
    for (auto* a : c->attrs) d->attrs.push_back(MetricAttr(a));
    return d;
  };
  // Most declarations are metrics: found by the first child's exact type
  // before the accessors below search the children once per kind.
  if (auto* c = As<P::MetricDeclContext>(ctx->children.empty() ? nullptr : ctx->children[0])) return metric(c);
  if (auto* c = ctx->metricDecl()) return metric(c);
  if (auto* c = ctx->fnDecl()) {
    auto d = std::make_unique<ast::FnDecl>();
    base(d.get(), c, c->name, nullptr);
    auto ids = c->ident();
    for (auto* i : ids)
      if (i != c->name) d->unit_params.push_back(Ident(i));
    for (auto* p : c->param()) {
      ast::Param param;
      param.name = Ident(p->ident());
      if (p->unitExpr()) param.unit = Unit(p->unitExpr());
      param.span = map_.ContextSpan(p);
      d->params.push_back(std::move(param));
    }
    if (c->unitExpr()) d->result_unit = Unit(c->unitExpr());
    d->body = Expr(c->expr());
    for (auto* a : c->metricAttr()) d->attrs.push_back(MetricAttr(a));
    return d;
  }
  if (auto* c = ctx->goalDecl()) {
    auto d = std::make_unique<ast::GoalDecl>();
    base(d.get(), c, c->name, c->label);
    d->items.reserve(c->goalItem().size());  // one block: a doubled one left a fifth of 7 MB unused (2,000 goals)
    for (auto* it : c->goalItem()) GoalItem(it, d.get());
    return d;
  }
  if (auto* c = ctx->roleDecl()) {
    auto d = std::make_unique<ast::RoleDecl>();
    base(d.get(), c, c->name, c->label);
    for (auto* p : c->roleParam()) {
      ast::Param param;
      param.name = Ident(p->ident());
      param.type = Type(p->typeRef());
      param.span = map_.ContextSpan(p);
      d->params.push_back(std::move(param));
    }
    for (auto* it : c->roleItem()) {
      ast::RoleItem item;
      item.span = map_.ContextSpan(it);
      if (auto* f = dynamic_cast<P::RoleFilterContext*>(it)) {
        item.source = Qualified(f->qualifiedName());
        item.filter = Expr(f->expr());
      } else if (auto* a = dynamic_cast<P::RoleAllContext*>(it)) {
        item.source = Qualified(a->qualifiedName());
        item.all = true;
      } else if (auto* h = dynamic_cast<P::RoleHideContext*>(it)) {
        for (auto* q : h->qualifiedName()) item.hidden.push_back(Qualified(q));
      }
      d->items.push_back(std::move(item));
    }
    return d;
  }
  if (auto* c = ctx->reportDecl()) {
    auto d = std::make_unique<ast::ReportDecl>();
    base(d.get(), c, c->name, c->label);
    for (auto* it : c->reportItem()) ReportItem(it, d.get());
    return d;
  }
  if (auto* c = ctx->expectDecl()) return Expect(c);
  return nullptr;
}

void AstBuilder::BuildTopItem(P::TopItemContext* ctx, std::vector<std::unique_ptr<ast::Decl>>* out) {
  if (!ctx) return;
  auto d = BuildDecl(ctx);
  if (d) out->push_back(std::move(d));
}

}  // namespace kpic::syntax
