// The abstract syntax tree of a .kpi file. Every node carries a byte span
// into the SourceManager; no node knows line numbers. Comments are kept on
// the File so that the formatter can put them back. The tree owns its
// children through unique_ptr; the parser bounds nesting depth (E0105,
// E0106) so recursive destruction cannot overflow the stack.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/compact_vec.h"
#include "base/source_manager.h"

namespace kpic::ast {

struct Ident {
  std::string name;
  Span span;
};

struct QualifiedName {
  std::vector<Ident> parts;
  Span span;
  std::string Joined() const;
};

// ---- expressions ------------------------------------------------------------

enum class ExprKind : uint8_t {
  kNumber,     ///< text = digits ("1.28", "1e-9"); unit = optional unit name
  kPercent,    ///< text = the number without "%" ("12")
  kString,     ///< text = unescaped value
  kDate,       ///< text = "2026-01-31"
  kTimestamp,  ///< text = ISO 8601 as written
  kBool,       ///< bool_value
  kNull,
  kName,    ///< name
  kMember,  ///< lhs.name
  kCall,    ///< lhs(args)
  kUnary,   ///< uop lhs
  kBinary,  ///< lhs bop rhs
  kIn,      ///< lhs [not] in (items)
  kIsNull,  ///< lhs is [not] null
  kWhere,   ///< lhs where rhs
  kParen,   ///< (lhs)
};

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };
enum class UnaryOp : uint8_t { kNeg, kNot };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A call argument: `name: value by dim, dim` (name and `by` optional).
struct Arg {
  std::optional<Ident> name;
  ExprPtr value;
  std::vector<Ident> by;
  Span span;
};

/// A package of 80,000 metrics holds a million of these: the small fields
/// come first, packed, the rare unit is behind a pointer, and the lists
/// are one pointer each.
struct Expr {
  ExprKind kind = ExprKind::kNull;
  bool bool_value = false;
  bool negated = false;  ///< kIn: `not in`; kIsNull: `is not null`
  BinaryOp bop = BinaryOp::kAdd;
  UnaryOp uop = UnaryOp::kNeg;
  Span span;
  std::unique_ptr<Ident> unit;  ///< kNumber: `100 CNY`, `3 months`
  Ident name;                   ///< kName, kMember
  ExprPtr lhs, rhs;
  CompactVec<Arg> args;       ///< kCall
  CompactVec<ExprPtr> items;  ///< kIn

  /// A literal's text (kNumber, kPercent, kString, kDate, kTimestamp). No
  /// kind has both a text and a name, so the text is kept in `name.name`.
  const std::string& text() const { return name.name; }
  std::string& text() { return name.name; }
};
static_assert(sizeof(Expr) <= 112, "an expression node must fit a 128-byte heap block");

// ---- shared pieces -------------------------------------------------------------

struct AttrValue {
  enum class Kind { kString, kNumber, kPercent, kDate, kTimestamp, kBool, kName, kList };
  std::string text;  ///< literal value (strings unescaped); name joined for kName
  QualifiedName name;
  std::vector<AttrValue> list;
  Span span;
  Kind kind = Kind::kString;  ///< after the span: in its padding
};

/// `owner "ops"`, `label.en "Sales"`, `week_start monday`, `tags "a", "b"`.
struct Attribute {
  Ident key;
  std::string lang;  ///< `label.en` gives "en"
  std::vector<AttrValue> values;
  Span span;
};

/// A unit as written: `CNY`, `CNY/order`, `visit^2`, `1`. Factors are
/// flattened; denominators have negative powers.
/// The largest power a unit factor may carry (`visit^2`, `m^3`; nothing
/// real needs more). Both parsers refuse a larger one with E0110, and the
/// unit algebra never meets a power it would have to build step by step.
inline constexpr int kMaxUnitPower = 9;
struct UnitFactor {
  Ident name;
  int power = 1;
};
struct UnitExpr {
  std::vector<UnitFactor> factors;
  Span span;
  /// A part of it was refused (E0110): the checker takes the formula's unit
  /// rather than report a mismatch with what is left.
  bool refused = false;
  std::string ToString() const;  ///< canonical text: "CNY/order", "1"
};

struct TypeRef {
  Ident name;                ///< int, float, decimal, bool, string, date, timestamp
  std::optional<int> scale;  ///< decimal(2)
  Span span;
};

struct Param {
  Ident name;
  std::optional<UnitExpr> unit;  ///< fn parameters
  std::optional<TypeRef> type;   ///< role parameters
  Span span;
};

// ---- declarations -----------------------------------------------------------------

enum class DeclKind { kPackage, kImport, kDimension, kCalendar, kSource, kMetric, kFn, kGoal, kRole, kReport, kExpect };

const char* DeclKindName(DeclKind k);

/// A package of 80,000 metrics holds 80,000 of these: the flag sits in the
/// kind's padding.
struct Decl {
  explicit Decl(DeclKind k) : kind(k) {}
  virtual ~Decl() = default;
  DeclKind kind;
  bool has_syntax_error = false;  ///< the parser recovered inside this declaration
  Ident name;                     ///< empty for package/import/anonymous calendar
  std::optional<std::string> label;
  Span label_span;
  Span span;  ///< the whole declaration
  Span keyword_span;
  std::string doc;  ///< joined `///` comments before the declaration
};

struct PackageDecl : Decl {
  PackageDecl() : Decl(DeclKind::kPackage) {}
  QualifiedName path;
  std::vector<Attribute> attrs;  ///< `package retail { governed true }`
};

struct ImportDecl : Decl {
  ImportDecl() : Decl(DeclKind::kImport) {}
  QualifiedName path;
  std::optional<Ident> alias;
};

struct DimensionDecl : Decl {
  DimensionDecl() : Decl(DeclKind::kDimension) {}
  std::optional<TypeRef> type;
  std::vector<Attribute> attrs;
};

struct CalendarDecl : Decl {
  CalendarDecl() : Decl(DeclKind::kCalendar) {}
  std::vector<Attribute> attrs;
};

struct BindingArg {
  std::optional<Ident> name;
  AttrValue value;
};

/// `from csv("data/orders.csv", delimiter: ";")`
struct Binding {
  Ident kind;
  std::vector<BindingArg> args;
  Span span;
};

struct Column {
  Ident name;
  TypeRef type;
  std::optional<std::string> header;  ///< `"Order Date"`
  Span header_span;
  bool key = false;
  bool time = false;
  std::optional<Ident> dimension;  ///< `-> store`
  std::optional<UnitExpr> unit;
  std::optional<Ident> entity;
  std::optional<QualifiedName> references;
  std::optional<Ident> rollup;  ///< last | first | avg
  std::optional<std::string> label;
  Span span;
};

struct SourceDecl : Decl {
  SourceDecl() : Decl(DeclKind::kSource) {}
  std::optional<Binding> binding;
  std::vector<Column> columns;
};

struct MetricDecl : Decl {
  MetricDecl() : Decl(DeclKind::kMetric) {}
  std::unique_ptr<UnitExpr> unit;  ///< `: CNY` (rare: a pointer, not 48 bytes in every metric)
  ExprPtr expr;
  std::vector<Attribute> attrs;
};

struct FnDecl : Decl {
  FnDecl() : Decl(DeclKind::kFn) {}
  std::vector<Ident> unit_params;
  std::vector<Param> params;
  std::optional<UnitExpr> result_unit;
  ExprPtr body;
  std::vector<Attribute> attrs;
};

struct GoalItem {
  enum class Kind { kMetric, kPeriod, kGrain, kTarget, kDecompose, kDrill, kAlert, kAttr, kSetting };
  Kind kind = Kind::kMetric;
  Span span;
  Span keyword_span;
  ExprPtr expr;                ///< metric, target, decompose rhs, alert condition
  std::optional<Ident> name;   ///< decompose lhs, grain, `period ... by GRAIN`
  std::vector<Ident> names;    ///< drill dimensions
  std::optional<int64_t> top;  ///< drill ... top N
  std::string text;            ///< alert name; period spec text
  Span text_span;
  std::string period_end;  ///< `period D1 .. D2`
  std::optional<Ident> severity;
  std::optional<std::string> message;
  Attribute attr;  ///< kAttr, kSetting
};

struct GoalDecl : Decl {
  GoalDecl() : Decl(DeclKind::kGoal) {}
  std::vector<GoalItem> items;
};

struct RoleItem {
  QualifiedName source;  ///< empty for `hide`
  bool all = false;
  ExprPtr filter;
  std::vector<QualifiedName> hidden;  ///< `hide SOURCE.COLUMN, ...`
  Span span;
};

struct RoleDecl : Decl {
  RoleDecl() : Decl(DeclKind::kRole) {}
  std::vector<Param> params;
  std::vector<RoleItem> items;
};

struct ReportItem {
  enum class Kind { kGoals, kMetrics, kRole, kChart, kAttr, kSetting };
  Kind kind = Kind::kGoals;
  Span span;
  std::vector<Ident> names;  ///< goals, metrics, role
  ExprPtr expr;              ///< chart
  std::vector<Ident> by;     ///< chart ... by
  std::optional<Ident> as;   ///< chart ... as line
  Attribute attr;
};

struct ReportDecl : Decl {
  ReportDecl() : Decl(DeclKind::kReport) {}
  std::vector<ReportItem> items;
};

/// `expect ...`: a data test (docs/language.md, "Data tests"). Source checks
/// name `source.column` (or `source`) in `subject`; metric checks hold an
/// expression in `expr` (and `other`, the reconciled side).
struct ExpectDecl : Decl {
  ExpectDecl() : Decl(DeclKind::kExpect) {}
  enum class Check { kUnique, kNotNull, kAccepted, kFound, kFresh, kRows, kRange, kReconcile };
  Check check = Check::kUnique;
  QualifiedName subject;        ///< source checks
  std::vector<AttrValue> values;  ///< kAccepted
  QualifiedName target;         ///< kFound: `found in TARGET`
  std::optional<int64_t> count; ///< kFresh: `within N days`
  Span count_span;
  Ident count_unit;             ///< kFresh: `days`
  ExprPtr expr, other;          ///< kRange, kReconcile
  ExprPtr low, high;            ///< kRange bounds; kRows and kReconcile: `high` is the tolerance
  std::vector<Ident> by;        ///< kRange, kReconcile: grain and dimensions
};

// ---- files ---------------------------------------------------------------------------

struct Comment {
  enum class Kind { kLine, kBlock, kDoc };
  Kind kind = Kind::kLine;
  Span span;
};

struct File {
  FileId id = kNoFile;
  std::vector<std::unique_ptr<Decl>> decls;  ///< in source order, package/imports included
  std::vector<Comment> comments;

  const PackageDecl* package() const;
  std::vector<const ImportDecl*> imports() const;
};

/// A stable, indented text dump for `kpic compile --emit ast` and golden tests.
std::string Dump(const File& file, const SourceManager& sm);
std::string DumpExpr(const Expr& e);
/// A 64-bit hash of what DumpExpr prints, without building the text: two
/// formulas with equal DumpExpr have equal hashes (and, but for a 2^-64
/// chance, only they). `kpic check` keeps it when it drops a metric's tree.
uint64_t FormulaHash(const Expr& e);
/// An expectation in canonical text, without `expect` and its label
/// (`orders.order_id unique`): its name in `kpic test` output.
std::string ExpectText(const ExpectDecl& x);

}  // namespace kpic::ast
