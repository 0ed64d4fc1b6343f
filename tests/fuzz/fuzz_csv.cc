// libFuzzer target for the CSV reader: arbitrary bytes parsed as a CSV with
// one column of every type, in both error modes, once with the fast path,
// once with the general path alone, and once on two threads in blocks of a
// few bytes with a fast-path buffer of a few bytes (their sizes taken from
// the input's length). A DataError is a correct answer; a crash, a
// sanitizer report, misaligned columns, or the readings disagreeing (on a
// value, a null, the row counts or the error) are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "csv.h"

namespace {

using namespace kpic::rt;

/// Everything a parse produced, strings decoded, or the error's message.
std::string Outcome(std::string_view text, const std::vector<CsvColumnRequest>& cols, const CsvOptions& o) {
  std::string out;
  try {
    CsvResult r = ParseCsv(text, "fuzz.csv", cols, o);
    out = "rows " + std::to_string(r.rows) + " skipped " + std::to_string(r.skipped) + "\n";
    for (const BadRow& b : r.bad) out += std::to_string(b.line) + " " + b.column + " " + b.reason + "\n";
    for (const Column& c : r.columns) {
      if (c.size() != r.rows) std::abort();
      for (size_t i = 0; i < c.size(); ++i) {
        if (!c.valid[i]) {
          out += "null|";
        } else if (c.type == ColType::kString) {
          if (c.codes[i] >= c.dict.size()) std::abort();
          out += c.dict.At(c.codes[i]) + "|";
        } else if (c.type == ColType::kFloat) {
          out += std::to_string(c.floats[i]) + "|";
        } else {
          out += std::to_string(c.ints[i]) + "|";
        }
      }
      out += "\n";
    }
  } catch (const DataError& e) {
    out = std::string("error ") + e.what();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<CsvColumnRequest> cols = {{"a", "a", ColType::kInt, 0},       {"b", "b", ColType::kDecimal, 2},
                                        {"c", "c", ColType::kString, 0},    {"d", "d", ColType::kDate, 0},
                                        {"e", "e", ColType::kTimestamp, 0}, {"f", "f", ColType::kBool, 0},
                                        {"g", "g", ColType::kFloat, 0}};
  for (bool skip : {false, true}) {
    CsvOptions o;
    o.skip_bad_rows = skip;
    o.nulls = {"NA"};
    for (bool header : {true, false}) {
      o.header = header;
      o.fast_path = true;
      std::string fast = Outcome(text, cols, o);
      o.fast_path = false;
      if (fast != Outcome(text, cols, o)) std::abort();
      o.fast_path = true;
      o.parallel_bytes = 0;
      o.block_bytes = 1 + size % 61;
      o.window_bytes = 16 + size % 47;
      if (fast != Outcome(text, cols, o)) std::abort();
      o.parallel_bytes = CsvOptions{}.parallel_bytes;
      o.window_bytes = CsvOptions{}.window_bytes;
    }
  }
  return 0;
}
