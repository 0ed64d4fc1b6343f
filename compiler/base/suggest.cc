// Edit-distance suggestions for unknown names.
#include "base/suggest.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "base/utf8.h"

namespace kpic {
namespace {

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    i += DecodeUtf8(s, i, &cp);
    out.push_back(cp);
  }
  return out;
}

char32_t Lower(char32_t c) { return c < 128 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c; }

}  // namespace

namespace {

/// Optimal string alignment distance over code points, three rolling rows
/// (no allocation once `rows` is large enough). Stops early, returning a
/// value above `bound`, once every entry of a row exceeds `bound`: the
/// distance can only grow from there.
size_t Distance(std::u32string_view a, std::u32string_view b, size_t bound, std::vector<size_t>* rows) {
  // What both start or end with costs nothing (a transposition there would
  // cost as much as two edits that keep it): 2,000 metrics named by 240
  // `a`s and eight digits took 12 s of suggestions (hang probe, 2026-12-07).
  while (!a.empty() && !b.empty() && a.front() == b.front()) a.remove_prefix(1), b.remove_prefix(1);
  while (!a.empty() && !b.empty() && a.back() == b.back()) a.remove_suffix(1), b.remove_suffix(1);
  const size_t n = a.size(), m = b.size();
  if (n > m ? n - m > bound : m - n > bound) return bound + 1;
  rows->assign(3 * (m + 1), 0);
  size_t* prev2 = rows->data();
  size_t* prev = prev2 + (m + 1);
  size_t* cur = prev + (m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > bound) return bound + 1;
    size_t* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

}  // namespace

size_t EditDistance(std::string_view a_text, std::string_view b_text) {
  std::vector<size_t> rows;
  return Distance(Decode(a_text), Decode(b_text), std::numeric_limits<size_t>::max() - 1, &rows);
}

std::optional<std::string> Suggest(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.size() > 256) return std::nullopt;
  std::u32string lower_name = Decode(name);
  for (auto& c : lower_name) c = Lower(c);
  const size_t len = lower_name.size();
  const size_t limit = std::max<size_t>(1, len / 3);
  std::optional<std::string> best;
  size_t best_dist = limit + 1;
  std::u32string lc;
  std::vector<size_t> rows;
  for (const std::string& cand : candidates) {
    if (cand == name || cand.size() > 256) continue;
    // A code point takes 1 to 4 bytes: a length test on bytes first, which
    // rules out most of a long list without decoding it.
    if (cand.size() + limit < len || cand.size() > 4 * (len + limit)) continue;
    lc.clear();
    for (size_t i = 0; i < cand.size();) {
      uint32_t cp;
      i += DecodeUtf8(cand, i, &cp);
      lc.push_back(Lower(cp));
    }
    if (lc == lower_name) return cand;  // only case differs
    size_t diff = lc.size() > len ? lc.size() - len : len - lc.size();
    if (diff > limit) continue;
    // Only a distance below the best so far matters (ties keep the earlier).
    size_t dist = Distance(lower_name, lc, best_dist - 1, &rows);
    if (dist < best_dist) {
      best_dist = dist;
      best = cand;
    }
  }
  return best;
}

}  // namespace kpic
