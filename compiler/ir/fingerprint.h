// Definition fingerprints: a hash of what a metric means, and of nothing
// else. It covers the resolved formula and everything it depends on, through
// every level (the metrics it reads, inlined; the columns it reads, with
// their types, units, headers and how the data spells them; the lookups on
// the way; the calendar that buckets periods). Names of the metric itself,
// labels, comments, formatting, `format` patterns and owners do not enter
// it. docs/language.md ("Fingerprints") lists what is normalised as equal.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ir/ir.h"

namespace kpic::ir {

/// The canonical text a metric's fingerprint hashes (for tests and `kpic
/// diff`): equal texts, equal meaning.
std::string CanonicalMetric(const Module& m, int metric);

/// The fingerprint of metric `metric`: 32 hex digits (XXH3, 128 bits) of
/// its canonical text; "" when the metric has an error.
std::string MetricFingerprint(const Module& m, int metric);

/// Fingerprints of many metrics of one module: what the metrics share
/// (sources, columns, the calendar, metrics read by others) is made
/// canonical once. Gives the same texts and fingerprints as the functions
/// above. The module must not change while it is used.
class MetricFingerprints {
 public:
  explicit MetricFingerprints(const Module& m);
  ~MetricFingerprints();
  MetricFingerprints(const MetricFingerprints&) = delete;
  MetricFingerprints& operator=(const MetricFingerprints&) = delete;
  std::string Canonical(int metric);
  std::string Of(int metric);
  /// The 128 bits that Of() shows in hex; none where Of() gives "".
  struct Digest {
    uint64_t high = 0, low = 0;
    bool operator==(const Digest&) const = default;
  };
  std::optional<Digest> DigestOf(int metric);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The fingerprint of a goal: its metric, target, period, grain, phasing,
/// allocation, drills, decompositions and alerts (not its label, owner or
/// the alerts' names).
std::string GoalFingerprint(const Module& m, const Goal& g);

/// The metrics expression `node` reads, directly or through other metrics.
void MetricsUnder(const Module& m, int node, std::set<int>* out);

/// The sources whose columns expression `node` reads, through every metric.
void SourcesUnder(const Module& m, int node, std::set<int>* out);

/// The fingerprint of a breakdown by `dim` (`--by`, a drill) over
/// `sources`: which column each source reaches it by, through its lookups.
std::string BreakdownFingerprint(const Module& m, const std::string& dim, const std::set<int>& sources);

/// The fingerprint of a role's rules: its parameters, row filters and
/// hidden columns (what it lets an output see).
std::string RoleFingerprint(const Module& m, const Role& r);

/// 32 hex digits of XXH3-128 of `text`.
std::string Hash128(const std::string& text);

}  // namespace kpic::ir
