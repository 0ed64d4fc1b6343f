// TZif (RFC 8536) reading: the version 2+ body with 64-bit transition times.
#include "timezone.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kpic::rt {

namespace {

int64_t Be(const unsigned char* p, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) v = static_cast<int32_t>(static_cast<uint32_t>(v));
  return v;
}

std::optional<int32_t> ParseFixed(const std::string& s) {
  if (s == "UTC" || s == "Z" || s == "Etc/UTC" || s == "GMT") return 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  for (int i : {1, 2, 4, 5})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
}

}  // namespace

TimeZone TimeZone::Fixed(int32_t offset_seconds) {
  TimeZone z;
  z.initial_ = offset_seconds;
  return z;
}

std::optional<TimeZone> TimeZone::Load(const std::string& name, std::string* error) {
  if (auto fixed = ParseFixed(name)) {
    TimeZone z = Fixed(*fixed);
    z.name_ = name;
    return z;
  }
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') {
    *error = "not a time zone name";
    return std::nullopt;
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string data = buf.str();
  auto bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!in || data.size() < 44 || std::memcmp(bytes, "TZif", 4) != 0) {
    *error = "no such time zone (looked for " + path + ")";
    return std::nullopt;
  }
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Be(bytes + at + 20 + 4 * i, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (bytes[4] < '2' || data.size() < v1 + 44) {
    *error = "unsupported TZif file " + path;
    return std::nullopt;
  }
  counts(v1, c);
  size_t at = v1 + 44;
  size_t need = at + c[3] * 9 + c[4] * 6;
  if (data.size() < need || c[4] == 0) {
    *error = "truncated TZif file " + path;
    return std::nullopt;
  }
  TimeZone z;
  z.name_ = name;
  std::vector<int32_t> type_offsets(static_cast<size_t>(c[4]));
  for (int64_t i = 0; i < c[4]; ++i) type_offsets[i] = static_cast<int32_t>(Be(bytes + at + c[3] * 9 + i * 6, 4));
  z.initial_ = type_offsets[0];
  for (int64_t i = 0; i < c[3]; ++i) {
    z.transitions_.push_back(Be(bytes + at + i * 8, 8));
    unsigned idx = bytes[at + c[3] * 8 + i];
    if (idx >= type_offsets.size()) {
      *error = "corrupt TZif file " + path;
      return std::nullopt;
    }
    z.offsets_.push_back(type_offsets[idx]);
  }
  return z;
}

int32_t TimeZone::OffsetAt(int64_t utc) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  if (it == transitions_.begin()) return initial_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int32_t TimeZone::OffsetAt(int64_t utc, int64_t* lo, int64_t* hi) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  *lo = it == transitions_.begin() ? INT64_MIN : *(it - 1);
  *hi = it == transitions_.end() ? INT64_MAX : *it;
  if (it == transitions_.begin()) return initial_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::LocalToUtc(int64_t local) const {
  // The offsets in effect a day either side bound the candidates.
  int32_t before = OffsetAt(local - 86400), after = OffsetAt(local + 86400);
  int64_t first = local - std::max(before, after);  // the earlier instant
  int64_t second = local - std::min(before, after);
  for (int64_t u : {first, second})
    if (OffsetAt(u) == local - u) return u;
  return local - before;  // in a gap: keep the offset from before the jump
}

}  // namespace kpic::rt
