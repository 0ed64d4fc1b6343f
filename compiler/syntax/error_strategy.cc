// Syntax error messages written for analysts. ANTLR knows which tokens it
// expected; this file turns that set into words ("an expression", "a name",
// "`=`"), names what it found, says what it came after ("after metric name
// `sales`"), and recognises misspelt keywords ("did you mean `metric`?").
#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <set>

#include <algorithm>

#include "base/suggest.h"
#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

using kpic_gen::KpiLexer;
using kpic_gen::KpiParser;

namespace {

// The generated parser keeps its vocabulary private; each report sets this
// from the parser at hand.
thread_local const antlr4::dfa::Vocabulary* tls_vocabulary = nullptr;

bool IsWordToken(size_t type) { return type == KpiLexer::IDENT || (type >= KpiLexer::AND && type <= KpiLexer::WITH); }

std::string Literal(size_t type) {
  std::string name = tls_vocabulary ? tls_vocabulary->getLiteralName(type) : std::string();
  if (name.size() >= 2 && name.front() == '\'') return name.substr(1, name.size() - 2);
  return {};
}

const std::vector<size_t>& DeclKeywords() {
  static const std::vector<size_t> k = {KpiLexer::PACKAGE, KpiLexer::IMPORT, KpiLexer::DIMENSION, KpiLexer::CALENDAR,
                                        KpiLexer::SOURCE,  KpiLexer::METRIC, KpiLexer::FN,        KpiLexer::GOAL,
                                        KpiLexer::ROLE,    KpiLexer::REPORT, KpiLexer::EXPECT};
  return k;
}

bool IsSoftKeyword(size_t t) { return t >= KpiLexer::PACKAGE && t <= KpiLexer::WITH; }

/// The expected token types, with soft keywords dropped when a name is
/// expected anyway (they are all names too).
std::vector<size_t> Expected(const antlr4::misc::IntervalSet& set) {
  std::vector<size_t> all;
  for (ssize_t t : set.toList()) all.push_back(static_cast<size_t>(t));
  bool has_ident = std::find(all.begin(), all.end(), KpiLexer::IDENT) != all.end();
  if (!has_ident) return all;
  std::vector<size_t> out;
  for (size_t t : all)
    if (!IsSoftKeyword(t)) out.push_back(t);
  return out;
}

bool Has(const std::vector<size_t>& v, size_t t) { return std::find(v.begin(), v.end(), t) != v.end(); }

std::string DescribeType(size_t t) {
  switch (t) {
    case KpiLexer::IDENT:
      return "a name";
    case KpiLexer::STRING:
      return "a string";
    case KpiLexer::INT:
      return "a whole number";
    case KpiLexer::DECIMAL:
      return "a number";
    case KpiLexer::PERCENT:
      return "a percentage";
    case KpiLexer::DATE:
      return "a date";
    case KpiLexer::TIMESTAMP:
      return "a timestamp";
    case antlr4::Token::EOF:
      return "end of file";
    default:
      break;
  }
  std::string lit = Literal(t);
  if (!lit.empty()) return "`" + lit + "`";
  return tls_vocabulary ? tls_vocabulary->getDisplayName(t) : std::string("a token");
}

std::string JoinAlternatives(const std::vector<std::string>& parts) {
  if (parts.empty()) return "something else";
  if (parts.size() == 1) return parts[0];
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

std::string DescribeExpected(const std::vector<size_t>& types) {
  bool decls = std::all_of(DeclKeywords().begin(), DeclKeywords().end(), [&](size_t k) { return Has(types, k); });
  if (decls) return "a declaration (`metric`, `source`, `dimension`, `goal`, ...)";
  if (Has(types, KpiLexer::IDENT) && Has(types, KpiLexer::INT) && Has(types, KpiLexer::LPAREN) &&
      Has(types, KpiLexer::STRING))
    return "an expression";
  if (Has(types, KpiLexer::IDENT) && Has(types, KpiLexer::INT) && Has(types, KpiLexer::STRING)) return "a value";
  std::vector<std::string> parts;
  for (size_t t : types) {
    if (t == antlr4::Token::EOF) continue;
    parts.push_back(DescribeType(t));
  }
  if (parts.size() > 6) {
    parts.resize(5);
    parts.push_back("...");
    std::string out = "one of ";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out;
  }
  return JoinAlternatives(parts);
}

/// The keyword spellings in an expected set, for "did you mean".
std::vector<std::string> KeywordCandidates(const antlr4::misc::IntervalSet& set) {
  std::vector<std::string> out;
  for (ssize_t t : set.toList()) {
    if (t >= static_cast<ssize_t>(KpiLexer::AND) && t <= static_cast<ssize_t>(KpiLexer::WITH)) {
      out.push_back(Literal(static_cast<size_t>(t)));
    }
  }
  return out;
}

/// The kind word of the top-level declaration being parsed, or "".
const char* DeclWord(antlr4::ParserRuleContext* ctx, antlr4::ParserRuleContext** decl_out) {
  for (auto* c = ctx; c != nullptr; c = dynamic_cast<antlr4::ParserRuleContext*>(c->parent)) {
    const char* word = nullptr;
    switch (c->getRuleIndex()) {
      case KpiParser::RuleDimensionDecl:
        word = "dimension";
        break;
      case KpiParser::RuleCalendarDecl:
        word = "calendar";
        break;
      case KpiParser::RuleSourceDecl:
        word = "source";
        break;
      case KpiParser::RuleMetricDecl:
        word = "metric";
        break;
      case KpiParser::RuleFnDecl:
        word = "function";
        break;
      case KpiParser::RuleGoalDecl:
        word = "goal";
        break;
      case KpiParser::RuleRoleDecl:
        word = "role";
        break;
      case KpiParser::RuleReportDecl:
        word = "report";
        break;
      case KpiParser::RuleExpectDecl:
        word = "expectation";
        break;
      case KpiParser::RuleColumnDecl:
        word = "column";
        break;
      default:
        break;
    }
    if (word) {
      *decl_out = c;
      return word;
    }
  }
  *decl_out = nullptr;
  return "";
}

/// "metric name `sales`" when `prev` is the name of the enclosing
/// declaration, otherwise "`prev`".
std::string DescribePrevious(antlr4::Parser* p, antlr4::Token* prev) {
  antlr4::ParserRuleContext* decl = nullptr;
  const char* word = DeclWord(p->getContext(), &decl);
  if (decl && decl->children.size() >= 2) {
    auto* name_ctx = dynamic_cast<antlr4::ParserRuleContext*>(
        decl->children[decl->getRuleIndex() == KpiParser::RuleColumnDecl ? 0 : 1]);
    if (name_ctx && name_ctx->getStart() && name_ctx->getStart()->getTokenIndex() == prev->getTokenIndex() &&
        name_ctx->getStop() == name_ctx->getStart()) {
      return fmt::format("{} name `{}`", word, prev->getText());
    }
  }
  return DescribeToken(prev);
}

bool IsChunkEnd(const antlr4::Token* t, const ChunkInfo& info) {
  return t->getType() == antlr4::Token::EOF && !info.last_chunk;
}

/// `targte sales > 1` inside a goal parses `targte sales` as a free-form
/// setting and then fails at `>`. When the setting just parsed has a name
/// close to a goal or report keyword, the misspelt keyword is the real error.
bool ReportMisspeltSetting(antlr4::Parser* p, ChunkInfo* info) {
  static const std::vector<std::string> kGoalWords = {"metric", "period", "grain",       "target", "decompose", "drill",
                                                      "alert",  "owner",  "description", "label",  "format",    "tags"};
  static const std::vector<std::string> kReportWords = {"goals",       "metrics", "role",   "chart", "owner",
                                                        "description", "label",   "format", "tags"};
  antlr4::ParserRuleContext* ctx = p->getContext();
  if (!ctx || ctx->children.empty()) return false;
  antlr4::tree::TerminalNode* name = nullptr;
  const std::vector<std::string>* words = nullptr;
  if (auto* g = dynamic_cast<KpiParser::GoalSettingContext*>(ctx->children.back())) {
    name = g->IDENT();
    words = &kGoalWords;
  } else if (auto* r = dynamic_cast<KpiParser::ReportSettingContext*>(ctx->children.back())) {
    name = r->IDENT();
    words = &kReportWords;
  }
  if (!name) return false;
  auto suggestion = Suggest(name->getText(), *words);
  if (!suggestion) return false;
  Span span = info->map->TokenSpan(name->getSymbol());
  info->diags->Report(DiagCode::E0102, span, fmt::format("unknown keyword `{}`", name->getText()))
      .Help(fmt::format("did you mean `{}`?", *suggestion))
      .WithFix(span, *suggestion, fmt::format("replace with `{}`", *suggestion))
      .span_label = "not a keyword here";
  return true;
}

/// An error in the rest of an item whose keyword was in its other number
/// (on its line, or the `}` on the next): already said.
bool FollowsOtherNumber(const antlr4::Token* t, const ChunkInfo& info) {
  return info.other_number_line != 0 &&
         (t->getLine() == info.other_number_line ||
          (t->getType() == KpiLexer::RBRACE && t->getLine() == info.other_number_line + 1));
}

/// A keyword in its other number where that one is expected: `metric
/// sales` in a report (`metrics`), `metrics sales` in a goal (`metric`).
/// Where a setting's name may also stand, the misspelt-keyword rule does not
/// apply, and the help was "expected `}` or a name" (new-user probe,
/// 2026-12-07).
/// The token type of keyword `word`, or 0.
size_t KeywordType(const antlr4::dfa::Vocabulary& vocab, const std::string& word) {
  for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type)
    if (vocab.getLiteralName(type) == "'" + word + "'") return type;
  return 0;
}

bool ReportOtherNumber(antlr4::Parser* p, antlr4::Token* found, const antlr4::misc::IntervalSet& expected_set,
                       ChunkInfo* info) {
  if (!IsWordToken(found->getType())) return false;
  // A name (`targets`, `drills`) only where the keyword meant may stand:
  // it is read as the keyword, not as a setting (a second error followed
  // at its `>=`).
  const bool name = found->getType() == KpiLexer::IDENT;
  static const std::vector<std::string> kGoal = {"metric", "period", "target", "drill", "alert"};
  static const std::vector<std::string> kReport = {"goals", "metrics", "chart"};
  // Only where an item starts: in a goal's or a report's block, or an item
  // that just failed at its first word. Inside an expression `targets`
  // may be a column's name (review, 2026-12-07: `max(targets, 1)` read as a
  // misspelt `target`), and outside a block a report that lost its `{`
  // made its `goals g` a goal named g.
  antlr4::ParserRuleContext* ctx = p->getContext();
  antlr4::ParserRuleContext* block = ctx;
  if (block && (dynamic_cast<KpiParser::GoalItemContext*>(block) || dynamic_cast<KpiParser::ReportItemContext*>(block)))
    block = dynamic_cast<antlr4::ParserRuleContext*>(block->parent);
  const bool goal = block && dynamic_cast<KpiParser::GoalDeclContext*>(block);
  const bool report = block && dynamic_cast<KpiParser::ReportDeclContext*>(block);
  if (!goal && !report) return false;
  if (ctx != block && ctx->getStart() != found) return false;  // an item's first word only
  bool opened = false;  // inside the block's `{`
  for (antlr4::tree::ParseTree* child : block->children)
    // (Not one error recovery conjured: a report that lost its `{`.)
    if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child);
        t && !dynamic_cast<antlr4::tree::ErrorNode*>(child) && t->getSymbol()->getType() == KpiLexer::LBRACE &&
        t->getSymbol()->getTokenIndex() != static_cast<size_t>(-1))
      opened = true;
  if (!opened) return false;
  const std::vector<std::string>& items = goal ? kGoal : kReport;
  const std::string w = found->getText();
  for (const std::string& c : items)
    if ((c == w + "s" || w == c + "s") && (!name || expected_set.contains(KeywordType(p->getVocabulary(), c)))) {
      Span span = info->map->TokenSpan(found);
      info->other_number_line = found->getLine();
      // Read on as the keyword meant: error recovery then resumes at it, and
      // parses its item (`metric sales` in a report after `metrics`), where
      // skipping it made the rest of the item a setting and a second error.
      if (auto* wt = dynamic_cast<antlr4::WritableToken*>(found))
        if (size_t type = KeywordType(p->getVocabulary(), c)) wt->setType(type);
      info->diags->Report(DiagCode::E0102, span,
                          name ? fmt::format("unknown keyword `{}`", w) : fmt::format("`{}` is not an item here", w))
          .Help(fmt::format("did you mean `{}`?", c))
          .WithFix(span, c, fmt::format("replace with `{}`", c))
          .span_label = "not an item here";
      return true;
    }
  return false;
}

}  // namespace

std::string DescribeToken(const antlr4::Token* t) {
  if (t->getType() == antlr4::Token::EOF) return "end of file";
  std::string text = t->getText();
  if (text.size() > 40) {
    // Cut on a character's boundary: half a Chinese character is not UTF-8.
    size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  if (t->getType() == KpiLexer::STRING) return "string " + text;
  return "`" + text + "`";
}

namespace {

/// What an analyst used to SQL wrote, and how kpi says it (the parser's own
/// message names only what it expected: probe, 2026-12-06).
/// `period 2026-01 .. 2026-06`: a month where a goal's period takes a year
/// or a range of whole dates (the help said "expected `}` or a name").
std::optional<std::string> PeriodHabit(antlr4::Parser* p, antlr4::Token* t) {
  antlr4::TokenStream* in = p->getTokenStream();
  if (!t || in->index() < 2) return std::nullopt;
  antlr4::Token* prev = in->LT(-1);
  antlr4::Token* before = in->LT(-2);
  if (!prev || !before || before->getType() != KpiLexer::PERIOD) return std::nullopt;
  if (prev->getType() != KpiLexer::INT && prev->getType() != KpiLexer::DATE) return std::nullopt;
  return "a goal's period is a year (`period 2026 by month`) or a range of whole dates, the end excluded "
         "(`period 2026-01-01 .. 2026-07-01 by month` for January to June)";
}

std::optional<std::string> SqlHabit(antlr4::Token* t, antlr4::Token* prev) {
  if (!t) return std::nullopt;
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string x = lower(t->getText()), pv = prev ? lower(prev->getText()) : "";
  if (x == "=") return "compare with `==` (`=` only names a definition): `orders.channel == \"online\"`";
  if (x == ">" && pv == "<") return "write `!=` for \"not equal\"";
  if (x == "[" && pv == "in") return "a list is in round brackets: `x in (\"a\", \"b\")`";
  if (x == "between") return "write the two comparisons: `x >= 10 and x <= 20`";
  if (x == "like" || x == "ilike")
    return "there is no pattern match: compare whole values (`x == \"a\"`, `x in (\"a\", \"b\")`)";
  return std::nullopt;
}

}  // namespace

void KpiErrorStrategy::ReportExpected(antlr4::Parser* p, antlr4::Token* found,
                                      const antlr4::misc::IntervalSet& expected_set) {
  tls_vocabulary = &p->getVocabulary();
  ++info_->errors;
  if (info_->quiet || FollowsOtherNumber(found, *info_)) return;
  if (ReportMisspeltSetting(p, info_)) return;
  const OffsetMap& map = *info_->map;
  std::vector<size_t> expected = Expected(expected_set);
  std::string what = DescribeExpected(expected);
  antlr4::Token* prev = p->getTokenStream()->index() > 0 ? p->getTokenStream()->LT(-1) : nullptr;

  if (ReportOtherNumber(p, found, expected_set, info_)) return;
  // A word where a keyword was expected: probably a misspelt keyword.
  if (IsWordToken(found->getType()) && !Has(expected, KpiLexer::IDENT)) {
    auto candidates = KeywordCandidates(expected_set);
    if (!candidates.empty()) {
      Span span = map.TokenSpan(found);
      auto suggestion = Suggest(found->getText(), candidates);
      if (suggestion) {
        info_->diags->Report(DiagCode::E0102, span, fmt::format("unknown keyword `{}`", found->getText()))
            .Help(fmt::format("did you mean `{}`?", *suggestion))
            .WithFix(span, *suggestion, fmt::format("replace with `{}`", *suggestion))
            .span_label = "not a keyword here";
        return;
      }
      if (Has(expected, KpiLexer::METRIC) && Has(expected, KpiLexer::SOURCE)) {
        auto& d = info_->diags->Report(
            DiagCode::E0102, span,
            fmt::format("unknown keyword `{}`: a declaration starts with a keyword", found->getText()));
        d.span_label = "expected " + what;
        return;
      }
    }
  }

  if (IsChunkEnd(found, *info_) || found->getType() == antlr4::Token::EOF) {
    // Point just after the last real token: that is where something is missing.
    Span span = prev ? map.TokenSpan(prev) : map.TokenSpan(found);
    span.begin = span.end;
    std::string where = IsChunkEnd(found, *info_) ? "before the next declaration" : "before the end of the file";
    std::string after = prev ? " after " + DescribePrevious(p, prev) : "";
    info_->diags->Report(DiagCode::E0107, span, fmt::format("expected {}{} {}", what, after, where)).span_label =
        "the declaration is incomplete";
    return;
  }
  Span span = map.TokenSpan(found);
  std::string after = prev ? " after " + DescribePrevious(p, prev) : "";
  auto& d =
      info_->diags->Report(DiagCode::E0107, span, fmt::format("expected {}{}, found {}", what, after, DescribeToken(found)));
  d.span_label = "expected " + what;
  if (auto habit = SqlHabit(found, prev)) d.Help(*habit);
  if (auto habit = PeriodHabit(p, found)) d.Help(*habit);
}

void KpiErrorStrategy::reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) {
  ReportExpected(p, e.getOffendingToken(), p->getExpectedTokens());
}

void KpiErrorStrategy::reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) {
  ReportExpected(p, e.getOffendingToken(), e.getExpectedTokens());
}

void KpiErrorStrategy::reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) {
  ReportExpected(p, e.getOffendingToken(), p->getExpectedTokens());
}

void KpiErrorStrategy::reportUnwantedToken(antlr4::Parser* p) {
  if (inErrorRecoveryMode(p)) return;
  beginErrorCondition(p);
  tls_vocabulary = &p->getVocabulary();
  if (info_->quiet) {
    ++info_->errors;
    return;
  }
  antlr4::Token* t = p->getCurrentToken();
  if (t->getType() == antlr4::Token::EOF) {
    // Something is missing before the end: say what, not "unexpected end".
    ReportExpected(p, t, getExpectedTokens(p));
    return;
  }
  ++info_->errors;
  if (FollowsOtherNumber(t, *info_)) return;
  if (ReportMisspeltSetting(p, info_)) return;
  antlr4::misc::IntervalSet expected_set = getExpectedTokens(p);
  std::vector<size_t> expected = Expected(expected_set);
  Span span = info_->map->TokenSpan(t);
  if (ReportOtherNumber(p, t, expected_set, info_)) return;
  if (IsWordToken(t->getType()) && !Has(expected, KpiLexer::IDENT)) {
    auto suggestion = Suggest(t->getText(), KeywordCandidates(expected_set));
    if (suggestion) {
      info_->diags->Report(DiagCode::E0102, span, fmt::format("unknown keyword `{}`", t->getText()))
          .Help(fmt::format("did you mean `{}`?", *suggestion))
          .WithFix(span, *suggestion, fmt::format("replace with `{}`", *suggestion))
          .span_label = "not a keyword here";
      return;
    }
  }
  auto& d = info_->diags->Report(DiagCode::E0108, span, fmt::format("unexpected {}", DescribeToken(t)));
  d.Help("expected " + DescribeExpected(expected)).span_label = "not expected here";
  antlr4::Token* prev = p->getTokenStream()->index() > 0 ? p->getTokenStream()->LT(-1) : nullptr;
  if (auto habit = SqlHabit(t, prev)) d.Help(*habit);
  if (auto habit = PeriodHabit(p, t)) d.Help(*habit);
}

void KpiErrorStrategy::sync(antlr4::Parser* p) {
  // Cheap tests first: sync runs before every item of every block.
  antlr4::Token* t = p->getCurrentToken();
  if (!inErrorRecoveryMode(p) && !info_->quiet && IsWordToken(t->getType())) {
    static const std::set<std::string> kOtherNumbers = {"metric", "metrics", "goal",   "goals", "target", "targets",
                                                        "period", "periods", "drill",  "drills", "alert", "alerts",
                                                        "chart",  "charts"};
    if (kOtherNumbers.count(t->getText())) {
      antlr4::misc::IntervalSet expected = getExpectedTokens(p);
      if (t->getType() == KpiLexer::IDENT || !expected.contains(t->getType())) {
        tls_vocabulary = &p->getVocabulary();
        if (ReportOtherNumber(p, t, expected, info_)) ++info_->errors;
      }
    }
  }
  DefaultErrorStrategy::sync(p);
}

void KpiErrorStrategy::reportMissingToken(antlr4::Parser* p) {
  if (inErrorRecoveryMode(p)) return;
  beginErrorCondition(p);
  tls_vocabulary = &p->getVocabulary();
  ++info_->errors;
  if (info_->quiet) return;
  antlr4::Token* t = p->getCurrentToken();
  if (FollowsOtherNumber(t, *info_)) return;
  antlr4::misc::IntervalSet expected_set = getExpectedTokens(p);
  std::string what = DescribeExpected(Expected(expected_set));
  antlr4::Token* prev = p->getTokenStream()->index() > 0 ? p->getTokenStream()->LT(-1) : nullptr;
  Span span = prev ? info_->map->TokenSpan(prev) : info_->map->TokenSpan(t);
  if (prev) span.begin = span.end;
  std::string after = prev ? " after " + DescribePrevious(p, prev) : "";
  std::string found = IsChunkEnd(t, *info_) ? "the next declaration" : DescribeToken(t);
  info_->diags->Report(DiagCode::E0107, span, fmt::format("expected {}{}, found {}", what, after, found)).span_label =
      "expected " + what;
}

}  // namespace kpic::syntax
