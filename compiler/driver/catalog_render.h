// What the catalog's Markdown and HTML renderers share (internal to the
// driver): the catalog as one JSON document (catalog_export.cc) and the
// helpers that read it: names to anchors, lineage trees, the sentences of
// the page's head, and the words of the catalog in its language
// (`kpic catalog --lang zh|en`).
#pragma once

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "driver/session.h"
#include "output/words.h"

namespace kpic::catalog {

using nlohmann::json;

/// The catalog as one document: the JSON of the CLI contract. Markdown and
/// HTML render it, so that the three formats never disagree.
json Document(const Session& s);

using output::Tr;

/// `fmt::format` of the pattern in the catalog's language.
template <typename... Args>
std::string Say(const std::string& lang, const char* en, const char* zh, Args&&... args) {
  return fmt::format(fmt::runtime(Tr(lang, en, zh)), std::forward<Args>(args)...);
}

std::string Str(const json& j);
std::string Lower(std::string s);

/// The words a search matches an entry by: its name, labels, owner, tags,
/// description, approver, status, definition (lower case; Chinese as written).
std::string SearchText(const json& e);

/// An entry's label in `lang`: its `labels[lang]`, else its main label
/// (`label_key`), else "".
std::string LabelIn(const json& e, const std::string& lang, const char* label_key = "label");

/// A metric's unit for people, as the presentation layer shows its numbers:
/// a metric shown as a percentage has `%` (`%（百分比）` in zh), not its
/// unit `1`; other units as written (`CNY`, `order`, `hour`).
std::string UnitShown(const json& m, const std::string& lang);
/// Whether UnitShown is a unit as written (shown as code) rather than words.
bool UnitIsCode(const json& m);

/// A metric's additivity for people: `additive` / `可加`; "?" when unknown.
std::string AdditivityWord(const json& m, const std::string& lang);

/// A metric's status for people: `approved` / `已批准`; "" for none.
std::string StatusWord(const json& m, const std::string& lang);

/// Where an entry is: `#m-sales` in HTML, `#sales` / `#source-orders` in Markdown.
struct Anchors {
  std::map<std::string, std::string> source_by_name;  ///< `orders` and `retail:orders` -> key
  /// (source key, column) -> the source key its `references` looks up.
  std::map<std::pair<std::string, std::string>, std::string> lookups;
  /// The source holding the column a path reads: `orders.product_id.unit_cost`
  /// is a column of `products`, reached from `orders`.
  std::string ColumnHome(const std::string& path) const;
  std::string Html(const std::string& kind, const std::string& name) const;
  std::string Md(const std::string& kind, const std::string& name) const;
};
Anchors MakeAnchors(const json& doc);

/// The source of a column path `orders.product_id.unit_cost`.
std::string ColumnSource(const std::string& col);

/// A metric's lineage as a tree: the metrics it names (each with its own
/// tree, once; a metric met again is marked "see above") and the columns its
/// own formula reads.
struct TreeNode {
  std::string kind, name, label;  ///< kind: metric, rows or column
  bool repeated = false;
  std::vector<TreeNode> children;
};
TreeNode LineageTree(const std::map<std::string, const json*>& metrics, const std::string& name,
                     const std::string& lang, std::set<std::string>* expanded, int depth = 0);

std::string Where(const json& loc);
/// `3 sources · 4 dimensions · ...` / `3 个数据源 · ...`.
std::string Counts(const json& doc, const std::string& lang);
/// The calendar and the packages' settings, in a sentence each (plain text).
std::string Settings(const json& doc, const std::string& lang);
std::map<std::string, const json*> MetricIndex(const json& doc);

}  // namespace kpic::catalog
