// Deterministic generator of the benchmark's retail tables (see
// ../shared/design/benchmark.md): orders.csv with ROWS rows (default 10M)
// and sessions.csv (date × store × channel). Same rows and seed, same bytes.
// Usage: gen_orders OUT_DIR [ROWS] [SEED]
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "datetime.h"

namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

const char* kChannels[] = {"offline", "online", "app", "wechat"};
const char* kTypes[] = {"new", "returning", "vip"};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_orders OUT_DIR [ROWS] [SEED]\n");
    return 2;
  }
  std::string dir = argv[1];
  uint64_t rows = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000;
  Rng rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20260101};
  const int32_t start = *kpic::rt::DaysFromCivil(2025, 1, 1);
  const int64_t span_seconds = int64_t{730} * 86400;
  std::FILE* f = std::fopen((dir + "/orders.csv").c_str(), "wb");
  if (!f) return 1;
  static char buf[1 << 20];
  std::setvbuf(f, buf, _IOFBF, sizeof buf);
  std::fputs("order_id,ts,store_id,channel,product_id,category,customer_id,customer_type,amount,qty,discount,returned\n",
             f);
  for (uint64_t i = 0; i < rows; ++i) {
    // Timestamps in time order over two years.
    int64_t t = static_cast<int64_t>((static_cast<unsigned __int128>(i) * span_seconds) / rows);
    int32_t day = start + static_cast<int32_t>(t / 86400);
    int y, m, d;
    kpic::rt::CivilFromDays(day, &y, &m, &d);
    int64_t sec = t % 86400;
    uint64_t product = rng.Below(20000);
    uint64_t type = rng.Below(100);
    const char* ctype = type < 10 ? kTypes[2] : type < 55 ? kTypes[1] : kTypes[0];
    uint64_t qty = 1 + rng.Below(5);
    uint64_t cents = (500 + rng.Below(50000)) * qty;
    uint64_t discount = rng.Below(4) == 0 ? rng.Below(30) : 0;  // 0.00 .. 0.29
    std::fprintf(f, "%" PRIu64 ",%04d-%02d-%02dT%02d:%02d:%02d,%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                    ",%s,%" PRIu64 ".%02" PRIu64 ",%" PRIu64 ",0.%02" PRIu64 ",%d\n",
                 i + 1, y, m, d, static_cast<int>(sec / 3600), static_cast<int>(sec % 3600 / 60),
                 static_cast<int>(sec % 60), 1 + rng.Below(500), kChannels[rng.Below(4)], product + 1, product % 40 + 1,
                 1 + rng.Below(1000000), ctype, cents / 100, cents % 100, qty, discount, rng.Below(100) < 5 ? 1 : 0);
  }
  std::fclose(f);
  f = std::fopen((dir + "/sessions.csv").c_str(), "wb");
  if (!f) return 1;
  std::fputs("date,store_id,channel,visitors\n", f);
  for (int32_t day = start; day < start + 730; ++day) {
    int y, m, d;
    kpic::rt::CivilFromDays(day, &y, &m, &d);
    for (int store = 1; store <= 500; ++store)
      for (const char* ch : kChannels)
        std::fprintf(f, "%04d-%02d-%02d,%d,%s,%" PRIu64 "\n", y, m, d, store, ch, 50 + rng.Below(400));
  }
  std::fclose(f);
  return 0;
}
