// Civil-date arithmetic (after H. Hinnant's days_from_civil) and strict
// parsers.
#include "datetime.h"

#include <cstdio>

#include "timezone.h"

namespace kpic::rt {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<int32_t> DaysFromCivil(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m) || y < 1 || y > 9999) return std::nullopt;
  return DaysFromCivilAny(y, m, d);
}

int32_t DaysFromCivilAny(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(int32_t z, int* y, int* m, int* d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe) + era * 400 + (*m <= 2);
}

std::optional<int32_t> ParseDate(std::string_view text, const DateFormat& format) {
  int y = -1, m = -1, d = -1;
  size_t pos = 0;
  const std::string& p = format.pattern;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '%' && i + 1 < p.size()) {
      char f = p[++i];
      size_t n = f == 'Y' ? 4 : 2;
      // Months and days may be unpadded (`3/7/2025`), as strptime reads
      // them, unless the pattern runs straight on into more digits.
      bool next_is_literal = i + 1 < p.size() && p[i + 1] != '%';
      if (n == 2 && next_is_literal && pos + 1 < text.size() && text[pos] >= '0' && text[pos] <= '9' &&
          (text[pos + 1] < '0' || text[pos + 1] > '9'))
        n = 1;
      if (n == 2 && !next_is_literal && i + 1 >= p.size() && pos + 1 == text.size()) n = 1;
      int v;
      if (!Digits(text, pos, n, &v)) return std::nullopt;
      pos += n;
      if (f == 'Y')
        y = v;
      else if (f == 'm')
        m = v;
      else if (f == 'd')
        d = v;
      else
        return std::nullopt;
    } else {
      if (pos >= text.size() || text[pos] != p[i]) return std::nullopt;
      ++pos;
    }
  }
  if (pos != text.size()) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

namespace {

/// Parses into local seconds, microseconds and the explicit offset (minutes).
bool ParseTimestampParts(std::string_view s, int64_t* local_seconds, int64_t* micros_out,
                         std::optional<int>* offset_out);

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view s, int default_offset_minutes) {
  int64_t local, micros;
  std::optional<int> offset;
  if (!ParseTimestampParts(s, &local, &micros, &offset)) return std::nullopt;
  return (local - int64_t{offset.value_or(default_offset_minutes)} * 60) * 1000000 + micros;
}

std::optional<int64_t> ParseTimestampIn(std::string_view s, const TimeZone& zone) {
  int64_t local, micros;
  std::optional<int> offset;
  if (!ParseTimestampParts(s, &local, &micros, &offset)) return std::nullopt;
  int64_t utc = offset ? local - int64_t{*offset} * 60 : zone.LocalToUtc(local);
  return utc * 1000000 + micros;
}

namespace {

bool ParseTimestampParts(std::string_view s, int64_t* local_seconds, int64_t* micros_out,
                         std::optional<int>* offset_out) {
  int y, mo, d, h, mi, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 16 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &h) || s[13] != ':' ||
      !Digits(s, 14, 2, &mi))
    return false;
  size_t pos = 16;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &sec)) return false;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 6) micros = micros * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return false;
      for (int i = digits; i < 6; ++i) micros *= 10;
    }
  }
  std::optional<int> offset;
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      offset = 0;
    } else if (s[pos] == '+' || s[pos] == '-') {
      // ±hh:mm, ±hhmm or ±hh (PostgreSQL prints `+08`).
      int oh = 0, om = 0;
      size_t rest = s.size() - pos - 1;
      bool ok =
          Digits(s, pos + 1, 2, &oh) && (rest == 2 || (rest == 5 && s[pos + 3] == ':' && Digits(s, pos + 4, 2, &om)) ||
                                         (rest == 4 && Digits(s, pos + 3, 2, &om)));
      if (!ok || oh > 23 || om > 59) return false;
      offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    } else {
      return false;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  auto days = DaysFromCivil(y, mo, d);
  if (!days) return false;
  *local_seconds = int64_t{*days} * 86400 + h * 3600 + mi * 60 + sec;
  *micros_out = micros;
  *offset_out = offset;
  return true;
}

}  // namespace

std::string FormatDate(int32_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t secs = micros / 1000000 - (micros % 1000000 < 0);  // floor (micros may be INT64_MIN)
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int y, m, d;
  CivilFromDays(static_cast<int32_t>(days), &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, static_cast<int>(rem / 3600),
                static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace kpic::rt
