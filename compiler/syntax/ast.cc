// AST helpers and the stable text dump used by `kpic compile --emit ast`.
#include "syntax/ast.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kpic::ast {

std::string QualifiedName::Joined() const {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i].name;
  }
  return out;
}

std::string UnitExpr::ToString() const {
  std::string num, den;
  for (const UnitFactor& f : factors) {
    std::string& side = f.power > 0 ? num : den;
    if (!side.empty()) side += '*';
    side += f.name.name;
    int p = f.power > 0 ? f.power : -f.power;
    if (p != 1) side += fmt::format("^{}", p);
  }
  if (num.empty()) num = "1";
  return den.empty() ? num : num + "/" + den;
}

const char* DeclKindName(DeclKind k) {
  switch (k) {
    case DeclKind::kPackage:
      return "package";
    case DeclKind::kImport:
      return "import";
    case DeclKind::kDimension:
      return "dimension";
    case DeclKind::kCalendar:
      return "calendar";
    case DeclKind::kSource:
      return "source";
    case DeclKind::kMetric:
      return "metric";
    case DeclKind::kFn:
      return "fn";
    case DeclKind::kGoal:
      return "goal";
    case DeclKind::kRole:
      return "role";
    case DeclKind::kReport:
      return "report";
    case DeclKind::kExpect:
      return "expect";
  }
  return "?";
}

const PackageDecl* File::package() const {
  for (const auto& d : decls)
    if (d->kind == DeclKind::kPackage) return static_cast<const PackageDecl*>(d.get());
  return nullptr;
}

std::vector<const ImportDecl*> File::imports() const {
  std::vector<const ImportDecl*> out;
  for (const auto& d : decls)
    if (d->kind == DeclKind::kImport) out.push_back(static_cast<const ImportDecl*>(d.get()));
  return out;
}

namespace {

const char* BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
  }
  return "?";
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string DumpAttrValue(const AttrValue& v) {
  switch (v.kind) {
    case AttrValue::Kind::kString:
      return Quote(v.text);
    case AttrValue::Kind::kPercent:
      return v.text + "%";
    case AttrValue::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.list.size(); ++i) out += (i ? ", " : "") + DumpAttrValue(v.list[i]);
      return out + "]";
    }
    default:
      return v.text;
  }
}

std::string DumpAttr(const Attribute& a) {
  std::string out = a.key.name;
  if (!a.lang.empty()) out += "." + a.lang;
  for (size_t i = 0; i < a.values.size(); ++i) out += (i ? ", " : " ") + DumpAttrValue(a.values[i]);
  return out;
}

std::string Names(const std::vector<Ident>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + ids[i].name;
  return out;
}

}  // namespace

std::string DumpExpr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNumber:
      return e.unit ? e.text() + " " + e.unit->name : e.text();
    case ExprKind::kPercent:
      return e.text() + "%";
    case ExprKind::kString:
      return Quote(e.text());
    case ExprKind::kDate:
    case ExprKind::kTimestamp:
      return e.text();
    case ExprKind::kBool:
      return e.bool_value ? "true" : "false";
    case ExprKind::kNull:
      return "null";
    case ExprKind::kName:
      return e.name.name;
    case ExprKind::kMember:
      return (e.lhs ? DumpExpr(*e.lhs) : "?") + "." + e.name.name;
    case ExprKind::kCall: {
      std::string out = (e.lhs ? DumpExpr(*e.lhs) : "?") + "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        const Arg& a = e.args[i];
        if (i) out += ", ";
        if (a.name) out += a.name->name + ": ";
        out += a.value ? DumpExpr(*a.value) : "?";
        if (!a.by.empty()) out += " by " + Names(a.by);
      }
      return out + ")";
    }
    case ExprKind::kUnary:
      return std::string(e.uop == UnaryOp::kNeg ? "(-" : "(not ") + (e.lhs ? DumpExpr(*e.lhs) : "?") + ")";
    case ExprKind::kBinary:
      return "(" + (e.lhs ? DumpExpr(*e.lhs) : "?") + " " + BinaryOpText(e.bop) + " " +
             (e.rhs ? DumpExpr(*e.rhs) : "?") + ")";
    case ExprKind::kIn: {
      std::string out = "(" + (e.lhs ? DumpExpr(*e.lhs) : "?") + (e.negated ? " not in (" : " in (");
      for (size_t i = 0; i < e.items.size(); ++i) out += (i ? ", " : "") + (e.items[i] ? DumpExpr(*e.items[i]) : "?");
      return out + "))";
    }
    case ExprKind::kIsNull:
      return "(" + (e.lhs ? DumpExpr(*e.lhs) : "?") + (e.negated ? " is not null)" : " is null)");
    case ExprKind::kWhere:
      return "(" + (e.lhs ? DumpExpr(*e.lhs) : "?") + " where " + (e.rhs ? DumpExpr(*e.rhs) : "?") + ")";
    case ExprKind::kParen:
      return e.lhs ? DumpExpr(*e.lhs) : "?";
  }
  return "?";
}

namespace {

/// FNV-1a over tags and length-prefixed texts, then a final mix.
struct FormulaHasher {
  uint64_t h = 1469598103934665603ull;
  void Byte(uint8_t b) { h = (h ^ b) * 1099511628211ull; }
  void Count(size_t n) {
    for (int i = 0; i < 4; ++i) Byte(static_cast<uint8_t>(n >> (8 * i)));
  }
  void Text(const std::string& t) {
    Count(t.size());
    for (char c : t) Byte(static_cast<uint8_t>(c));
  }
  void Walk(const Expr* p) {
    // DumpExpr does not show a parenthesis as written (its own show the tree).
    while (p && p->kind == ExprKind::kParen) p = p->lhs.get();
    if (!p) return Byte(0xFF);  // DumpExpr's "?"
    const Expr& e = *p;
    Byte(static_cast<uint8_t>(e.kind));
    switch (e.kind) {
      case ExprKind::kNumber:
        Text(e.text());
        return e.unit ? Text(e.unit->name) : Byte(0);
      case ExprKind::kPercent:
      case ExprKind::kString:
      case ExprKind::kDate:
      case ExprKind::kTimestamp:
        return Text(e.text());
      case ExprKind::kBool:
        return Byte(e.bool_value ? 1 : 0);
      case ExprKind::kNull:
      case ExprKind::kParen:
        return;
      case ExprKind::kName:
        return Text(e.name.name);
      case ExprKind::kMember:
        Walk(e.lhs.get());
        return Text(e.name.name);
      case ExprKind::kCall:
        Walk(e.lhs.get());
        Count(e.args.size());
        for (const Arg& a : e.args) {
          a.name ? Text(a.name->name) : Byte(0);
          Walk(a.value.get());
          Count(a.by.size());
          for (const Ident& b : a.by) Text(b.name);
        }
        return;
      case ExprKind::kUnary:
        Byte(static_cast<uint8_t>(e.uop));
        return Walk(e.lhs.get());
      case ExprKind::kBinary:
        Byte(static_cast<uint8_t>(e.bop));
        Walk(e.lhs.get());
        return Walk(e.rhs.get());
      case ExprKind::kIn:
        Byte(e.negated ? 1 : 0);
        Walk(e.lhs.get());
        Count(e.items.size());
        for (const ExprPtr& x : e.items) Walk(x.get());
        return;
      case ExprKind::kIsNull:
        Byte(e.negated ? 1 : 0);
        return Walk(e.lhs.get());
      case ExprKind::kWhere:
        Walk(e.lhs.get());
        return Walk(e.rhs.get());
    }
  }
};

}  // namespace

uint64_t FormulaHash(const Expr& e) {
  FormulaHasher f;
  f.Walk(&e);
  uint64_t h = f.h;  // murmur's finaliser
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

std::string Dump(const File& file, const SourceManager& sm) {
  std::string out;
  auto pos = [&](Span s) {
    Position p = sm.Resolve(s.file, s.begin);
    return fmt::format("@{}:{}", p.line, p.char_column);
  };
  auto header = [&](const Decl& d) {
    std::string h = fmt::format("{} {}", DeclKindName(d.kind), d.name.name);
    if (d.label) h += " " + Quote(*d.label);
    h += " " + pos(d.span);
    if (d.has_syntax_error) h += " (syntax error)";
    out += h + "\n";
    if (!d.doc.empty()) out += "  doc " + Quote(d.doc) + "\n";
  };
  for (const auto& dp : file.decls) {
    const Decl& d = *dp;
    switch (d.kind) {
      case DeclKind::kPackage:
        out += "package " + static_cast<const PackageDecl&>(d).path.Joined() + " " + pos(d.span) + "\n";
        for (const auto& a : static_cast<const PackageDecl&>(d).attrs) out += "  " + DumpAttr(a) + "\n";
        break;
      case DeclKind::kImport: {
        const auto& i = static_cast<const ImportDecl&>(d);
        out += "import " + i.path.Joined() + (i.alias ? " as " + i.alias->name : "") + " " + pos(d.span) + "\n";
        break;
      }
      case DeclKind::kDimension: {
        const auto& x = static_cast<const DimensionDecl&>(d);
        header(d);
        if (x.type) out += "  type " + x.type->name.name + "\n";
        for (const auto& a : x.attrs) out += "  " + DumpAttr(a) + "\n";
        break;
      }
      case DeclKind::kCalendar: {
        header(d);
        for (const auto& a : static_cast<const CalendarDecl&>(d).attrs) out += "  " + DumpAttr(a) + "\n";
        break;
      }
      case DeclKind::kSource: {
        const auto& x = static_cast<const SourceDecl&>(d);
        header(d);
        if (x.binding) {
          out += "  from " + x.binding->kind.name + "(";
          for (size_t i = 0; i < x.binding->args.size(); ++i) {
            const auto& a = x.binding->args[i];
            out += (i ? ", " : "") + (a.name ? a.name->name + ": " : "") + DumpAttrValue(a.value);
          }
          out += ")\n";
        }
        for (const Column& c : x.columns) {
          out += "  column " + c.name.name + ": " + c.type.name.name;
          if (c.type.scale) out += fmt::format("({})", *c.type.scale);
          if (c.header) out += " header " + Quote(*c.header);
          if (c.key) out += " key";
          if (c.time) out += " time";
          if (c.dimension) out += " -> " + c.dimension->name;
          if (c.unit) out += " unit " + c.unit->ToString();
          if (c.entity) out += " entity " + c.entity->name;
          if (c.references) out += " references " + c.references->Joined();
          if (c.rollup) out += " rollup " + c.rollup->name;
          if (c.label) out += " label " + Quote(*c.label);
          out += "\n";
        }
        break;
      }
      case DeclKind::kMetric: {
        const auto& x = static_cast<const MetricDecl&>(d);
        header(d);
        if (x.unit) out += "  unit " + x.unit->ToString() + "\n";
        out += "  = " + (x.expr ? DumpExpr(*x.expr) : "?") + "\n";
        for (const auto& a : x.attrs) out += "  " + DumpAttr(a) + "\n";
        break;
      }
      case DeclKind::kFn: {
        const auto& x = static_cast<const FnDecl&>(d);
        header(d);
        if (!x.unit_params.empty()) out += "  units " + Names(x.unit_params) + "\n";
        for (const Param& p : x.params)
          out += "  param " + p.name.name + (p.unit ? ": " + p.unit->ToString() : "") + "\n";
        if (x.result_unit) out += "  returns " + x.result_unit->ToString() + "\n";
        out += "  = " + (x.body ? DumpExpr(*x.body) : "?") + "\n";
        break;
      }
      case DeclKind::kGoal: {
        header(d);
        for (const GoalItem& it : static_cast<const GoalDecl&>(d).items) {
          using K = GoalItem::Kind;
          std::string e = it.expr ? DumpExpr(*it.expr) : "";
          switch (it.kind) {
            case K::kMetric:
              out += "  metric " + e + "\n";
              break;
            case K::kPeriod:
              out += "  period " + it.text + (it.period_end.empty() ? "" : " .. " + it.period_end) +
                     (it.name ? " by " + it.name->name : "") + "\n";
              break;
            case K::kGrain:
              out += "  grain " + (it.name ? it.name->name : "?") + "\n";
              break;
            case K::kTarget:
              out += "  target " + e + "\n";
              break;
            case K::kDecompose:
              out += "  decompose " + (it.name ? it.name->name : "?") + " = " + e + "\n";
              break;
            case K::kDrill:
              out += "  drill " + Names(it.names) + (it.top ? fmt::format(" top {}", *it.top) : "") + "\n";
              break;
            case K::kAlert:
              out += "  alert " + (it.text.empty() ? "" : Quote(it.text) + " ") + "when " + e +
                     (it.severity ? " severity " + it.severity->name : "") +
                     (it.message ? " message " + Quote(*it.message) : "") + "\n";
              break;
            case K::kAttr:
            case K::kSetting:
              out += "  " + DumpAttr(it.attr) + "\n";
              break;
          }
        }
        break;
      }
      case DeclKind::kRole: {
        const auto& x = static_cast<const RoleDecl&>(d);
        header(d);
        for (const Param& p : x.params)
          out += "  param " + p.name.name + ": " + (p.type ? p.type->name.name : "?") + "\n";
        for (const RoleItem& it : x.items) {
          if (it.source.parts.empty()) {
            std::vector<std::string> cols;
            for (const QualifiedName& q : it.hidden) cols.push_back(q.Joined());
            out += "  hide " + fmt::format("{}", fmt::join(cols, ", ")) + "\n";
            continue;
          }
          out += "  " + it.source.Joined() + (it.all ? ": all" : " where " + (it.filter ? DumpExpr(*it.filter) : "?")) +
                 "\n";
        }
        break;
      }
      case DeclKind::kReport: {
        header(d);
        for (const ReportItem& it : static_cast<const ReportDecl&>(d).items) {
          using K = ReportItem::Kind;
          switch (it.kind) {
            case K::kGoals:
              out += "  goals " + Names(it.names) + "\n";
              break;
            case K::kMetrics:
              out += "  metrics " + Names(it.names) + "\n";
              break;
            case K::kRole:
              out += "  role " + Names(it.names) + "\n";
              break;
            case K::kChart:
              out += "  chart " + (it.expr ? DumpExpr(*it.expr) : "?") + (it.by.empty() ? "" : " by " + Names(it.by)) +
                     (it.as ? " as " + it.as->name : "") + "\n";
              break;
            case K::kAttr:
            case K::kSetting:
              out += "  " + DumpAttr(it.attr) + "\n";
              break;
          }
        }
        break;
      }
      case DeclKind::kExpect: {
        header(d);
        const auto& x = static_cast<const ExpectDecl&>(d);
        out += "  " + ExpectText(x) + "\n";
        break;
      }
    }
  }
  out += fmt::format("comments {}\n", file.comments.size());
  return out;
}

std::string ExpectText(const ExpectDecl& x) {
  using C = ExpectDecl::Check;
  auto e = [](const ExprPtr& p) { return p ? DumpExpr(*p) : std::string("?"); };
  std::string by;
  for (const Ident& b : x.by) by += (by.empty() ? " by " : ", ") + b.name;
  switch (x.check) {
    case C::kUnique:
      return x.subject.Joined() + " unique";
    case C::kNotNull:
      return x.subject.Joined() + " not null";
    case C::kAccepted: {
      std::vector<std::string> v;
      for (const AttrValue& a : x.values) v.push_back(a.kind == AttrValue::Kind::kString ? "\"" + a.text + "\"" : a.text);
      return fmt::format("{} in ({})", x.subject.Joined(), fmt::join(v, ", "));
    }
    case C::kFound:
      return x.subject.Joined() + " found in " + x.target.Joined();
    case C::kFresh:
      return fmt::format("{} fresh within {} {}", x.subject.Joined(), x.count.value_or(0), x.count_unit.name);
    case C::kRows:
      return x.subject.Joined() + " rows change within " + e(x.high);
    case C::kRange:
      return e(x.expr) + " between " + e(x.low) + " and " + e(x.high) + by;
    case C::kReconcile:
      return e(x.expr) + " reconciles with " + e(x.other) + by + " within " + e(x.high);
  }
  return "?";
}

}  // namespace kpic::ast
