// The hand-written limit for workloads Q1 and Q2 (../shared/design/benchmark.md):
// plain C++ loops over in-memory columns, on two threads, with exact
// decimal sums and exact distinct counts. The columns are read first with
// kpic's CSV reader (not timed); only the loops are timed.
// Usage: hand_q OUT_DIR   (OUT_DIR holds orders.csv and sessions.csv)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "calendar.h"
#include "csv.h"
#include "decimal.h"

using namespace kpic::rt;

namespace {

double Ms(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
}

struct Q1Group {
  __int128 revenue = 0, amount_discount = 0, vip = 0;
  int64_t orders = 0, returned = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hand_q OUT_DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  CsvOptions o;
  std::vector<CsvColumnRequest> req = {{"ts", "ts", ColType::kTimestamp, 0},
                                       {"store_id", "store_id", ColType::kString, 0},
                                       {"channel", "channel", ColType::kString, 0},
                                       {"customer_id", "customer_id", ColType::kInt, 0},
                                       {"customer_type", "customer_type", ColType::kString, 0},
                                       {"amount", "amount", ColType::kDecimal, 2},
                                       {"discount", "discount", ColType::kDecimal, 2},
                                       {"returned", "returned", ColType::kBool, 0}};
  CsvResult t = ReadCsv(dir + "/orders.csv", req, o);
  std::vector<CsvColumnRequest> sreq = {{"date", "date", ColType::kDate, 0},
                                        {"store_id", "store_id", ColType::kString, 0},
                                        {"visitors", "visitors", ColType::kInt, 0}};
  CsvResult sessions = ReadCsv(dir + "/sessions.csv", sreq, o);
  const size_t n = t.rows;
  const auto& ts = t.columns[0].ints;
  const auto& store = t.columns[1].codes;
  const auto& channel = t.columns[2].codes;
  const auto& customer = t.columns[3].ints;
  const auto& ctype = t.columns[4];
  const auto& amount = t.columns[5].ints;
  const auto& discount = t.columns[6].ints;
  const auto& returned = t.columns[7].ints;
  uint32_t vip_code = UINT32_MAX;
  for (uint32_t c = 0; c < ctype.dict.size(); ++c)
    if (ctype.dict.At(c) == "vip") vip_code = c;
  const size_t channels = t.columns[2].dict.size(), stores = t.columns[1].dict.size();
  // Month of a timestamp (UTC): 2 years from 2025-01.
  const int64_t month0 = PeriodOf(Grain::kMonth, LocalDay(ts[0], {}), {});
  auto month_of = [&](int64_t micros) { return static_cast<size_t>(PeriodOf(Grain::kMonth, static_cast<int32_t>(micros / 86400000000LL), {}) - month0); };
  const size_t months = month_of(ts[n - 1]) + 1;

  // ---- Q1: month x channel ----------------------------------------------------------------
  auto start = std::chrono::steady_clock::now();
  std::vector<std::vector<Q1Group>> part(2, std::vector<Q1Group>(months * channels));
  // Exact distinct customers per group: one bitmap per group and thread.
  int64_t max_customer = 0;
  for (int64_t c : customer) max_customer = std::max(max_customer, c);
  const size_t words = static_cast<size_t>(max_customer / 64 + 1);
  std::vector<std::vector<uint64_t>> bits(2, std::vector<uint64_t>(months * channels * words, 0));
  auto q1 = [&](int p) {
    size_t lo = n * p / 2, hi = n * (p + 1) / 2;
    int32_t last_day = INT32_MIN;
    size_t m = 0;
    for (size_t i = lo; i < hi; ++i) {
      int32_t day = static_cast<int32_t>(ts[i] / 86400000000LL);
      if (day != last_day) last_day = day, m = month_of(ts[i]);
      size_t g = m * channels + channel[i];
      Q1Group& q = part[p][g];
      q.revenue += amount[i];
      q.amount_discount += static_cast<__int128>(amount[i]) * discount[i];
      if (ctype.codes[i] == vip_code) q.vip += amount[i];
      q.orders += 1;
      q.returned += returned[i];
      bits[p][g * words + static_cast<size_t>(customer[i]) / 64] |= uint64_t{1} << (customer[i] % 64);
    }
  };
  std::thread th(q1, 1);
  q1(0);
  th.join();
  double checksum = 0;
  int64_t distinct_total = 0;
  for (size_t g = 0; g < months * channels; ++g) {
    auto& a = part[0][g];
    const auto& b = part[1][g];
    a.revenue += b.revenue, a.amount_discount += b.amount_discount, a.vip += b.vip;
    a.orders += b.orders, a.returned += b.returned;
    for (size_t w = 0; w < words; ++w)
      distinct_total += __builtin_popcountll(bits[0][g * words + w] | bits[1][g * words + w]);
    if (a.orders) checksum += static_cast<double>(a.revenue) / 100 / a.orders + static_cast<double>(a.vip) / a.revenue;
  }
  double q1_ms = Ms(start);
  __int128 revenue = 0;
  for (auto& g : part[0]) revenue += g.revenue;

  // ---- Q2: store x month, plus conversion over sessions -------------------------------------
  start = std::chrono::steady_clock::now();
  std::vector<std::vector<Q1Group>> part2(2, std::vector<Q1Group>(months * stores));
  std::vector<std::vector<std::vector<int64_t>>> seen2(2, std::vector<std::vector<int64_t>>(months * stores));
  auto q2 = [&](int p) {
    size_t lo = n * p / 2, hi = n * (p + 1) / 2;
    int32_t last_day = INT32_MIN;
    size_t m = 0;
    for (size_t i = lo; i < hi; ++i) {
      int32_t day = static_cast<int32_t>(ts[i] / 86400000000LL);
      if (day != last_day) last_day = day, m = month_of(ts[i]);
      size_t g = store[i] * months + m;
      Q1Group& q = part2[p][g];
      q.revenue += amount[i];
      q.amount_discount += static_cast<__int128>(amount[i]) * discount[i];
      if (ctype.codes[i] == vip_code) q.vip += amount[i];
      q.orders += 1;
      q.returned += returned[i];
      seen2[p][g].push_back(customer[i]);
    }
  };
  std::thread th2(q2, 1);
  q2(0);
  th2.join();
  // Visitors per store and month; sessions' store codes are mapped by name.
  std::vector<uint32_t> store_of(sessions.columns[1].dict.size(), UINT32_MAX);
  for (uint32_t c = 0; c < store_of.size(); ++c)
    for (uint32_t k = 0; k < stores; ++k)
      if (t.columns[1].dict.At(k) == sessions.columns[1].dict.At(c)) store_of[c] = k;
  std::vector<int64_t> visitors(months * stores, 0);
  for (size_t i = 0; i < sessions.rows; ++i) {
    int64_t m = PeriodOf(Grain::kMonth, static_cast<int32_t>(sessions.columns[0].ints[i]), {}) - month0;
    uint32_t s = store_of[sessions.columns[1].codes[i]];
    if (m >= 0 && static_cast<size_t>(m) < months && s != UINT32_MAX) visitors[s * months + m] += sessions.columns[2].ints[i];
  }
  double conv = 0;
  for (size_t g = 0; g < months * stores; ++g) {
    auto& a = part2[0][g];
    a.orders += part2[1][g].orders;
    a.revenue += part2[1][g].revenue;
    auto& s = seen2[0][g];
    s.insert(s.end(), seen2[1][g].begin(), seen2[1][g].end());
    std::sort(s.begin(), s.end());
    distinct_total += std::unique(s.begin(), s.end()) - s.begin();
    if (visitors[g]) conv += static_cast<double>(a.orders) / visitors[g];
  }
  double q2_ms = Ms(start);
  std::printf("hand rows=%zu revenue=%s q1_ms=%.0f q2_ms=%.0f (checksums %.6f %.6f %lld)\n", n,
              FormatDecimal(revenue, 2).c_str(), q1_ms, q2_ms, checksum, conv, static_cast<long long>(distinct_total));
  return 0;
}
