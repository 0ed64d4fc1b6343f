// Exports of the unified metric catalog ("indicator center"): the JSON of
// the CLI contract, Markdown and a self-contained HTML page, and the
// lineage tree that `kpic explain METRIC` prints.
#pragma once

#include <string>

#include "driver/session.h"

namespace kpic {

/// The catalog as JSON (the CLI contract's; the same in every language).
std::string CatalogJson(const Session& s);
/// The catalog as Markdown and as one HTML page, every word in `lang`
/// (`zh` or `en`, `kpic catalog --lang`), labels too (`label.en`; a
/// declaration without one shows its main label).
std::string CatalogMarkdown(const Session& s, const std::string& lang);
std::string CatalogHtml(const Session& s, const std::string& lang);

/// The lineage of a metric down to source columns and filters, as a tree.
/// Empty when the metric does not exist.
std::string ExplainLineage(const Session& s, const std::string& metric);

}  // namespace kpic
