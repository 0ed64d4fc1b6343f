// libFuzzer target for the CSV reader: arbitrary bytes parsed as a CSV with
// one column of every type, in both error modes. A DataError is a correct
// answer; a crash, a sanitizer report or misaligned columns are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kpic::rt;
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
      try {
        CsvResult r = ParseCsv(text, "fuzz.csv", cols, o);
        for (const Column& c : r.columns) {
          if (c.size() != r.rows) std::abort();
          for (size_t i = 0; i < c.codes.size(); ++i)
            if (c.valid[i] && c.codes[i] >= c.dict.size()) std::abort();
        }
      } catch (const DataError&) {
      }
    }
  }
  return 0;
}
