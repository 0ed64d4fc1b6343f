// Edit-distance suggestions for unknown names.
#include "base/suggest.h"

#include <algorithm>
#include <cctype>

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

size_t EditDistance(std::string_view a_text, std::string_view b_text) {
  std::u32string a = Decode(a_text), b = Decode(b_text);
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::optional<std::string> Suggest(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.size() > 256) return std::nullopt;
  std::u32string lower_name = Decode(name);
  for (auto& c : lower_name) c = Lower(c);
  const size_t len = lower_name.size();
  const size_t limit = std::max<size_t>(1, len / 3);
  std::optional<std::string> best;
  size_t best_dist = limit + 1;
  for (const std::string& cand : candidates) {
    if (cand == name || cand.size() > 256) continue;
    std::u32string lc = Decode(cand);
    for (auto& c : lc) c = Lower(c);
    if (lc == lower_name) return cand;  // only case differs
    size_t diff = lc.size() > len ? lc.size() - len : len - lc.size();
    if (diff > limit) continue;
    std::string a, b;
    for (char32_t c : lower_name) AppendUtf8(&a, c);
    for (char32_t c : lc) AppendUtf8(&b, c);
    size_t dist = EditDistance(a, b);
    if (dist < best_dist) {
      best_dist = dist;
      best = cand;
    }
  }
  return best;
}

}  // namespace kpic
