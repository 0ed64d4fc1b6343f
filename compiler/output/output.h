// The output writers of `kpic run`: one registry entry per format (table,
// json, csv, html), each a function from the evaluated results to text.
// `main.cc` lists the formats from here; a new format is one file and one
// entry in writers.cc.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "actions/effect.h"
#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic::output {

/// What every writer reads.
struct Context {
  const plan::Plan& plan;
  const engine::Results& results;
  std::string title;   ///< the report's title (html)
  bool color = false;  ///< terminal colours (table)
  /// The run's stamp (driver/stamp.h): the JSON's `stamp`, the HTML's
  /// footer; nullptr for none.
  const nlohmann::ordered_json* stamp = nullptr;
  /// The actions on what the run shows, with their measured effects
  /// (driver/action_effects.h); nullptr or empty for none.
  const std::vector<actions::View>* actions = nullptr;
  /// The terminal's width in columns: the table's sentences are wrapped to
  /// it (its tables are not); 0 for none.
  size_t width = 0;
};

struct Writer {
  std::string_view name;
  std::string_view summary;
  std::string (*render)(const Context&);
};

const std::vector<Writer>& Writers();
const Writer* FindWriter(std::string_view name);
/// "table, json, csv, html", for help and messages.
std::string WriterNames();

// Entries, one per file.
std::string Table(const Context& c);
std::string Json(const Context& c);
std::string Csv(const Context& c);
std::string Html(const Context& c);

/// Where a page's embedded font goes: put the marker inside its <style>,
/// then pass the finished page to WithFont, which replaces the marker with
/// an @font-face of the glyphs the page shows (a subset of an installed CJK
/// font, WOFF2, docs/fonts.md) first in the font stack, or with nothing
/// (and says why on stderr) when no font may be embedded.
inline constexpr std::string_view kFontMarker = "/*kpic-font*/";
std::string WithFont(std::string page);

/// Rows keyed by period and members, with one column per metric (shared by
/// the table and CSV writers).
struct Wide {
  std::vector<std::pair<int64_t, engine::DimTuple>> keys;
  std::vector<std::vector<const engine::Val*>> cells;
  std::vector<engine::Span> spans;  ///< per key: its period's days (partial or whole)
};
Wide Pivot(const engine::Results& r);

/// The forecast rows of --forecast N keyed the same way: one cell per
/// metric (null where a metric has no forecast for the key).
struct WideForecast {
  bool asked = false;  ///< some metric was asked with --forecast
  std::vector<std::pair<int64_t, engine::DimTuple>> keys;
  std::vector<std::vector<const engine::ForecastRow*>> cells;
};
WideForecast PivotForecast(const engine::Results& r);

}  // namespace kpic::output
