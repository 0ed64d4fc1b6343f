// The CSV reader. One pass over the bytes: a record is split into field
// views (unquoting into a scratch buffer only when a field has doubled
// quotes), then the requested fields are converted and appended. A row
// with a bad value is either an error (the default) or skipped whole and
// counted.
#include "csv.h"

#include <atomic>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "decimal.h"
#include "timezone.h"

namespace kpic::rt {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if (n == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;
    }
    if (n == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return false;
    }
    i += n;
  }
  return true;
}

const char* InvisibleCharacter(std::string_view s) {
  // Every Unicode format character (general category Cf) but the zero-width
  // non-joiner and joiner (U+200C/U+200D): emoji sequences and Persian and
  // Indic text need them (docs/language.md, "Data errors").
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c0 = static_cast<unsigned char>(s[i]);
    if (c0 < 0xC2) continue;  // ASCII and continuation bytes: no format character starts there
    size_t n = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : 2;
    if (i + n > s.size()) break;
    char32_t c = c0 & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    i += n - 1;
    if (c == 0xFEFF) return "U+FEFF (a byte-order mark)";
    if (c == 0x00AD) return "U+00AD (a soft hyphen)";
    if (c == 0x200B) return "U+200B (a zero-width space)";
    if (c == 0x200E || c == 0x200F) return "a left-to-right or right-to-left mark (U+200E/U+200F)";
    if (c >= 0x202A && c <= 0x202E) return "a bidirectional embedding or override (U+202A-U+202E)";
    if (c >= 0x2060 && c <= 0x2064) return "a word joiner or invisible operator (U+2060-U+2064)";
    if (c >= 0x2066 && c <= 0x2069) return "a bidirectional isolate (U+2066-U+2069)";
    if (c >= 0x206A && c <= 0x206F) return "a deprecated format character (U+206A-U+206F)";
    if ((c >= 0x0600 && c <= 0x0605) || c == 0x061C || c == 0x06DD || c == 0x070F || c == 0x0890 || c == 0x0891 ||
        c == 0x08E2 || c == 0x110BD || c == 0x110CD)
      return "a number sign, abbreviation mark or letter mark (U+0600-U+0605, U+061C, U+06DD, U+070F, U+0890-U+0891, "
             "U+08E2, U+110BD, U+110CD)";
    if (c == 0x180E) return "U+180E (a Mongolian vowel separator)";
    if (c >= 0xFFF9 && c <= 0xFFFB) return "an interlinear annotation character (U+FFF9-U+FFFB)";
    if ((c >= 0x13430 && c <= 0x1343F) || (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A))
      return "a hieroglyph, shorthand or musical format control (U+13430-U+1343F, U+1BCA0-U+1BCA3, U+1D173-U+1D17A)";
    if (c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F)) return "a tag character (U+E0001, U+E0020-U+E007F)";
  }
  return nullptr;
}

const char* ControlCharacter(std::string_view s) {
  static const char* const kNames[32] = {"U+0000 (a NUL byte)",
                                         "U+0001 (start of heading)",
                                         "U+0002 (start of text)",
                                         "U+0003 (end of text)",
                                         "U+0004 (end of transmission)",
                                         "U+0005 (enquiry)",
                                         "U+0006 (acknowledge)",
                                         "U+0007 (a bell)",
                                         "U+0008 (a backspace)",
                                         nullptr,
                                         nullptr,
                                         "U+000B (a vertical tab)",
                                         "U+000C (a form feed)",
                                         nullptr,
                                         "U+000E (shift out)",
                                         "U+000F (shift in)",
                                         "U+0010 (data link escape)",
                                         "U+0011 (device control 1)",
                                         "U+0012 (device control 2)",
                                         "U+0013 (device control 3)",
                                         "U+0014 (device control 4)",
                                         "U+0015 (negative acknowledge)",
                                         "U+0016 (synchronous idle)",
                                         "U+0017 (end of transmission block)",
                                         "U+0018 (cancel)",
                                         "U+0019 (end of medium)",
                                         "U+001A (substitute)",
                                         "U+001B (an escape)",
                                         "U+001C (file separator)",
                                         "U+001D (group separator)",
                                         "U+001E (record separator)",
                                         "U+001F (unit separator)"};
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 && kNames[c]) return kNames[c];
    if (c == 0x7F) return "U+007F (a delete)";
  }
  return nullptr;
}

std::string TextProblem(std::string_view s) {
  if (!ValidUtf8(s)) return "is not valid UTF-8";
  if (const char* what = ControlCharacter(s))
    return std::string("contains a control character, ") + what +
           ", which no text value may hold (tab, line feed and carriage return are allowed)";
  if (const char* what = InvisibleCharacter(s))
    return std::string("contains an invisible character, ") + what +
           ", which would make it a member apart from the same visible text";
  return {};
}

namespace {

/// A bad value as an error message shows it: its first 60 bytes, control
/// characters escaped (`\x1b`), so that the message cannot drive the
/// terminal nor be cut short by a NUL.
/// `v` safe to print on a terminal: control characters (C0, DEL) as
/// `\xNN`; the C1 controls, the bidirectional embeddings, overrides and
/// isolates and the line and paragraph separators as `\u{NN}` (they could
/// move the cursor, reorder the message or pass for another line). Text
/// already escaped is left as it is.
std::string Escaped(std::string_view v) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7F) {
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 15];
      continue;
    }
    unsigned char c1 = i + 1 < v.size() ? static_cast<unsigned char>(v[i + 1]) : 0;
    unsigned char c2 = i + 2 < v.size() ? static_cast<unsigned char>(v[i + 2]) : 0;
    uint32_t cp = 0;
    size_t n = 0;
    if (c == 0xC2 && c1 >= 0x80 && c1 < 0xA0) {
      cp = c1, n = 2;  // U+0080 to U+009F
    } else if (c == 0xE2 && c1 == 0x80 && c2 >= 0xA8 && c2 <= 0xAE) {
      cp = 0x2000 + (c2 - 0x80), n = 3;  // U+2028, U+2029, U+202A to U+202E
    } else if (c == 0xE2 && c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9) {
      cp = 0x2040 + (c2 - 0x80), n = 3;  // U+2066 to U+2069
    }
    if (n) {
      char esc[16];
      std::snprintf(esc, sizeof esc, "\\u{%x}", static_cast<unsigned>(cp));
      s += esc;
      i += n - 1;
      continue;
    }
    if (c >= 0x80) {
      // A byte that starts no well-formed UTF-8 sequence is shown as \xNN,
      // as a control character is: it was printed raw (role probe,
      // 2026-12-07), and a terminal shows it as it likes.
      size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
      bool ok = len > 0 && i + len <= v.size();
      for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(v[i + k]) & 0xC0) == 0x80;
      if (ok && len == 3) {
        // No overlong form, no surrogate.
        ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
      } else if (ok && len == 4) {
        ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
      }
      if (!ok) {
        s += "\\x";
        s += kHex[c >> 4];
        s += kHex[c & 15];
        continue;
      }
      // An invisible (format) character as \u{NN}: the message that says
      // a value holds one showed it invisibly (store probe, 2026-12-07).
      if (InvisibleCharacter(v.substr(i, len))) {
        uint32_t x = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
        for (size_t k = 1; k < len; ++k) x = x << 6 | (static_cast<unsigned char>(v[i + k]) & 0x3Fu);
        char esc[16];
        std::snprintf(esc, sizeof esc, "\\u{%x}", static_cast<unsigned>(x));
        s += esc;
        i += len - 1;
        continue;
      }
      s.append(v.data() + i, len);
      i += len - 1;
      continue;
    }
    s += v[i];
  }
  return s;
}

std::string Shown(std::string_view v) {
  // Cut on a character's boundary: half a Chinese character would read as
  // an invalid byte.
  size_t cut = std::min<size_t>(v.size(), 60);
  while (cut > 0 && cut < v.size() && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  std::string s = Escaped(v.substr(0, cut));
  if (v.size() > 60) s += "...";
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Splits records; tracks physical line numbers.
class Splitter {
 public:
  Splitter(std::string_view data, const CsvOptions& o, const std::string& file) : d_(data), o_(o), file_(file) {
    if (d_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }
  /// A splitter over data[start, data.size()) whose first line is `first_line`.
  Splitter(std::string_view data, size_t start, size_t first_line, const CsvOptions& o, const std::string& file)
      : d_(data), o_(o), file_(file), pos_(start), line_(first_line) {}

  bool AtEnd() const { return pos_ >= d_.size(); }
  /// Moves past `records` one-line records that end before `pos`.
  void Skip(size_t pos, size_t records) {
    pos_ = pos;
    line_ += records;
  }
  size_t line() const { return line_; }
  size_t position() const { return pos_; }

  /// Reads one record into `fields`; returns the line it started on.
  size_t Next(std::vector<Field>* fields, std::deque<std::string>* scratch) {
    fields->clear();
    size_t start_line = line_;
    size_t used = 0;
    for (;;) {
      Field f;
      if (pos_ < d_.size() && d_[pos_] == o_.quote) {
        f.quoted = true;
        size_t begin = ++pos_;
        bool doubled = false;
        for (;;) {
          if (pos_ >= d_.size()) throw DataError(file_, start_line, "", "", "a quoted field is never closed");
          char c = d_[pos_];
          if (c == o_.quote) {
            if (pos_ + 1 < d_.size() && d_[pos_ + 1] == o_.quote) {
              doubled = true;
              pos_ += 2;
              continue;
            }
            break;
          }
          if (c == '\n') ++line_;
          ++pos_;
        }
        std::string_view raw = d_.substr(begin, pos_ - begin);
        ++pos_;  // closing quote
        if (doubled) {
          if (scratch->size() <= used) scratch->emplace_back();
          std::string& buf = (*scratch)[used++];
          buf.clear();
          for (size_t i = 0; i < raw.size(); ++i) {
            buf += raw[i];
            if (raw[i] == o_.quote) ++i;
          }
          f.text = buf;
        } else {
          f.text = raw;
        }
        if (pos_ < d_.size() && d_[pos_] != o_.delimiter && d_[pos_] != '\n' && d_[pos_] != '\r')
          throw DataError(file_, line_, "", std::string(1, d_[pos_]),
                          "unexpected text after a closing quote (a quote inside a quoted field is written \"\")");
      } else {
        size_t begin = pos_;
        // The hot loop: a plain pointer walk with the delimiter in a register.
        const char delim = o_.delimiter;
        const char* p = d_.data() + pos_;
        const char* stop = d_.data() + d_.size();
        while (p < stop && *p != delim && *p != '\n') ++p;
        pos_ = static_cast<size_t>(p - d_.data());
        size_t end = pos_;
        if (end > begin && pos_ <= d_.size() && d_[end - 1] == '\r' && (pos_ == d_.size() || d_[pos_] == '\n')) --end;
        f.text = d_.substr(begin, end - begin);
      }
      fields->push_back(f);
      if (pos_ < d_.size() && d_[pos_] == o_.delimiter) {
        ++pos_;
        continue;
      }
      if (pos_ < d_.size() && d_[pos_] == '\r') ++pos_;
      if (pos_ < d_.size() && d_[pos_] == '\n') {
        ++pos_;
        ++line_;
      }
      return start_line;
    }
  }

 private:
  std::string_view d_;
  const CsvOptions& o_;
  const std::string& file_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace

std::string FloatAsDecimalText(double x, bool single) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : "inf";
  // The fewest significant digits that read back as the float (to_chars'
  // shortest scientific form), then written out positionally. to_chars' `fixed`
  // keeps every digit of a large float instead (2^60 as
  // 1152921504606846976 where PostgreSQL's text, and so the SQL, has
  // 1152921504606847000; a `real` 123456789 as 123456792, not 123456790).
  char buf[64];
  constexpr auto kSci = std::chars_format::scientific;  // (the plain form can be fixed, with every digit)
  auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(x), kSci)
                  : std::to_chars(buf, buf + sizeof buf, x, kSci);
  std::string s(buf, r.ptr);
  const size_t e = s.find_first_of("eE");
  if (e == std::string::npos) return s;
  const int exp = std::atoi(s.c_str() + e + 1);
  std::string digits = s.substr(0, e);
  const bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  const size_t dot = digits.find('.');
  long point = static_cast<long>(dot == std::string::npos ? digits.size() : dot) + exp;
  if (dot != std::string::npos) digits.erase(dot, 1);
  std::string out;
  if (point <= 0)
    out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  else if (static_cast<size_t>(point) >= digits.size())
    out = digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  else
    out = digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
  return neg ? "-" + out : out;
}

std::string AppendField(Column& col, const Field& f, const CsvOptions& o) {
  std::string_view v = f.text;
  bool is_null = std::find(o.nulls.begin(), o.nulls.end(), v) != o.nulls.end();
  if (!is_null && v.empty() && col.type != ColType::kString && !f.quoted) is_null = true;
  if (is_null) {
    AppendNull(col);
    return {};
  }
  switch (col.type) {
    case ColType::kInt: {
      int64_t x;
      const char* b = v.data();
      if (!v.empty() && v[0] == '+') ++b;
      if (b != v.data() && b < v.data() + v.size() && *b == '-') return "is not a whole number";  // `+-5`
      auto r = std::from_chars(b, v.data() + v.size(), x);
      if (r.ec == std::errc::result_out_of_range)
        return v[0] == '-' ? "is too small for an int (64 bits)" : "is too large for an int (64 bits)";
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || v.empty()) return "is not a whole number";
      col.ints.push_back(x);
      break;
    }
    case ColType::kFloat: {
      double x;
      auto r = std::from_chars(v.data(), v.data() + v.size(), x);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return "is not a number";
      if (!std::isfinite(x))
        return "is not a finite number (NaN and infinities cannot be summed; declare the token with `null:` if it "
               "means a missing value)";
      col.floats.push_back(x);
      break;
    }
    case ColType::kDecimal: {
      auto x = ParseDecimal(v, col.scale);
      if (!x) {
        auto dot = v.find('.');
        bool digits_ok = v.find_first_not_of("+-0123456789.") == std::string_view::npos;
        if (digits_ok && dot != std::string_view::npos && v.size() - dot - 1 > static_cast<size_t>(col.scale))
          return "has more than " + std::to_string(col.scale) + " digits after the point for decimal(" +
                 std::to_string(col.scale) + ") (rounding would change the amount)";
        return digits_ok ? "is out of range for decimal(" + std::to_string(col.scale) + ")" : "is not a decimal number";
      }
      col.ints.push_back(*x);
      break;
    }
    case ColType::kBool: {
      if (v == "0" || v == "1") {
        col.ints.push_back(v[0] - '0');
        break;
      }
      std::string l = Lower(v);
      if (l == "true" || l == "t" || l == "yes" || l == "y")
        col.ints.push_back(1);
      else if (l == "false" || l == "f" || l == "no" || l == "n")
        col.ints.push_back(0);
      else
        return "is not a boolean (true/false, 1/0, yes/no)";
      break;
    }
    case ColType::kString:
      if (std::string why = TextProblem(v); !why.empty()) return why;
      col.codes.push_back(col.dict.Intern(v));
      break;
    case ColType::kDate: {
      auto x = ParseDate(v, o.date_format);
      if (!x) return "is not a date in the format " + o.date_format.pattern;
      col.ints.push_back(*x);
      break;
    }
    case ColType::kTimestamp: {
      auto x = o.zone ? ParseTimestampIn(v, *o.zone) : ParseTimestamp(v, o.tz_offset_minutes);
      if (!x) return "is not an ISO 8601 timestamp (2026-03-01T08:30:00, optionally with Z or +08:00)";
      if (!MicrosInRange(*x)) return std::string(kOutsideYears) + " in UTC";
      col.ints.push_back(*x);
      break;
    }
  }
  col.valid.push_back(1);
  return {};
}

DataError::DataError(std::string file, size_t line, std::string column, std::string value, std::string reason,
                     bool show_value)
    : std::runtime_error([&] {
        // Paths, header names and reasons may hold anything a file name
        // or a header can: they are printed escaped, as values are.
        std::string m = Escaped(file);
        if (line != 0) {  // 0: the error is about the file (or a column), not a row
          m += ':';
          m += std::to_string(line);
        }
        m += ": ";
        if (!column.empty()) m += "column `" + Escaped(column) + "`: ";
        if (show_value && (!value.empty() || !column.empty())) m += "value `" + Shown(value) + "` ";
        return m + Escaped(reason);
      }()),
      file_(std::move(file)),
      column_(std::move(column)),
      value_(std::move(value)),
      reason_(std::move(reason)),
      line_(line),
      show_value_(show_value) {}

namespace {

/// Bytes readable past the end of the fast path's buffer, so that it can
/// load a whole word (or two) at the start of any field in it.
constexpr size_t kPad = 64;

/// The reader's fast path, for the common record: no quoted field, the
/// header's width, every value in its usual form. A converter is chosen
/// once per column, fields are converted as they are split (no field
/// vector), strings are checked for UTF-8 only when they first enter the
/// dictionary, and timestamps reuse the previous row's date and zone
/// offset. A record the fast path does not take is rolled back and read
/// by the general path (Splitter and AppendField), which also produces
/// every error message, so both paths accept and refuse the same input.
class FastRows {
 public:
  FastRows(size_t width, const std::vector<size_t>& index, const std::vector<CsvColumnRequest>& requests,
           const CsvOptions& o)
      : width_(width), o_(o), field_col_(width, -1) {
    for (size_t r = 0; r < requests.size(); ++r)
      if (index[r] < width) field_col_[index[r]] = static_cast<int>(r);
    cols_.resize(requests.size());
    for (size_t r = 0; r < requests.size(); ++r) {
      // By ColType: int, float, decimal, bool, string, date, timestamp.
      static constexpr Kind kKinds[] = {Kind::kInt,    Kind::kOther, Kind::kDecimal,  Kind::kBool,
                                        Kind::kString, Kind::kOther, Kind::kTimestamp};
      cols_[r].kind = kKinds[static_cast<int>(requests[r].type)];
      if (requests[r].type == ColType::kDate && o.date_format.pattern == "%Y-%m-%d") cols_[r].kind = Kind::kDate;
      cols_[r].scale = requests[r].scale;
    }
    has_nulls_ = !o.nulls.empty();
    usable_ = o.fast_path && width > 0 && o.delimiter != '\n' && o.delimiter != '\r' && o.delimiter != o.quote;
  }

  bool usable() const { return usable_; }

  /// Forgets the delimiter masks of the bytes it last read (the caller's
  /// buffer is about to hold other bytes at the same addresses).
  void Forget() { base_ = nullptr; }

  /// Reads records from `*p` while they take the fast path, at most
  /// `max_rows`; returns how many, with `*p` after the last one. A record
  /// that does not take it is left at `*p`, its values rolled back.
  [[gnu::flatten]] size_t Rows(const char** p, const char* end, bool end_is_eof, size_t max_rows,
                               std::vector<Column>& columns, size_t rows_before) {
    size_t n = 0;
    const char* q = *p;
    const char delim = o_.delimiter;
    const char quote = o_.quote;
    // What each field feeds: its column and converter, or nothing.
    steps_.assign(width_, Step{});
    for (size_t i = 0; i < width_; ++i)
      if (field_col_[i] >= 0) {
        size_t c = static_cast<size_t>(field_col_[i]);
        steps_[i] = {&cols_[c], &columns[c]};
      }
    const Step* steps = steps_.data();
    const size_t last = width_ - 1;
    while (n < max_rows && q < end) {
      const char* rec = q;
      bool ok = true;
      // A byte at `end` is readable (kPad): a quote there only refuses a
      // record that is cut by `end` anyway.
      for (size_t i = 0; i < last; ++i) {
        const char* b = q;
        if (*q == quote) {
          ok = false;
          break;
        }
        q = FieldEnd(q, end, delim);
        if (q >= end || *q != delim || (steps[i].st && !Convert(*steps[i].st, *steps[i].col, b, q))) {
          ok = false;
          break;
        }
        ++q;
      }
      if (ok) {
        const char* b = q;
        q = FieldEnd(q, end, delim);
        const char* e = q;
        if (*b == quote || (q < end && *q == delim) || (q >= end && !end_is_eof)) {  // more fields, or cut by a bound
          ok = false;
        } else {
          if (e > b && e[-1] == '\r') --e;
          ok = !steps[last].st || Convert(*steps[last].st, *steps[last].col, b, e);
        }
      }
      if (!ok) {
        for (Column& col : columns) {
          Sync(col);
          col.Truncate(rows_before + n);
        }
        q = rec;
        break;
      }
      if (q < end) ++q;  // the newline
      ++n;
    }
    for (Column& col : columns) Sync(col);
    *p = q;
    return n;
  }

 private:
  /// Where the delimiters and newlines are in 64 bytes from `base_`: one
  /// bit per byte, computed with SSE2 and reused by every field that ends
  /// in the window.
  const char* base_ = nullptr;
  uint64_t mask_ = 0;

  /// The first delimiter or newline at or after `q` (or `end`).
  const char* FieldEnd(const char* q, const char* end, char delim) {
#if defined(__SSE2__)
    for (;;) {
      // Unsigned: before `base_` (or with no window, base_ 0) it is large.
      uintptr_t off = reinterpret_cast<uintptr_t>(q) - reinterpret_cast<uintptr_t>(base_);
      if (off < 64) {
        uint64_t m = mask_ >> off;
        if (m != 0) return q + __builtin_ctzll(m);
        q = base_ + 64;  // nothing more in this window
      }
      if (end - q < 64) break;
      base_ = q;
      const __m128i vd = _mm_set1_epi8(delim), vn = _mm_set1_epi8('\n');
      uint64_t m = 0;
      for (int k = 0; k < 4; ++k) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * k));
        m |= uint64_t{static_cast<uint16_t>(
                 _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vd), _mm_cmpeq_epi8(x, vn))))}
             << (16 * k);
      }
      mask_ = m;
    }
    base_ = nullptr;
#endif
    while (q < end && *q != delim && *q != '\n') ++q;
    return q;
  }

  /// Strings of up to 16 bytes as two words (zero-padded): the key of a
  /// per-column cache in front of the dictionary, compared without memcmp.
  struct ShortKey {
    uint64_t a = 0, b = 0;
    uint32_t len = UINT32_MAX, code = 0;
  };
  /// The first `n` bytes at `p` (n <= 16; the 16 bytes at `p` are
  /// readable, see kPad) as two words, the rest zeroed. Masks, not
  /// branches on `n`: string lengths vary from row to row.
  static void Pack(const char* p, size_t n, uint64_t* a, uint64_t* b) {
    static constexpr auto kMasks = [] {
      std::array<std::array<uint64_t, 2>, 17> m{};
      for (size_t k = 0; k <= 16; ++k) {
        size_t lo = std::min<size_t>(k, 8), hi = k - lo;
        m[k][0] = lo == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * lo)) - 1;
        m[k][1] = hi == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * hi)) - 1;
      }
      return m;
    }();
    uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, p + 8, 8);
    *a = x & kMasks[n][0];
    *b = y & kMasks[n][1];
  }
  struct ShortCache {
    std::vector<ShortKey> slots;
    size_t used = 0;
  };
  /// The code of a string of at most 16 bytes through the column's cache;
  /// UINT32_MAX when it is not valid UTF-8.
  static uint64_t ShortHash(uint64_t a, uint64_t b, size_t n) {
    uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ ((b + n) * 0xC2B2AE3D27D4EB4FULL);
    return h ^ (h >> 29);
  }
  uint32_t ShortCode(ShortCache& cache, Column& col, const char* p, size_t n) {
    uint64_t a, b;
    Pack(p, n, &a, &b);
    if (cache.slots.empty()) cache.slots.resize(64);
    size_t mask = cache.slots.size() - 1;
    size_t i = ShortHash(a, b, n) & mask;
    for (;; i = (i + 1) & mask) {
      const ShortKey& k = cache.slots[i];
      if (k.len == UINT32_MAX) break;
      if (k.a == a && k.b == b && k.len == n) return k.code;
    }
    return ShortMiss(cache, col, p, n, a, b, i);
  }
  [[gnu::noinline]] static uint32_t ShortMiss(ShortCache& cache, Column& col, const char* p, size_t n, uint64_t a,
                                              uint64_t b, size_t i) {
    uint32_t code = DictCode(col, p, n);
    if (code == UINT32_MAX) return code;
    cache.slots[i] = {a, b, static_cast<uint32_t>(n), code};
    if (++cache.used * 2 > cache.slots.size()) {
      std::vector<ShortKey> old(cache.slots.size() * 2);
      old.swap(cache.slots);
      size_t mask = cache.slots.size() - 1;
      for (const ShortKey& k : old) {
        if (k.len == UINT32_MAX) continue;
        size_t j = ShortHash(k.a, k.b, k.len) & mask;
        while (cache.slots[j].len != UINT32_MAX) j = (j + 1) & mask;
        cache.slots[j] = k;
      }
    }
    return code;
  }

  /// A string's dictionary code, checking UTF-8 only for a string the
  /// dictionary does not hold yet; UINT32_MAX when it is not valid UTF-8.
  [[gnu::noinline]] static uint32_t DictCode(Column& col, const char* b, size_t n) {
    std::string_view v(b, n);
    uint32_t code = col.dict.Find(v);
    if (code == UINT32_MAX) {
      if (!TextProblem(v).empty()) return UINT32_MAX;  // the general path says why
      code = col.dict.Intern(v);
    }
    return code;
  }

  enum class Kind { kInt, kDecimal, kBool, kString, kDate, kTimestamp, kOther };
  struct ColState {
    Kind kind = Kind::kOther;
    int scale = 0;
    char last_date[10] = {};
    int64_t last_days = 0;
    bool have_date = false;
    int64_t zone_lo = 1, zone_hi = 0, zone_offset = 0;  // local seconds [lo, hi) read with one offset
    ShortCache short_cache;
  };

  /// A local time outside the cached interval: read it in the zone, and
  /// cache the offset for local times at least a day from either
  /// transition, where no time is skipped or repeated.
  [[gnu::noinline]] int64_t ZoneMiss(ColState& st, int64_t local) const {
    int64_t utc = o_.zone->LocalToUtc(local);
    int64_t off = local - utc, lo, hi;
    if (o_.zone->OffsetAt(utc, &lo, &hi) == off) {
      st.zone_offset = off;
      st.zone_lo = lo == INT64_MIN ? INT64_MIN : lo + off + 86400;
      st.zone_hi = hi == INT64_MAX ? INT64_MAX : hi + off - 86400;
    }
    return utc;
  }

  /// Inside Rows a value appended by the fast path leaves its validity
  /// unwritten; Sync writes the 1s it owes (one fill per column and call,
  /// not a push per value). Every other append to a column is preceded by
  /// Sync, so the validity bytes stay in row order.
  static void Sync(Column& col) {
    size_t values = col.type == ColType::kFloat    ? col.floats.size()
                    : col.type == ColType::kString ? col.codes.size()
                                                   : col.ints.size();
    if (col.valid.size() < values) col.valid.resize(values, 1);
  }

  [[gnu::noinline]] static void PushNull(Column& col) {
    Sync(col);
    AppendNull(col);
  }

  /// The general conversion of one field; false when it is bad.
  [[gnu::noinline, gnu::cold]] bool Slow(Column& col, const char* b, const char* e) {
    Sync(col);
    return AppendField(col, Field{std::string_view(b, static_cast<size_t>(e - b)), false}, o_).empty();
  }

  /// The value of the word `w` holding eight ASCII digits, the first in
  /// its lowest byte; -1 when a byte is not a digit. No branches on the
  /// digits (SWAR, as in Lemire's parse_eight_digits_unrolled).
  static int64_t EightDigits(uint64_t w) {
    constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
    if (((w & kHigh) | (((w + 0x0606060606060606ULL) & kHigh) >> 4)) != 0x3333333333333333ULL) return -1;
    w -= 0x3030303030303030ULL;
    w = w * 10 + (w >> 8);
    w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
         (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
        32;
    return static_cast<int64_t>(w);
  }

  /// 1-8 digits at `b` (the 8 bytes at `b` are readable): the value, or
  /// -1. The digits are moved to the top of the word and '0's fill below.
  static int64_t ShortDigits(const char* b, size_t len) {
    uint64_t w;
    std::memcpy(&w, b, 8);
    unsigned sh = static_cast<unsigned>(8 * (8 - len));
    w = (w << sh) | (0x3030303030303030ULL & ((uint64_t{1} << sh) - 1));
    return EightDigits(w);
  }

  /// A decimal of 3-8 bytes at `b` with exactly `scale` (1-6) digits after
  /// its point and at least one before: the scaled value, or -1.
  static int64_t ShortDecimal(const char* b, size_t len, int scale) {
    uint64_t w;
    std::memcpy(&w, b, 8);
    w <<= 8 * (8 - len);  // the last digit in the top byte, the point in byte 7 - scale
    unsigned point = static_cast<unsigned>(8 * (7 - scale));
    if (((w >> point) & 0xFF) != '.') return -1;
    uint64_t below = w & ((uint64_t{1} << point) - 1), frac = w & ~((uint64_t{1} << (point + 8)) - 1);
    unsigned fill = static_cast<unsigned>(8 * (9 - len));  // the bytes left empty by the point's removal
    return EightDigits((below << 8) | frac | (0x3030303030303030ULL & ((uint64_t{1} << fill) - 1)));
  }

  /// Up to 18 digits; false for anything else.
  static bool Digits18(const char* b, const char* e, int64_t* out) {
    if (b == e || e - b > 18) return false;
    int64_t x = 0;
    for (; b < e; ++b) {
      unsigned d = static_cast<unsigned char>(*b) - '0';
      if (d > 9) return false;
      x = x * 10 + d;
    }
    *out = x;
    return true;
  }

  static bool Two(const char* b, int* out) {
    unsigned d0 = static_cast<unsigned char>(b[0]) - '0', d1 = static_cast<unsigned char>(b[1]) - '0';
    if (d0 > 9 || d1 > 9) return false;
    *out = static_cast<int>(d0 * 10 + d1);
    return true;
  }

  /// Sets st.last_days to the day of the YYYY?MM?DD at `b` (its
  /// separators already checked), reusing the last one when the text
  /// repeats; false when it is not a valid date.
  static bool SameDate(ColState& st, const char* b) {
    if (st.have_date && std::memcmp(st.last_date, b, 10) == 0) return true;
    int y1, y2, mo, d;
    if (!Two(b, &y1) || !Two(b + 2, &y2) || !Two(b + 5, &mo) || !Two(b + 8, &d)) return false;
    auto days = DaysFromCivil(y1 * 100 + y2, mo, d);
    if (!days) return false;
    std::memcpy(st.last_date, b, 10);
    st.last_days = *days;
    st.have_date = true;
    return true;
  }

  bool Convert(ColState& st, Column& col, const char* b, const char* e) {
    if (has_nulls_) {
      std::string_view v(b, static_cast<size_t>(e - b));
      for (const std::string& t : o_.nulls)
        if (v == t) {
          PushNull(col);
          return true;
        }
    }
    if (b == e && st.kind != Kind::kString) {
      PushNull(col);
      return true;
    }
    switch (st.kind) {
      case Kind::kInt: {
        bool neg = *b == '-';
        const char* d = b + (neg || *b == '+');
        size_t len = static_cast<size_t>(e - d);
        int64_t x = len - 1 < 8 ? ShortDigits(d, len) : -1;
        if (x < 0 && !Digits18(d, e, &x)) return Slow(col, b, e);
        col.ints.push_back(neg ? -x : x);
        break;
      }
      case Kind::kDecimal: {
        // [-+]digits[.digits], at most `scale` fractional digits and 18 in all.
        const char* q = b;
        bool neg = *q == '-';
        if (neg || *q == '+') ++q;
        size_t len = static_cast<size_t>(e - q);
        if (st.scale >= 1 && st.scale <= 6 && len >= static_cast<size_t>(st.scale) + 2 && len <= 8) {
          int64_t v = ShortDecimal(q, len, st.scale);
          if (v >= 0) {
            col.ints.push_back(neg ? -v : v);
            break;
          }
        }
        int64_t x = 0;
        int digits = 0, frac = 0;
        bool point = false;
        for (; q < e; ++q) {
          unsigned d = static_cast<unsigned char>(*q) - '0';
          if (d <= 9) {
            if (++digits > 18) return Slow(col, b, e);  // before x could overflow
            x = x * 10 + d;
            frac += point;
          } else if (*q == '.' && !point) {
            point = true;
          } else {
            return Slow(col, b, e);
          }
        }
        if (digits == 0 || frac > st.scale || (point && frac == 0)) return Slow(col, b, e);
        for (int k = frac; k < st.scale; ++k) {
          if (x > INT64_MAX / 10) return Slow(col, b, e);
          x *= 10;
        }
        col.ints.push_back(neg ? -x : x);
        break;
      }
      case Kind::kBool:
        if (e - b != 1 || (*b != '0' && *b != '1')) return Slow(col, b, e);
        col.ints.push_back(*b - '0');
        break;
      case Kind::kString: {
        size_t n = static_cast<size_t>(e - b);
        if (n <= 16) {
          uint32_t code = ShortCode(st.short_cache, col, b, n);
          if (code == UINT32_MAX) return false;
          col.codes.push_back(code);
          break;
        }
        uint32_t code = DictCode(col, b, n);
        if (code == UINT32_MAX) return false;
        col.codes.push_back(code);
        break;
      }
      case Kind::kTimestamp: {
        // YYYY-MM-DDTHH:MM:SS (or a space for T), no fraction, no offset.
        int h, mi, sec;
        if (e - b != 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' ||
            b[16] != ':' || !Two(b + 11, &h) || !Two(b + 14, &mi) || !Two(b + 17, &sec) || h > 23 || mi > 59 ||
            sec > 59)
          return Slow(col, b, e);
        // The first and last day a value may hold: an offset may take the
        // instant outside the range (the general path says so).
        if (!SameDate(st, b) || st.last_days == kFirstDay || st.last_days == kLastDay) return Slow(col, b, e);
        int64_t local = st.last_days * 86400 + h * 3600 + mi * 60 + sec;
        int64_t utc;
        if (!o_.zone) {
          utc = local - int64_t{o_.tz_offset_minutes} * 60;
        } else if (local >= st.zone_lo && local < st.zone_hi) {
          utc = local - st.zone_offset;
        } else {
          utc = ZoneMiss(st, local);
        }
        col.ints.push_back(utc * 1000000);
        break;
      }
      case Kind::kDate: {
        // YYYY-MM-DD (the default format; ParseDate reads the same), the
        // last one's day reused.
        if (e - b != 10 || b[4] != '-' || b[7] != '-' || !SameDate(st, b)) return Slow(col, b, e);
        col.ints.push_back(st.last_days);
        break;
      }
      case Kind::kOther:
        return Slow(col, b, e);
    }
    return true;  // its validity is written by Sync
  }

  size_t width_;
  const CsvOptions& o_;
  std::vector<int> field_col_;  // request fed by each field, or -1
  std::vector<ColState> cols_;
  struct Step {
    ColState* st = nullptr;  // null: the field is not read
    Column* col = nullptr;
  };
  std::vector<Step> steps_;
  bool has_nulls_ = false;
  bool usable_ = false;
};

/// One reading thread: its table (the columns, or the chunk handed to a
/// streaming sink), its fast path and the general path's buffers. A thread
/// reads one or more ranges of records into it.
class RangeReader {
 public:
  RangeReader(std::string_view data, int fd, size_t width, const std::vector<size_t>& index, const std::string& file,
              const std::vector<CsvColumnRequest>& requests, const CsvOptions& o, int part)
      : data_(data),
        fd_(fd),
        width_(width),
        index_(index),
        file_(file),
        requests_(requests),
        o_(o),
        part_(part),
        table_(requests, o),
        window_cap_(std::max<size_t>(16, o.window_bytes)),
        window_(window_cap_ + kPad) {
    if (width_ > 0) fast_.emplace(width_, index_, requests_, o_);
  }

  /// Reserves the columns for the records of about `bytes` bytes, from the
  /// row size of a sample at `start`, so that they never grow by copying
  /// (that copying and its page faults cost more than parsing).
  void Reserve(size_t start, size_t bytes) {
    size_t sample_end = std::min(data_.size(), start + (size_t{1} << 16));
    size_t newlines = static_cast<size_t>(std::count(data_.begin() + start, data_.begin() + sample_end, '\n'));
    size_t rows = newlines > 0 ? bytes / std::max<size_t>(1, (sample_end - start) / newlines) * 21 / 20 + 16 : 0;
    if (o_.on_chunk) {
      // A chunk's rows, but no more than the file can hold: 8,000 columns
      // of a two-row file reserved 65,537 rows each and ran out of memory
      // (hang probe, 2026-12-07).
      table_.Reserve(std::min(o_.chunk_rows + 1, std::max<size_t>(rows, 16)));
      return;
    }
    if (rows > 0) table_.Reserve(rows);
  }

  /// Reads the records from `start`, the first on line `first_line`, until
  /// the end of the data or until the position reaches or passes `bound`;
  /// then `at_bound(position, &bound)` says whether to read on (to a new
  /// bound). Returns the line after the last record read.
  template <class AtBound>
  size_t Read(size_t start, size_t first_line, size_t bound, AtBound&& at_bound) {
    Splitter split(data_, start, first_line, o_, file_);
    while (!split.AtEnd()) {
      if (split.position() >= bound) {
        if (!at_bound(split.position(), &bound)) break;
        continue;
      }
      if (o_.on_chunk && table_.data().rows >= o_.chunk_rows) {
        streamed_ += table_.data().rows;
        o_.on_chunk(part_, table_.data(), false);
        table_.ClearRows();
      }
      const size_t lim = std::min(bound, data_.size());
      if (fast_ && fast_->usable()) {
        // The fast path reads a copy of the bytes ahead (see Fill).
        size_t pos = split.position();
        if (pos < win_begin_ || pos >= win_end_ || (win_end_ < lim && win_end_ - pos < window_cap_ / 16))
          Fill(pos, lim);
        const size_t stop = std::min(lim, win_end_);
        const char* p = window_.data() + (pos - win_begin_);
        const char* end = window_.data() + (stop - win_begin_);
        size_t room = o_.on_chunk ? o_.chunk_rows - table_.data().rows : SIZE_MAX;
        size_t n = fast_->Rows(&p, end, stop == data_.size(), room, table_.data().columns, table_.data().rows);
        if (n > 0) {
          table_.data().rows += n;
          split.Skip(win_begin_ + static_cast<size_t>(p - window_.data()), n);
          continue;
        }
      }
      Populate(split.position(), lim);
      size_t line = split.Next(&fields_, &scratch_);
      if (width_ == 0) {
        // Without a header the first row fixes the width; it must hold
        // every declared column.
        width_ = fields_.size();
        size_t needed = 0;
        for (size_t i : index_) needed = std::max(needed, i + 1);
        if (needed > width_)
          throw DataError(file_, line, "", "",
                          "the file has " + std::to_string(width_) + " columns per row, but " +
                              std::to_string(needed) + " are declared and there is no header");
        fast_.emplace(width_, index_, requests_, o_);
      }
      if (fields_.size() != width_) {
        table_.FailRow(fields_.size() == 1 && fields_[0].text.empty()
                           ? std::string("the row is empty")
                           : "the row has " + std::to_string(fields_.size()) + " fields, the header has " +
                                 std::to_string(width_));
      } else {
        for (size_t r = 0; r < requests_.size(); ++r)
          if (!table_.Add(r, &fields_[index_[r]])) break;
      }
      table_.EndRow(file_, line);
    }
    return split.line();
  }

  /// Reads the records from `start` to the end.
  size_t ReadToEnd(size_t start, size_t first_line) {
    return Read(start, first_line, SIZE_MAX, [](size_t, size_t*) { return false; });
  }

  TableBuilder& table() { return table_; }

  /// The result: the columns, or when streaming, the counts after the last
  /// chunk is handed over.
  CsvResult Finish() {
    if (!o_.on_chunk) return table_.Finish();
    size_t rows = table_.data().rows;
    o_.on_chunk(part_, table_.data(), true);
    CsvResult counts = table_.Finish();
    counts.columns.clear();
    counts.rows = streamed_ + rows;
    return counts;
  }

 private:
  /// Copies the bytes from `pos` (up to `lim`, at most a window) into the
  /// window: pread(2) from the file when there is one, else from memory.
  /// Reading a large mapped file in place costs a TLB miss every 4 KiB on a
  /// virtual machine (2.3 GB/s per core here), while the kernel's copy runs
  /// at 7 GB/s and leaves the bytes in the core's cache.
  void Fill(size_t pos, size_t lim) {
    size_t len = std::min(window_cap_, lim - pos);
    if (fd_ < 0) {
      std::memcpy(window_.data(), data_.data() + pos, len);
    } else {
      for (size_t got = 0; got < len;) {
        ssize_t r = ::pread(fd_, window_.data() + got, len - got, static_cast<off_t>(pos + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
          throw DataError(file_, 0, "", "",
                          r < 0 ? std::string("cannot read: ") + std::strerror(errno) : "the file became shorter");
        got += static_cast<size_t>(r);
      }
    }
    win_begin_ = pos;
    win_end_ = pos + len;
    fast_->Forget();
  }

  /// Before the general path reads the mapped file itself, maps the pages
  /// ahead of it at once rather than taking a page fault every few pages.
  void Populate(size_t pos, size_t lim) {
#ifdef MADV_POPULATE_READ
    if (fd_ < 0 || pos < populated_) return;
    size_t from = pos & ~size_t{4095};
    size_t to = std::min(lim, pos + (size_t{4} << 20));
    ::madvise(const_cast<char*>(data_.data()) + from, to - from, MADV_POPULATE_READ);  // advice: errors are harmless
    populated_ = to;
#else
    (void)pos;
    (void)lim;
#endif
  }

  std::string_view data_;
  int fd_;  ///< the file, or -1 when `data_` is only in memory
  size_t width_;
  const std::vector<size_t>& index_;
  const std::string& file_;
  const std::vector<CsvColumnRequest>& requests_;
  const CsvOptions& o_;
  int part_;
  TableBuilder table_;
  std::optional<FastRows> fast_;
  std::vector<Field> fields_;
  std::deque<std::string> scratch_;  // deque: fields keep views into it
  size_t streamed_ = 0;              // rows handed to the sink
  size_t window_cap_;
  std::vector<char> window_;  // the bytes [win_begin_, win_end_) of the data, then kPad readable bytes
  size_t win_begin_ = 0, win_end_ = 0;
  size_t populated_ = 0;  // the mapped pages before this are mapped in
};

/// The file in blocks for two reading threads. The first thread reads from
/// the start, block after block, always knowing where records begin. The
/// second takes blocks from the end backwards, each from the first line
/// break in it: a guess, right unless that line break is inside a quoted
/// field. The threads meet wherever their speeds make them meet (the two
/// cores of a virtual machine can differ by 2x). The guesses are checked:
/// each of the second thread's blocks must end exactly where the block
/// after it began, and the first thread must land exactly on the start of
/// the second thread's lowest block. If either check fails, the second
/// thread's rows are discarded and the first reads on to the end.
struct Blocks {
  std::vector<size_t> start;  ///< start[i]: where block i's records begin; start[n] = the data's end
  std::mutex m;
  std::condition_variable cv;
  size_t lo = 1;        ///< the first thread has taken blocks [0, lo)
  size_t hi = 0;        ///< the second thread has taken blocks [hi, n)
  bool stop = false;    ///< the second thread is to take no more blocks
  bool done = false;    ///< the second thread has finished
  bool broken = false;  ///< a guess of the second thread's was wrong
  size_t count() const { return start.size() - 1; }
};

/// One block read by the second thread.
struct ReadBlock {
  size_t index;
  size_t row_begin, row_end;  ///< its rows in the second thread's table (not streaming)
  size_t lines;               ///< lines in it
  std::vector<BadRow> bad;    ///< its skipped rows, lines counted from its start
};

/// The first line break at or after `at` (npos when none). From a file,
/// it reads with pread(2) rather than through the mapping: a page fault
/// per block start cost 8 ms before the threads could start.
size_t FindLineBreak(std::string_view data, int fd, size_t at) {
  if (fd < 0) return data.find('\n', at);
  char buf[4096];
  while (at < data.size()) {
    ssize_t r = ::pread(fd, buf, std::min(sizeof buf, data.size() - at), static_cast<off_t>(at));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return data.find('\n', at);  // the mapping has the answer (or the error)
    if (const void* nl = std::memchr(buf, '\n', static_cast<size_t>(r)))
      return at + static_cast<size_t>(static_cast<const char*>(nl) - buf);
    at += static_cast<size_t>(r);
  }
  return std::string_view::npos;
}

/// Appends rows [from, to) of `b` to `a`, renumbering string codes by `remap`.
void AppendRows(Column& a, const Column& b, size_t from, size_t to, const std::vector<uint32_t>& remap) {
  if (!b.null_free) a.null_free = false;
  a.valid.insert(a.valid.end(), b.valid.begin() + from, b.valid.begin() + to);
  if (!b.ints.empty()) a.ints.insert(a.ints.end(), b.ints.begin() + from, b.ints.begin() + to);
  if (!b.floats.empty()) a.floats.insert(a.floats.end(), b.floats.begin() + from, b.floats.begin() + to);
  if (a.type == ColType::kString)
    for (size_t i = from; i < to; ++i) a.codes.push_back(remap.empty() ? 0 : remap[b.codes[i]]);
}

}  // namespace

namespace {

CsvResult Parse(std::string_view data, int fd, const std::string& file, const std::vector<CsvColumnRequest>& requests,
                const CsvOptions& o) {
  Splitter split(data, o, file);
  std::vector<Field> fields;
  std::deque<std::string> scratch;  // deque: fields keep views into it
  if (split.AtEnd()) throw DataError(file, 1, "", "", "the file is empty: expected a header row");
  std::vector<size_t> index(requests.size());
  size_t width = 0;
  if (o.header) {
    split.Next(&fields, &scratch);
    width = fields.size();
    std::vector<std::string> headers;
    for (const Field& f : fields) headers.emplace_back(f.text);
    // A carriage return left in the header (one before a line feed ends
    // the line) means lines that end with a bare CR, as classic Mac OS
    // and Excel's "CSV (Macintosh)" write them: the whole file would read
    // as one header row and no data (it did, without a word).
    for (const std::string& h : headers)
      if (h.find('\r') != std::string::npos)
        throw DataError(file, 1, "", "",
                        "the header row holds a carriage return (\\r) without a line feed: lines that end with a bare "
                        "CR (classic Mac OS, Excel's \"CSV (Macintosh)\") are not read; save the file with LF or CRLF "
                        "line endings",
                        false);
    for (size_t r = 0; r < requests.size(); ++r) {
      auto it = std::find(headers.begin(), headers.end(), requests[r].header);
      if (it == headers.end()) {
        std::string list;
        for (size_t i = 0; i < headers.size() && i < 20; ++i) list += (i ? ", " : "") + headers[i];
        throw DataError(file, 1, requests[r].name, "",
                        "missing: the header row has no column `" + requests[r].header + "` (it has: " + list + ")",
                        false);
      }
      if (std::find(it + 1, headers.end(), requests[r].header) != headers.end())
        throw DataError(file, 1, requests[r].name, "",
                        "the header row has two columns named `" + requests[r].header + "`", false);
      index[r] = static_cast<size_t>(it - headers.begin());
    }
  } else {
    for (size_t r = 0; r < requests.size(); ++r)
      index[r] = requests[r].position >= 0 ? static_cast<size_t>(requests[r].position) : r;
  }
  const size_t begin = o.start_at ? std::min(o.start_at, data.size()) : split.position();
  const size_t begin_line = o.start_at ? o.start_line : split.line();
  auto one_thread = [&] {
    RangeReader reader(data, fd, width, index, file, requests, o, 0);
    reader.Reserve(begin, data.size() - begin);
    reader.ReadToEnd(begin, begin_line);
    return reader.Finish();
  };
  // A streaming sink that cannot discard gets one core.
  if (width == 0 || data.size() - begin < o.parallel_bytes || (o.on_chunk && !o.on_discard)) return one_thread();
  Blocks blocks;
  blocks.start.push_back(begin);
  for (size_t at = begin + std::max<size_t>(1, o.block_bytes); at < data.size();
       at += std::max<size_t>(1, o.block_bytes)) {
    size_t nl = FindLineBreak(data, fd, at);
    if (nl == std::string_view::npos || nl + 1 >= data.size()) break;
    if (nl + 1 > blocks.start.back()) blocks.start.push_back(nl + 1);
  }
  blocks.start.push_back(data.size());
  if (blocks.count() < 2) return one_thread();
  blocks.hi = blocks.count();

  // The second thread. Its errors count for the file only if its guesses
  // hold; an error that is not about the data (from a streaming sink's
  // evaluation) discards its rows instead, so that the first thread meets
  // the same row and reports it where it is.
  RangeReader second(data, fd, width, index, file, requests, o, 1);
  second.Reserve(begin, (data.size() - begin) / 2);
  std::vector<ReadBlock> read;  // in the order read: descending
  std::optional<DataError> second_error;
  std::exception_ptr second_other;
  CsvResult second_counts;  // streaming
  std::thread worker([&] {
    try {
      for (;;) {
        size_t j;
        {
          std::lock_guard lock(blocks.m);
          if (blocks.stop || blocks.hi <= blocks.lo) break;
          j = --blocks.hi;
        }
        ReadBlock rb{j, second.table().data().rows, 0, 0, {}};
        std::swap(rb.bad, second.table().data().bad);  // a block's skipped rows are kept apart
        bool ok = j + 1 == blocks.count();             // a block before the last must end where the next begins
        size_t line = 1;
        try {
          line = second.Read(blocks.start[j], 1, blocks.start[j + 1], [&](size_t pos, size_t*) {
            ok = pos == blocks.start[j + 1];
            return false;
          });
        } catch (const DataError& e) {
          second_error.emplace(e);
        }
        std::swap(rb.bad, second.table().data().bad);
        rb.row_end = second.table().data().rows;
        rb.lines = line - 1;
        read.push_back(std::move(rb));
        if (second_error) break;
        if (!ok) {
          std::lock_guard lock(blocks.m);
          blocks.broken = true;
          break;
        }
      }
      if (o.on_chunk && !second_error && !blocks.broken) second_counts = second.Finish();
    } catch (...) {
      second_other = std::current_exception();
      std::lock_guard lock(blocks.m);
      blocks.broken = true;
    }
    std::lock_guard lock(blocks.m);
    blocks.done = true;
    blocks.cv.notify_all();
  });

  RangeReader first(data, fd, width, index, file, requests, o, 0);
  // The first thread reserves room for the whole file, so that joining the
  // second thread's rows to it appends without moving its own.
  first.Reserve(begin, data.size() - begin);
  bool met = false;      // the first thread stopped where the second began
  size_t meet_line = 0;  // the line where the second thread's first block begins
  try {
    size_t end_line = first.Read(begin, begin_line, blocks.start[1], [&](size_t pos, size_t* bound) {
      std::unique_lock lock(blocks.m);
      while (blocks.lo < blocks.hi) {
        *bound = blocks.start[++blocks.lo];  // take the next block
        if (*bound > pos) return true;
      }
      // The next block is the second thread's: wait for it to finish, then
      // check where it started.
      blocks.stop = true;
      blocks.cv.wait(lock, [&] { return blocks.done; });
      if (!blocks.broken && blocks.hi < blocks.count() && pos == blocks.start[blocks.hi]) {
        met = true;
        return false;
      }
      *bound = SIZE_MAX;  // read on to the end; the second thread's rows are not the file's
      return true;
    });
    meet_line = end_line;
  } catch (...) {
    {
      std::lock_guard lock(blocks.m);
      blocks.stop = true;
    }
    worker.join();
    throw;  // the earlier error wins
  }
  worker.join();
  if (!met) {  // the first thread read to the end
    if (o.on_chunk) o.on_discard(1);
    return first.Finish();
  }
  // The second thread's blocks, in file order, start on these lines.
  std::reverse(read.begin(), read.end());
  std::vector<size_t> first_line(read.size());
  for (size_t k = 0, line = meet_line; k < read.size(); ++k) {
    first_line[k] = line;
    line += read[k].lines;
  }
  if (second_error) throw second_error->Shifted(first_line[0] - 1);  // its lowest block is the one that failed
  CsvResult a = first.Finish();
  CsvResult b = o.on_chunk ? std::move(second_counts) : second.table().Finish();
  if (!o.on_chunk) {
    for (size_t c = 0; c < a.columns.size() && c < b.columns.size(); ++c) {
      Column& to = a.columns[c];
      const Column& from = b.columns[c];
      std::vector<uint32_t> remap;
      if (to.type == ColType::kString) {
        remap.resize(from.dict.size());
        for (uint32_t k = 0; k < from.dict.size(); ++k) remap[k] = to.dict.Intern(from.dict.At(k));
      }
      for (const ReadBlock& rb : read) AppendRows(to, from, rb.row_begin, rb.row_end, remap);
    }
  }
  a.rows += b.rows;
  a.skipped += b.skipped;
  for (size_t k = 0; k < read.size(); ++k)
    for (const BadRow& bad : read[k].bad)
      if (a.bad.size() < o.max_reported)
        a.bad.push_back({bad.line + first_line[k] - 1, bad.column, bad.value, bad.reason});
  return a;
}

}  // namespace

CsvResult ParseCsv(std::string_view data, const std::string& file, const std::vector<CsvColumnRequest>& requests,
                   const CsvOptions& o) {
  return Parse(data, -1, file, requests, o);
}

TableBuilder::TableBuilder(const std::vector<CsvColumnRequest>& requests, const CsvOptions& options)
    : requests_(requests), options_(options) {
  data_.columns.resize(requests.size());
  for (size_t r = 0; r < requests.size(); ++r) {
    data_.columns[r].name = requests[r].name;
    data_.columns[r].type = requests[r].type;
    data_.columns[r].scale = requests[r].scale;
    data_.columns[r].null_free = true;  // empty; AppendNull clears it
  }
}

void TableBuilder::ClearRows() {
  for (Column& c : data_.columns) c.Truncate(0);
  data_.rows = 0;
}

namespace {

/// Asks for transparent huge pages under a large column's buffer: filling
/// hundreds of megabytes of fresh memory 4 KiB at a time costs a page fault
/// per page, which on a virtual machine is most of reading a large file
/// whole. Advice only: without huge pages nothing changes.
template <class T>
void AdviseHugePages(std::vector<T>& v) {
  size_t bytes = v.capacity() * sizeof(T);
  if (bytes < (size_t{8} << 20)) return;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(v.data()) + 4095) & ~uintptr_t{4095};
  uintptr_t end = (reinterpret_cast<uintptr_t>(v.data()) + bytes) & ~uintptr_t{4095};
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

void TableBuilder::Reserve(size_t rows) {
  for (Column& c : data_.columns) {
    c.valid.reserve(rows);
    AdviseHugePages(c.valid);
    if (c.type == ColType::kFloat) {
      c.floats.reserve(rows);
      AdviseHugePages(c.floats);
    } else if (c.type == ColType::kString) {
      c.codes.reserve(rows);
      AdviseHugePages(c.codes);
    } else {
      c.ints.reserve(rows);
      AdviseHugePages(c.ints);
    }
  }
}

bool TableBuilder::Add(size_t column, const Field* field) {
  Column& col = data_.columns[column];
  if (!field) {
    AppendNull(col);
    return true;
  }
  reason_ = AppendField(col, *field, options_);
  if (reason_.empty()) return true;
  bad_column_ = requests_[column].name;
  bad_value_ = std::string(field->text);
  return false;
}

void TableBuilder::FailRow(std::string reason) {
  reason_ = std::move(reason);
  bad_column_.clear();
  bad_value_.clear();
}

void TableBuilder::EndRow(const std::string& file, size_t line) {
  if (reason_.empty()) {
    ++data_.rows;
    return;
  }
  for (Column& c : data_.columns) c.Truncate(data_.rows);
  if (!options_.skip_bad_rows) throw DataError(file, line, bad_column_, bad_value_, reason_);
  ++data_.skipped;
  if (data_.bad.size() < options_.max_reported) data_.bad.push_back({line, bad_column_, bad_value_, reason_});
  reason_.clear();
}

CsvResult ReadCsv(const std::string& path, const std::vector<CsvColumnRequest>& columns, const CsvOptions& options) {
  // Not blocking: a FIFO in place of the file would wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw DataError(path, 0, "", "", std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw DataError(path, 0, "", "", "not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return ParseCsv({}, path, columns, options);
  }
  // The fast path reads the file with pread(2) (see RangeReader::Fill);
  // the mapping serves the header, the general path and the block starts,
  // and its pages are mapped in only where those read.
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    int err = errno;
    ::close(fd);
    throw DataError(path, 0, "", "", std::string("cannot map: ") + std::strerror(err));
  }
  // A file that shrinks under the mapping raises SIGBUS; the driver's
  // handler names this file (see MappedFile).
  MappedFile() = path.c_str();
  // A file that changed while it was read gives rows from two versions (or
  // a row cut in half): refuse them rather than evaluate a mixture.
  auto changed = [&] {
    struct stat after;
    return ::stat(path.c_str(), &after) != 0 || after.st_size != st.st_size ||
           after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec ||
           after.st_ino != st.st_ino;
  };
  const char* why = "the file changed (or disappeared) while it was being read; nothing was evaluated, run again";
  CsvResult r;
  try {
    r = Parse(std::string_view(static_cast<const char*>(map), size), fd, path, columns, options);
  } catch (const DataError&) {
    ::close(fd);
    ::munmap(map, size);
    MappedFile() = nullptr;
    if (changed()) throw DataError(path, 0, "", "", why);
    throw;
  } catch (...) {
    ::close(fd);
    ::munmap(map, size);
    MappedFile() = nullptr;
    throw;
  }
  ::close(fd);
  ::munmap(map, size);
  MappedFile() = nullptr;
  if (changed()) throw DataError(path, 0, "", "", why);
  return r;
}

std::atomic<const char*>& MappedFile() {
  static std::atomic<const char*> file{nullptr};
  return file;
}

}  // namespace kpic::rt
