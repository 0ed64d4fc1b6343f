// The checked IR: what the checker (sema/) hands to every later stage.
// Every name is resolved once, here: a node refers to a source, a column
// path through lookups, a metric, a role parameter or a builtin by index
// or enum, never by a name to look up again. Every node carries its type
// (value type and decimal scale, unit, level, additivity, the source of its
// rows) and the conversions its operands need, so the lowering, the
// language server's hover and `kpic explain` read facts instead of
// re-deriving them. Calls of user functions are instantiated: a parameter
// stands for the argument's node, which may be shared (the IR is a DAG).
//
// The IR holds no pointer into the AST; spans locate nodes for messages.
#pragma once

#include <cstddef>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/compact_vec.h"
#include "base/name_set.h"
#include "base/source_manager.h"
#include "builtins/builtins.h"
#include "calendar.h"
#include "ir/unit.h"

namespace kpic::ir {

/// How a metric rolls up. Non-additive metrics (ratios, averages, distinct
/// counts, percentiles) are recomputed from their parts at every grain,
/// never summed; semi-additive ones (balances) are summed across dimensions
/// but rolled up over time by their column's `rollup` rule.
enum class Additivity : uint8_t { kAdditive, kSemiAdditive, kNonAdditive };
const char* AdditivityName(Additivity a);

/// Value types of rows and constants. Metric-level values are numbers
/// whose exactness is decided per period at evaluation.
enum class VT : uint8_t { kNull, kBool, kInt, kFloat, kDecimal, kString, kDate, kTimestamp };
const char* VTName(VT t);

/// Where an expression is evaluated: a constant, once per row of one
/// source (inside an aggregate), or once per output row (a metric).
enum class Level : uint8_t { kConst, kRow, kMetric };

using rt::Grain;

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };
enum class UnaryOp : uint8_t { kNeg, kNot };
const char* BinaryOpText(BinaryOp op);

/// A value type with its decimal scale.
struct Scalar {
  VT vt = VT::kNull;
  int scale = 0;
  bool operator==(const Scalar& o) const { return vt == o.vt && (vt != VT::kDecimal || scale == o.scale); }
  bool operator!=(const Scalar& o) const { return !(*this == o); }
};

struct Type {
  Scalar scalar;
  Unit unit;
  Level level = Level::kConst;
  Additivity additivity = Additivity::kAdditive;
  int source = -1;  ///< row level: the source whose rows it reads
};

enum class Kind : uint8_t {
  kLiteral,  ///< a constant: `exact`/`exact_scale` for exact numbers, `f` for floats, `text` for strings,
             ///< `exact` as days (date) or microseconds (timestamp), `exact` 0/1 for bools
  kColumn,   ///< `source` and `path`: column indices from the source through `references`
  kRows,     ///< the rows of `source` (`count(orders)`)
  kParam,    ///< a role parameter (`param` indexes the role's parameters)
  kMetric,   ///< a metric (`metric` indexes Module::metrics)
  kUnary,    ///< `unary` args[0]
  kBinary,   ///< args[0] `binary` args[1]
  kIsNull,   ///< args[0] is [not] null (`negated`)
  kIn,       ///< args[0] [not] in (args[1..]), all literals
  kWhere,    ///< args[0] where args[1]
  kCall,     ///< a builtin function or aggregate `fn` over args
  kMethod,   ///< a builtin method `fn`: args[0] is the metric, then its arguments; a re-aggregation
             ///< `avg(m by G, D...)` is the method `fn` (kReaggAvg...) with args {m, G} ({m} without
             ///< a grain: the context's own periods) and `dims` D
  kMember,   ///< a period member `fn` (previous, last_year, target) of args[0]
  kSymbol,   ///< a symbolic argument: a grain or period (`grain`, `text`), a currency (`text`),
             ///< a source (`source`), a duration (`exact` units of `grain`)
  kForecast, ///< `forecast.FIELD` in a goal's alert: `text` is the field (ir::kForecastFields)
};

/// The fields of `forecast` in a goal's alert, in the order of the values
/// the evaluator holds: the probability of meeting the target, then the
/// forecast of the compared quantity at the goal's end and its intervals.
inline constexpr const char* kForecastFields[] = {"probability", "value", "lo80", "hi80", "lo95", "hi95"};
inline constexpr int kForecastFieldCount = 6;

/// A node's text (a string literal, a symbol's word, a forecast field),
/// interned for the process: a node keeps its 4-byte number where a
/// std::string took 32 bytes of every node. The texts are few and short
/// (a long-running language server keeps each distinct one it has seen).
uint32_t InternNodeText(std::string_view text);
const std::string& NodeTextOf(uint32_t id);

/// An IR node. A package of 80,000 metrics holds over half a million:
/// the small fields come first, the lists are one pointer each
/// (CompactVec), the text is a number (InternNodeText), and the store
/// keeps them in chunks (NodeStore).
struct Node {
  Kind kind = Kind::kLiteral;
  builtins::Fn fn = builtins::Fn::kSum;
  BinaryOp binary = BinaryOp::kAdd;
  UnaryOp unary = UnaryOp::kNeg;
  bool negated = false;
  bool is_exact = true;  ///< numbers: whether `exact` holds the value (a row reads `f` when its scalar is float)
  bool percent = false;  ///< a literal written as a percentage (`8%`)
  Type type;
  Span span;
  int exact_scale = 0;  ///< literals; kMethod `.sum`: the places of the sum (-1: a float)
  // References.
  int source = -1;  ///< kColumn, kRows, kSymbol of a source
  int metric = -1;  ///< kMetric
  int param = -1;   ///< kParam
  std::optional<Grain> grain;  ///< kSymbol: a grain (or `previous` as nullopt with text "previous")
  uint32_t text_id = 0;        ///< text(): in the padding before the lists (0: "")
  CompactVec<int> args;
  /// Per argument, the scalar it is converted to before the operation
  /// (decided by the checker); empty when no argument is converted.
  CompactVec<Scalar> conv;
  CompactVec<int> path;  ///< kColumn
  /// kMethod re-aggregations over dimensions: `avg(m by day, store)` has
  /// `store` here (the output's breakdown plus these, per grain period).
  CompactVec<std::string> dims;
  // Literals and symbols.
  double f = 0;
  __int128 exact = 0;

  const std::string& text() const { return NodeTextOf(text_id); }
  void set_text(std::string_view text) { text_id = InternNodeText(text); }

  /// The scalar argument `i` is converted to.
  template <class Nodes>
  Scalar Conv(size_t i, const Nodes& nodes) const {
    return i < conv.size() ? conv[i] : nodes[static_cast<size_t>(args[i])].type.scalar;
  }
};
static_assert(sizeof(Node) <= 128, "an IR node must stay within two cache lines");

/// The IR's nodes, in chunks that never move: a node's address is stable
/// as the checker adds more (a vector's regrowth moved them all, about a
/// sixth of checking a large package), and unlike std::deque's 512-byte
/// blocks a chunk wastes no space at the end. A chunk is 8 nodes (1 KiB):
/// small enough to fill the holes that `kpic check` leaves when it frees a
/// metric's formula tree (CheckInput::check_only), where 32 KiB chunks took
/// fresh memory (the 10 MB package's peak RSS was 10 MB higher).
class NodeStore {
 public:
  static constexpr size_t kChunk = 8;
  NodeStore() = default;
  NodeStore(const NodeStore& o) {
    for (const Node& n : o) push_back(n);
  }
  NodeStore(NodeStore&& o) noexcept : chunks_(std::move(o.chunks_)), size_(std::exchange(o.size_, 0)) {}
  NodeStore& operator=(const NodeStore& o) {
    if (this != &o) {
      NodeStore copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  NodeStore& operator=(NodeStore&& o) noexcept {
    if (this != &o) {
      clear();
      chunks_ = std::move(o.chunks_);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ~NodeStore() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // A bad index (a node of -1 read on an error path) is an internal error,
  // never a read or write of memory outside the store.
  Node& operator[](size_t i) { return i < size_ ? chunks_[i / kChunk].get()[i % kChunk] : OutOfRange(i); }
  const Node& operator[](size_t i) const { return i < size_ ? chunks_[i / kChunk].get()[i % kChunk] : OutOfRange(i); }
  Node& back() { return (*this)[size_ - 1]; }
  const Node& back() const { return (*this)[size_ - 1]; }
  void push_back(const Node& n) { new (Slot()) Node(n), ++size_; }
  void push_back(Node&& n) { new (Slot()) Node(std::move(n)), ++size_; }
  void clear() {
    for (size_t i = 0; i < size_; ++i) (*this)[i].~Node();
    size_ = 0;
    chunks_.clear();
  }

  template <class S, class N>
  class Iter {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Node;
    using difference_type = std::ptrdiff_t;
    using pointer = N*;
    using reference = N&;
    Iter(S* s, size_t i) : s_(s), i_(i) {}
    N& operator*() const { return (*s_)[i_]; }
    N* operator->() const { return &(*s_)[i_]; }
    Iter& operator++() { return ++i_, *this; }
    Iter operator++(int) { Iter t = *this; ++i_; return t; }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }

   private:
    S* s_;
    size_t i_;
  };
  using iterator = Iter<NodeStore, Node>;
  using const_iterator = Iter<const NodeStore, const Node>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  struct Raw {
    void operator()(Node* p) const { ::operator delete(p); }
  };
  [[noreturn]] static Node& OutOfRange(size_t i) {
    throw std::logic_error("IR node " + std::to_string(static_cast<long long>(i)) + " out of range");
  }
  Node* Slot() {
    if (size_ == chunks_.size() * kChunk)
      chunks_.emplace_back(static_cast<Node*>(::operator new(kChunk * sizeof(Node))));
    return chunks_[size_ / kChunk].get() + size_ % kChunk;
  }
  std::vector<std::unique_ptr<Node, Raw>> chunks_;
  size_t size_ = 0;
};

// ---- the catalog's declarations, resolved --------------------------------------------

struct Column {
  std::string name;
  std::string header;  ///< the name in the data (the declared header, else the name)
  Scalar scalar;
  Unit unit;
  bool key = false, time = false;
  std::string entity;     ///< `entity customer`
  std::string dimension;  ///< `-> store`
  int references = -1;    ///< the source a `references` column looks up
  std::string rollup;     ///< balances: last first avg min max
  std::string label;
  Span span;
};

/// Where a source's rows are, as declared (`--bind` may override it).
struct Binding {
  std::string kind;  ///< csv sqlite postgres (postgresql is spelled postgres), or what was written
  std::string location;  ///< the path or URI: the first positional argument, or `path:` / `uri:`
  std::string table;     ///< sqlite and postgres: `table:`, else the source's name; with `schema.` when given
  std::string base_dir;  ///< the folder of the .kpi file, for relative paths
  // CSV options.
  std::string delimiter, quote, header, date_format, timestamp_format;
  std::vector<std::string> nulls;
  Span span;
};

struct Source {
  std::string key;  ///< "package:name"
  std::string name, package, label;
  std::vector<Column> columns;
  int time_column = -1;
  int key_column = -1;
  std::optional<Binding> binding;
  bool stdlib = false;  ///< declared by the standard library
  Span span;
  /// The column named `name`, or -1.
  int ColumnIndex(const std::string& name) const;
};

/// A declaration's labels in other languages: `label.en "Net sales"` is
/// {"en", "Net sales"} (the main label is `label`).
using Labels = std::map<std::string, std::string>;
/// The label to show in language `lang`: its `label.<lang>`, else the main
/// label, else the name.
const std::string& LabelIn(const std::string& name, const std::string& label, const Labels& labels,
                           const std::string& lang);

struct Dimension {
  std::string name, label, package;
  Labels labels;  ///< `label.en "Region"` in its block
  VT vt = VT::kString;
  Span span;
};

struct Calendar {
  int week_start = 0;    ///< 0 = Monday
  int fiscal_start = 1;  ///< month the fiscal year starts
  std::string time_zone;
  int pattern[3] = {0, 0, 0};  ///< a retail calendar's weeks per month of a quarter (rt::Calendar)
  /// `working_days SOURCE`: the source listing holidays and make-up working
  /// days, its `time` date column and its boolean column (true: worked).
  int work_source = -1, work_time = -1, work_flag = -1;
};

/// One per metric (80,000 in a large package): the small fields share the
/// padding after the span.
struct Metric {
  std::string name, label, package;
  Labels labels;
  std::string format;  ///< the `format` pattern (checked), or empty
  Unit unit;
  NameSet sources;     ///< source keys read, directly or through other metrics
  NameSet dimensions;  ///< dimensions every source under it has
  NameSet depends_on;
  int root = -1;
  Span span;
  bool ok = false;  ///< false when its formula has an error (then `root` is -1)
  bool percent = false;
  Additivity additivity = Additivity::kAdditive;
  bool has_time = true;
};

struct Goal {
  std::string name, label, owner, package;
  Labels labels;
  int metric = -1;          ///< node: the goal's metric expression
  std::string metric_name;  ///< when it is a plain metric name
  // `target LHS CMP RHS`
  int target_lhs = -1, target_rhs = -1;
  std::string cmp;  ///< == != < <= > >=, empty without a target
  Span target_span;
  std::string phasing;
  std::string allocate;  ///< `allocate last_year`: members' shares of an absolute target
  std::optional<double> at_risk;
  std::optional<Grain> grain;
  std::optional<int32_t> from_day, to_day;  ///< the `period`, as days [from, to)
  struct Decomposition {
    std::string name;     ///< the metric decomposed
    int value = -1;       ///< node: the metric
    int rhs = -1;         ///< node: the identity's right side
    std::string formula;  ///< as written
    enum class Kind : uint8_t { kAdditive, kMultiplicative, kOther } kind = Kind::kOther;
    struct Term {
      std::string text;
      int node = -1;
      int sign = 1;  ///< additive: +1 / -1; multiplicative: exponent
    };
    std::vector<Term> terms;
    int item = 0;  ///< its position among the goal's items
  };
  std::vector<Decomposition> decompositions;
  std::vector<std::string> drills;
  std::vector<int> drill_items;  ///< per drill dimension, its item's position
  std::optional<int64_t> drill_top;
  struct Alert {
    std::string name, severity, message;
    int cond = -1;   ///< node (bool)
    int value = -1;  ///< node: the compared side, for the report
    Span span;
  };
  std::vector<Alert> alerts;
  Span span;
};

struct Role {
  std::string name, label, package;
  struct Param {
    std::string name;
    Scalar scalar;
  };
  std::vector<Param> params;
  struct Item {
    int source = -1;
    bool all = false;
    int filter = -1;  ///< node (bool), or -1
  };
  std::vector<Item> items;
  struct Hidden {
    int source = -1, column = -1;
    Span span;
  };
  std::vector<Hidden> hidden;  ///< `hide SOURCE.COLUMN`
  /// Whether the role hides column `column` of source `source`.
  bool Hides(int source, int column) const;
  Span span;
};

struct Report {
  std::string name, title, package;
  std::vector<std::string> goals, metrics;
  std::string role;
  Span role_span;  ///< the `role` line's name
  struct Chart {
    int node = -1;
    std::string formula;  ///< as written
    std::string metric;   ///< when it is a plain metric name
    std::string kind;     ///< line bar area pie table scorecard waterfall
    std::optional<Grain> grain;
    std::vector<std::string> by;
    std::string text;  ///< as written, to name it: `sales by brand as bar`
    Span span;         ///< the `chart` line
  };
  std::vector<Chart> charts;
  Span span;
};

/// `expect ...`: a data test, checked (docs/language.md, "Data tests").
struct Expectation {
  enum class Check : uint8_t { kUnique, kNotNull, kAccepted, kFound, kFresh, kRows, kRange, kReconcile };
  Check check = Check::kUnique;
  std::string text;   ///< canonical text without `expect`: its name in `kpic test`'s output
  std::string label;  ///< the optional label, or empty
  std::string package;
  std::string file;   ///< where it is declared, for the output
  int line = 0;
  // Source checks.
  int source = -1;  ///< index in Module::sources
  int column = -1;  ///< kUnique kNotNull kAccepted kFound: the column
  int target = -1;  ///< kFound: the referenced source (the column's `references`)
  /// kAccepted: the accepted values, as written (strings unescaped), of
  /// the column's type.
  std::vector<std::string> values;
  int64_t days = 0;  ///< kFresh: the largest allowed lag
  // Metric checks: expressions (nodes), their grain and breakdown.
  int expr = -1, other = -1;
  std::string formula, other_formula;  ///< the expressions as written
  std::optional<Grain> grain;
  std::vector<std::string> by;
  bool percent = false;  ///< the checked expression is a percentage (values shown as such)
  /// kRange: the bounds; kRows and kReconcile: the tolerance in `high`,
  /// relative (a fraction) when `relative`, else in the compared unit.
  double low = 0, high = 0;
  bool relative = false;
  std::string low_text, high_text;  ///< as written (`0%`, `20%`)
  Span span;
};

struct Module {
  NodeStore nodes;
  std::vector<Source> sources;
  std::vector<Dimension> dimensions;
  Calendar calendar;
  std::vector<Metric> metrics;
  std::vector<Goal> goals;  ///< the user's goals (not the standard library's)
  std::vector<Role> roles;
  std::vector<Report> reports;
  std::vector<Expectation> expectations;  ///< the user's `expect` declarations
  /// `languages "zh", "en"` of the user's packages, in order (the first is
  /// the language of main labels); empty when none declares it.
  std::vector<std::string> languages;

  const Node& node(int i) const { return nodes[static_cast<size_t>(i)]; }
  const Source* FindSource(const std::string& key) const;
  const Dimension* FindDimension(const std::string& name) const;
  /// How source `source` reaches dimension `dim`: the columns from it
  /// through `references` (at most 4 lookups), as (source, column) pairs,
  /// the last one mapped to `dim`. False when it cannot.
  bool DimPath(int source, const std::string& dim, std::vector<std::pair<int, int>>* path, int depth = 0) const;
  int MetricIndex(const std::string& name) const;
  const Goal* FindGoal(const std::string& name) const;
  const Role* FindRole(const std::string& name) const;
  const Report* FindReport(const std::string& name) const;

  std::map<std::string, int> source_index, metric_index;
};

/// The column that role `r` hides and that reading `path` (column indices
/// from source `source` through `references`) reads, as (source, column),
/// or (-1, -1). The value read is the path's last column; the lookups on
/// the way only find the row. A key and the references to it hold the same
/// value: reading one reads the other (`orders.product_id.pid` reads
/// `orders.product_id`; hiding `products.pid` hides `orders.product_id`).
std::pair<int, int> HiddenRead(const Module& m, const Role& r, int source, const std::vector<int>& path);

/// Whether expression `node` adds or subtracts a fixed number other than
/// zero (`sales.last_year + 2000 CNY`, `1.1 * (sales.last_year - 500
/// CNY)`): of an amount, that number is the company's, which neither a
/// member nor a partial period takes whole.
bool AddsFixedNumber(const Module& m, int node);

/// A stable text dump of an expression, for messages and golden tests.
std::string DumpNode(const Module& m, int node);
/// `.previous`, `.last_year`, `.change`, `growth`, `.rolling`, `.zscore`:
/// an operator that compares a period with others (null at grain `all`).
bool IsPeriodOperator(const Node& n);
/// A change, a growth or a share (`sales.change(month)`, `growth(sales,
/// last_year)`, `share(sales)`) at the root of an expression of unit 1: a
/// ratio people read in percent, shown as one.
bool ReadsAsPercent(const Node& root);
/// The first period operator in expression `node`, through the metrics it
/// reads, or nullptr.
const Node* FindPeriodOperator(const Module& m, int node);
/// Whether expression `node` is an amount: a sum, a balance or a count of
/// distinct members, whose parts add up to the whole (so that a fixed
/// number for it is the company's). A level (an average, a rate) is not.
bool IsAmount(const Module& m, int node);
/// Whether a goal's alert compares an amount with a fixed number other
/// than zero (`sales < 120000 CNY`), anywhere in its condition: the
/// company's threshold, which no member or part of the rows is measured
/// against (W0011, W0713). `amounts`, when given, gets the amounts compared.
bool AlertComparesFixedAmount(const Module& m, const Goal& g, const Goal::Alert& a,
                              std::vector<int>* amounts = nullptr);
/// What values expression `node` can take, by its construction (never by
/// the data): a count is at least 0, and a count of a subset of what its
/// denominator counts over it (`count(o where o.returned) / count(o)`,
/// `count_distinct(c where r) / count_distinct(c)`) is between 0 and 1. A
/// forecast's values and intervals are kept inside them.
struct ValueRange {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
};
ValueRange RangeOf(const Module& m, int node);

/// A numeric literal's value (a percentage as a fraction), NaN for any
/// other node.
double LiteralValue(const Node& n);

}  // namespace kpic::ir
