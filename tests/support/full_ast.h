// A dump of a parsed file with every metric declaration's nodes, spans
// and texts, and the diagnostics: what the direct metric parser
// (compiler/syntax/direct_parser.cc) and ANTLR must agree on. Used by the
// unit test and the parser's fuzzer.
#pragma once

#include <fmt/format.h>

#include <string>

#include "diag/diagnostic.h"
#include "diag/registry.h"
#include "syntax/ast.h"
#include "syntax/parse.h"

namespace kpic::test_support {

inline std::string At(Span s) { return fmt::format("[{},{})", s.begin, s.end); }

inline void Ident(std::string* o, const ast::Ident& i) { *o += "`" + i.name + "`" + At(i.span); }

inline void Expr(std::string* o, const ast::Expr* e) {
  if (!e) {
    *o += "null";
    return;
  }
  *o += fmt::format("(k{} b{} n{} bop{} uop{} {} ", static_cast<int>(e->kind), e->bool_value, e->negated,
                    static_cast<int>(e->bop), static_cast<int>(e->uop), At(e->span));
  if (e->unit) {
    *o += "unit=";
    Ident(o, *e->unit);
  }
  Ident(o, e->name);
  *o += " L=";
  Expr(o, e->lhs.get());
  *o += " R=";
  Expr(o, e->rhs.get());
  for (const ast::Arg& a : e->args) {
    *o += " arg{" + At(a.span) + " ";
    if (a.name) Ident(o, *a.name);
    Expr(o, a.value.get());
    for (const ast::Ident& b : a.by) {
      *o += " by ";
      Ident(o, b);
    }
    *o += "}";
  }
  for (const ast::ExprPtr& item : e->items) {
    *o += " item ";
    Expr(o, item.get());
  }
  *o += ")";
}

inline void Value(std::string* o, const ast::AttrValue& v) {
  *o += fmt::format("<{} `{}` {} ", static_cast<int>(v.kind), v.text, At(v.span));
  for (const ast::Ident& p : v.name.parts) Ident(o, p);
  *o += At(v.name.span);
  for (const ast::AttrValue& x : v.list) Value(o, x);
  *o += ">";
}

/// Everything a metric declaration holds, and the plain dump of the rest.
inline std::string Full(const ast::File& file, const SourceManager& sm) {
  std::string o = ast::Dump(file, sm);
  for (const auto& dp : file.decls) {
    const ast::Decl& d = *dp;
    o += fmt::format("\n{} ", static_cast<int>(d.kind));
    Ident(&o, d.name);
    o += fmt::format(" label={} {} span={} kw={} err={} doc=`{}`", d.label ? "`" + *d.label + "`" : "-",
                     At(d.label_span), At(d.span), At(d.keyword_span), d.has_syntax_error, d.doc);
    if (d.kind != ast::DeclKind::kMetric) continue;
    const auto& m = static_cast<const ast::MetricDecl&>(d);
    if (m.unit) {
      o += " unit" + At(m.unit->span);
      for (const ast::UnitFactor& f : m.unit->factors) {
        Ident(&o, f.name);
        o += fmt::format("^{}", f.power);
      }
    }
    o += " = ";
    Expr(&o, m.expr.get());
    for (const ast::Attribute& a : m.attrs) {
      o += " attr{";
      Ident(&o, a.key);
      o += " lang=" + a.lang + " " + At(a.span);
      for (const ast::AttrValue& v : a.values) Value(&o, v);
      o += "}";
    }
  }
  return o;
}

/// Full() of `text` parsed with or without the direct metric parser, and
/// its diagnostics; `direct_parsed` counts what the direct parser took.
inline std::string ParseAndDump(const std::string& text, bool direct, size_t* direct_parsed = nullptr) {
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  ParseLimits limits;
  limits.direct_metrics = direct;
  limits.direct_parsed = direct_parsed;
  auto file = ParseFile(sm, id, diags, limits);
  std::string out = Full(*file, sm);
  for (const Diagnostic& d : diags.diagnostics()) {
    out += fmt::format("\n{} {} {}", CodeName(d.code), At(d.span), d.message);
    for (const auto& l : d.labels) out += fmt::format(" | {} {}", At(l.span), l.message);
  }
  return out;
}

}  // namespace kpic::test_support
