// The HTML report's own script (`kpic run --format html`): small,
// hand-written, no library, allowed by its SHA-256 in the page's CSP
// (output/csp.h). The page is complete without it; it only adds behaviour:
//
//   - sortable tables: every table header becomes a button (aria-sort on
//     its <th>); numbers sort by the exact value in a cell's data-v, text
//     by its words; empty and "—" cells sort last either way;
//   - drill-through: a member of a drill-down table (a cell with data-m)
//     opens that member's own trend, targets, change and alerts, read from
//     the page's <script type="application/json" id="kpic-members">;
//   - a period range per goal: "from … to …" above a trend table (a table
//     with data-periods) hides the other periods' rows, and a member's
//     trend table follows its goal's range;
//   - before printing, every <details> is opened (the print stylesheet
//     hides the controls).
//
// The page's hooks (html.cc writes them; browser tests may rely on them):
// td[data-v] exact values; td[data-m=gGdDmK] a drill member whose data is
// #kpic-members["gGdDmK"]; table[data-periods=gG] a goal's period table,
// its rows tr[data-p=I]; tr.total a row that stays last. The script adds
// th > button.sortb with th[aria-sort], td > button.member[aria-expanded],
// section.mpanel[data-for=ID] after the table, div.ui.range with two
// <select>s before a period table, and class `js` on <html>.
#pragma once

#include <string_view>

namespace kpic::output {

/// The script's text, exactly as it is put between <script> and </script>.
std::string_view ReportScript();

/// The style of what the script adds (sort buttons, member panels, the
/// period range) and the print stylesheet (A4, controls hidden, folded
/// parts open, no table or chart split across pages where avoidable).
std::string_view ReportStyle();

}  // namespace kpic::output
