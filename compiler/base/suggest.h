// "Did you mean" suggestions: the closest candidate by edit distance, with a
// threshold that scales with the length of the name, as rustc and clang do.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kpic {

/// Damerau-Levenshtein (optimal string alignment) distance over code points.
size_t EditDistance(std::string_view a, std::string_view b);

/// The best candidate within max(1, len/3) edits (case differences are
/// cheap), or nullopt. Ties go to the earliest candidate, so callers list
/// candidates in a stable order.
std::optional<std::string> Suggest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace kpic
