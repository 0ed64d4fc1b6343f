// Exports of the unified metric catalog ("indicator center"): the JSON of
// the CLI contract, Markdown and a self-contained HTML page, and the
// lineage tree that `kpic explain METRIC` prints.
#pragma once

#include <string>

#include "driver/session.h"

namespace kpic {

std::string CatalogJson(const Session& s);
std::string CatalogMarkdown(const Session& s);
std::string CatalogHtml(const Session& s);

/// The lineage of a metric down to source columns and filters, as a tree.
/// Empty when the metric does not exist.
std::string ExplainLineage(const Session& s, const std::string& metric);

}  // namespace kpic
