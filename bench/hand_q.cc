// The hand-written limit for workloads Q1 and Q2 (../shared/design/benchmark.md):
// plain C++ loops over in-memory columns, on two threads, with exact
// decimal sums and exact distinct counts. Not timed: reading the columns
// with kpic's CSV reader, and then precomputing what a tight loop reads
// instead of the raw columns (the month of each row as a one-byte code,
// narrow dictionary codes, a vip flag, customer ids as offsets from the
// smallest id). Timed: the loops, each thread's state (allocation and
// zeroing included), the merge of the threads' states, the distinct counts
// and the metrics of every group. Both loops compute all of Q1's metrics:
// revenue = sum(amount), orders_n = count, customers = count_distinct
// (customer_id), aov = avg(amount), discount_rate = sum(amount * discount)
// / revenue, return_rate = avg(returned), vip_revenue_share = sum(amount
// where customer_type == "vip") / revenue (bench/q.kpi); Q2 per store x
// month, plus conversion = orders_n / sum(sessions.visitors) on store and
// month.
// Usage: hand_q OUT_DIR [--print]   (OUT_DIR holds orders.csv and sessions.csv;
// --print writes every group's metrics to stderr, for comparing with kpic)
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "calendar.h"
#include "csv.h"
#include "decimal.h"

using namespace kpic::rt;

namespace {

double Ms(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "hand_q: %s\n", what);
  std::exit(1);
}

/// `count` zeroed T (T all zero bytes when zero) from mmap(2), advised to
/// transparent huge pages, as kpic advises its groups' states: on a virtual
/// machine a page fault per 4 KiB costs more than the loop filling the pages
/// (the two 12 MB bitmaps of Q1 took 35-47 ms to zero in 4 KiB pages).
template <typename T>
class Zeroed {
 public:
  explicit Zeroed(size_t count) {
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    len_ = count * sizeof(T) + kHuge;
    base_ = ::mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base_ == MAP_FAILED) Fail("out of memory");
    uintptr_t b = reinterpret_cast<uintptr_t>(base_), a = (b + kHuge - 1) & ~(kHuge - 1);
    ::madvise(reinterpret_cast<void*>(a), len_ - (a - b), MADV_HUGEPAGE);
    p_ = reinterpret_cast<T*>(a);
  }
  ~Zeroed() { ::munmap(base_, len_); }
  Zeroed(const Zeroed&) = delete;
  Zeroed& operator=(const Zeroed&) = delete;
  T* data() const { return p_; }
  T& operator[](size_t i) const { return p_[i]; }

 private:
  void* base_;
  size_t len_;
  T* p_;
};

/// The orders columns as the loops read them (built before the timer starts).
struct Orders {
  size_t n = 0;
  std::vector<uint8_t> month;      ///< month ordinal - month0 (UTC)
  std::vector<uint8_t> channel;    ///< channel dictionary code
  std::vector<uint16_t> store;     ///< store dictionary code
  std::vector<uint8_t> vip;        ///< 1 when customer_type is "vip"
  std::vector<uint8_t> returned;   ///< 0 or 1
  std::vector<uint32_t> customer;  ///< customer_id - smallest customer_id
  const int64_t* amount = nullptr;    ///< cents (decimal(2)), as read
  const int64_t* discount = nullptr;  ///< hundredths (decimal(2)), as read
  size_t months = 0, channels = 0, stores = 0;
  size_t words = 0;  ///< 64-bit words of a bitmap over the customer offsets
};

/// Exact sums. Acc is int64_t only when the data proves that no sum can
/// leave 64 bits (see Exact64), else __int128.
template <typename Acc>
struct Sums {
  Acc revenue = 0, amount_discount = 0, vip = 0;
  int64_t orders = 0, returned = 0;
};

/// Whether 64-bit sums are exact on these columns. Every summed term
/// (amount, amount * discount, amount or 0) is at most A * max(1, D) in
/// magnitude, where A and D bound |amount| and |discount|; a group has at
/// most n rows, so each partial and merged sum is at most n * A * max(1, D).
/// When that is below 2^63 no product or sum overflows int64 and the int64
/// sums are the exact ones (on the 10M-row data: 1e7 * 252495 * 29 ~ 7.3e13).
bool Exact64(const Orders& o) {
  unsigned __int128 a = 0, d = 1;
  for (size_t i = 0; i < o.n; ++i) {
    a = std::max<unsigned __int128>(a, o.amount[i] < 0 ? -static_cast<__int128>(o.amount[i]) : o.amount[i]);
    d = std::max<unsigned __int128>(d, o.discount[i] < 0 ? -static_cast<__int128>(o.discount[i]) : o.discount[i]);
  }
  // a, d <= 2^63, so a * d <= 2^126 does not overflow; n * a * d is compared by division.
  const unsigned __int128 term = a * d, limit = (static_cast<unsigned __int128>(1) << 63) - 1;
  return term == 0 || (term <= limit && o.n <= limit / term);
}

/// Adds the row's sums into its group (the one body of both loops).
template <typename Acc>
inline void Add(const Orders& o, size_t i, Sums<Acc>& q) {
  const int64_t a = o.amount[i];
  q.revenue += a;
  q.amount_discount += static_cast<Acc>(a) * static_cast<Acc>(o.discount[i]);
  q.vip += static_cast<Acc>(a & -static_cast<int64_t>(o.vip[i]));
  q.orders += 1;
  q.returned += o.returned[i];
}

struct Metrics {
  __int128 revenue = 0;  ///< cents
  int64_t orders = 0, customers = 0;
  double aov = 0, discount_rate = 0, return_rate = 0, vip_share = 0, conversion = 0;
};

template <typename Acc>
Metrics MetricsOf(const Sums<Acc>& a, const Sums<Acc>& b, int64_t customers) {
  Metrics m;
  m.revenue = static_cast<__int128>(a.revenue) + b.revenue;
  __int128 ad = static_cast<__int128>(a.amount_discount) + b.amount_discount;  // scale 4
  __int128 vip = static_cast<__int128>(a.vip) + b.vip;
  m.orders = a.orders + b.orders;
  m.customers = customers;
  if (m.orders) {
    m.aov = static_cast<double>(m.revenue) / 100 / static_cast<double>(m.orders);
    m.return_rate = static_cast<double>(a.returned + b.returned) / static_cast<double>(m.orders);
  }
  if (m.revenue) {
    m.discount_rate = static_cast<double>(ad) / 100 / static_cast<double>(m.revenue);
    m.vip_share = static_cast<double>(vip) / static_cast<double>(m.revenue);
  }
  return m;
}

/// Q1: month x channel. Each thread keeps its groups' sums and one bitmap
/// of customers per group; the distinct count of a group is the popcount
/// of the OR of the two threads' bitmaps.
template <typename Acc>
std::vector<Metrics> Q1(const Orders& o) {
  static_assert(std::is_trivially_copyable_v<Sums<Acc>>);
  const size_t groups = o.months * o.channels, words = o.words;
  struct Part {
    explicit Part(size_t groups, size_t words) : sums(groups), bits(groups * words) {}
    Zeroed<Sums<Acc>> sums;
    Zeroed<uint64_t> bits;
  };
  Part part0(groups, words), part1(groups, words);
  Part* part[2] = {&part0, &part1};
  auto scan = [&](int p) {
    Sums<Acc>* sums = part[p]->sums.data();
    uint64_t* bits = part[p]->bits.data();
    const uint8_t* month = o.month.data();
    const uint8_t* channel = o.channel.data();
    const uint32_t* customer = o.customer.data();
    const size_t channels = o.channels;
    for (size_t i = o.n * p / 2, hi = o.n * (p + 1) / 2; i < hi; ++i) {
      const size_t g = month[i] * channels + channel[i];
      Add(o, i, sums[g]);
      const uint32_t c = customer[i];
      bits[g * words + (c >> 6)] |= uint64_t{1} << (c & 63);
    }
  };
  std::thread second(scan, 1);
  scan(0);
  second.join();
  std::vector<Metrics> out(groups);
  auto finish = [&](size_t lo, size_t hi) {
    for (size_t g = lo; g < hi; ++g) {
      const uint64_t* a = part0.bits.data() + g * words;
      const uint64_t* b = part1.bits.data() + g * words;
      int64_t distinct = 0;
      for (size_t w = 0; w < words; ++w) distinct += __builtin_popcountll(a[w] | b[w]);
      out[g] = MetricsOf(part0.sums[g], part1.sums[g], distinct);
    }
  };
  std::thread other(finish, groups / 2, groups);
  finish(0, groups / 2);
  other.join();
  return out;
}

/// Q2: store x month, plus conversion. A bitmap per group would take
/// 12,000 x 125 kB, so each thread, after summing its rows, sorts its rows'
/// customers by group (a counting sort: the groups' row counts are the
/// offsets). A group's exact distinct count then sets the bits of its
/// customers from both threads in one bitmap over all customers (125 kB,
/// held in cache), counting the bits it newly sets, and clears them again.
template <typename Acc>
std::vector<Metrics> Q2(const Orders& o, const std::vector<uint16_t>& s_month, const std::vector<uint16_t>& s_store,
                        const std::vector<int64_t>& s_visitors) {
  const size_t groups = o.stores * o.months, words = o.words;
  struct Part {
    Part(size_t groups, size_t rows) : sums(groups), start(groups + 1), customers(rows) {}
    Zeroed<Sums<Acc>> sums;
    Zeroed<size_t> start;          ///< a group's first customer in `customers`
    Zeroed<uint32_t> customers;    ///< the part's customers, by group
  };
  Part part0(groups, o.n / 2), part1(groups, o.n - o.n / 2);
  Part* part[2] = {&part0, &part1};
  auto scan = [&](int p) {
    Part& me = *part[p];
    Sums<Acc>* sums = me.sums.data();
    const uint8_t* month = o.month.data();
    const uint16_t* store = o.store.data();
    const uint32_t* customer = o.customer.data();
    const size_t months = o.months, lo = o.n * p / 2, hi = o.n * (p + 1) / 2;
    for (size_t i = lo; i < hi; ++i) Add(o, i, sums[store[i] * months + month[i]]);
    size_t* next = me.start.data();  // the next free slot of each group, then the start of the next group
    for (size_t g = 0, at = 0; g < groups; ++g) next[g] = at, at += static_cast<size_t>(sums[g].orders);
    uint32_t* out = me.customers.data();
    for (size_t i = lo; i < hi; ++i) out[next[store[i] * months + month[i]]++] = customer[i];
    for (size_t g = groups; g > 0; --g) next[g] = next[g - 1];
    next[0] = 0;
  };
  std::thread second(scan, 1);
  scan(0);
  second.join();
  // Visitors per store and month (the sessions' months and stores are codes of the orders').
  std::vector<int64_t> visitors(groups, 0);
  for (size_t i = 0; i < s_visitors.size(); ++i)
    if (s_month[i] != UINT16_MAX && s_store[i] != UINT16_MAX)
      visitors[s_store[i] * o.months + s_month[i]] += s_visitors[i];
  std::vector<Metrics> out(groups);
  auto finish = [&](size_t lo, size_t hi) {
    std::vector<uint64_t> bits(words, 0);
    for (size_t g = lo; g < hi; ++g) {
      int64_t distinct = 0;
      for (Part* p : part)
        for (size_t k = p->start[g]; k < p->start[g + 1]; ++k) {
          const uint32_t c = p->customers[k];
          uint64_t& w = bits[c >> 6];
          const uint64_t bit = uint64_t{1} << (c & 63);
          distinct += (w & bit) == 0;
          w |= bit;
        }
      for (Part* p : part)
        for (size_t k = p->start[g]; k < p->start[g + 1]; ++k) bits[p->customers[k] >> 6] = 0;
      out[g] = MetricsOf(part0.sums[g], part1.sums[g], distinct);
      if (visitors[g]) out[g].conversion = static_cast<double>(out[g].orders) / static_cast<double>(visitors[g]);
    }
  };
  std::thread other(finish, groups / 2, groups);
  finish(0, groups / 2);
  other.join();
  return out;
}

/// A checksum over every metric of every group, so that none is optimised away.
double Checksum(const std::vector<Metrics>& ms, int64_t* distinct) {
  double sum = 0;
  for (const Metrics& m : ms) {
    sum += m.aov + m.discount_rate + m.return_rate + m.vip_share + m.conversion;
    *distinct += m.customers;
  }
  return sum;
}

void Print(const char* q, const std::vector<Metrics>& ms, int64_t month0, size_t months, const StringDict& dim,
           bool month_major) {
  for (size_t g = 0; g < ms.size(); ++g) {
    const Metrics& m = ms[g];
    if (!m.orders) continue;
    size_t month = month_major ? g / dim.size() : g % months, d = month_major ? g % dim.size() : g / months;
    std::fprintf(stderr, "%s,%s,%s,%s,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g\n", q,
                 PeriodLabel(Grain::kMonth, month0 + static_cast<int64_t>(month), {}).c_str(),
                 dim.At(static_cast<uint32_t>(d)).c_str(), FormatDecimal(m.revenue, 2).c_str(),
                 static_cast<long long>(m.orders), static_cast<long long>(m.customers), m.aov, m.discount_rate,
                 m.return_rate, m.vip_share, m.conversion);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hand_q OUT_DIR [--print]\n");
    return 2;
  }
  std::string dir = argv[1];
  bool print = argc > 2 && std::strcmp(argv[2], "--print") == 0;
  CsvOptions opts;
  std::vector<CsvColumnRequest> req = {{"ts", "ts", ColType::kTimestamp, 0},
                                       {"store_id", "store_id", ColType::kString, 0},
                                       {"channel", "channel", ColType::kString, 0},
                                       {"customer_id", "customer_id", ColType::kInt, 0},
                                       {"customer_type", "customer_type", ColType::kString, 0},
                                       {"amount", "amount", ColType::kDecimal, 2},
                                       {"discount", "discount", ColType::kDecimal, 2},
                                       {"returned", "returned", ColType::kBool, 0}};
  CsvResult t = ReadCsv(dir + "/orders.csv", req, opts);
  std::vector<CsvColumnRequest> sreq = {{"date", "date", ColType::kDate, 0},
                                        {"store_id", "store_id", ColType::kString, 0},
                                        {"visitors", "visitors", ColType::kInt, 0}};
  CsvResult sessions = ReadCsv(dir + "/sessions.csv", sreq, opts);
  if (t.rows == 0) Fail("no orders");

  // ---- precomputed, not timed --------------------------------------------------------------
  Orders o;
  o.n = t.rows;
  const auto& ts = t.columns[0].ints;
  const auto& customer = t.columns[3].ints;
  const Column& ctype = t.columns[4];
  o.amount = t.columns[5].ints.data();
  o.discount = t.columns[6].ints.data();
  o.channels = t.columns[2].dict.size();
  o.stores = t.columns[1].dict.size();
  if (o.channels > 256 || o.stores >= UINT16_MAX) Fail("too many channels or stores for the narrow codes");
  // Months (UTC), as ordinals from the first; the day's month is cached (rows need not be in time order).
  std::vector<int64_t> period(o.n);
  int64_t month0 = INT64_MAX, month_last = INT64_MIN;
  int32_t last_day = INT32_MIN;
  int64_t last_period = 0;
  for (size_t i = 0; i < o.n; ++i) {
    int32_t day = LocalDay(ts[i], {});
    if (day != last_day) last_day = day, last_period = PeriodOf(Grain::kMonth, day, {});
    period[i] = last_period;
    month0 = std::min(month0, last_period), month_last = std::max(month_last, last_period);
  }
  o.months = static_cast<size_t>(month_last - month0 + 1);
  if (o.months > 256) Fail("more than 256 months for the one-byte month codes");
  o.month.resize(o.n);
  for (size_t i = 0; i < o.n; ++i) o.month[i] = static_cast<uint8_t>(period[i] - month0);
  std::vector<int64_t>().swap(period);
  uint32_t vip_code = UINT32_MAX;
  for (uint32_t c = 0; c < ctype.dict.size(); ++c)
    if (ctype.dict.At(c) == "vip") vip_code = c;
  int64_t cmin = *std::min_element(customer.begin(), customer.end());
  int64_t cmax = *std::max_element(customer.begin(), customer.end());
  if (static_cast<unsigned __int128>(static_cast<__int128>(cmax) - cmin) >= UINT32_MAX)
    Fail("customer ids span more than 32 bits");
  o.words = static_cast<size_t>((cmax - cmin) / 64 + 1);
  o.channel.resize(o.n), o.store.resize(o.n), o.vip.resize(o.n), o.returned.resize(o.n), o.customer.resize(o.n);
  for (size_t i = 0; i < o.n; ++i) {
    o.channel[i] = static_cast<uint8_t>(t.columns[2].codes[i]);
    o.store[i] = static_cast<uint16_t>(t.columns[1].codes[i]);
    o.vip[i] = ctype.codes[i] == vip_code;
    o.returned[i] = t.columns[7].ints[i] != 0;
    o.customer[i] = static_cast<uint32_t>(customer[i] - cmin);
  }
  // Sessions: month codes of the orders' months and store codes of the orders' dictionary
  // (UINT16_MAX: a month or store without orders).
  std::vector<uint16_t> s_store_of(sessions.columns[1].dict.size(), UINT16_MAX);
  for (uint32_t c = 0; c < s_store_of.size(); ++c)
    for (uint32_t k = 0; k < o.stores; ++k)
      if (t.columns[1].dict.At(k) == sessions.columns[1].dict.At(c)) s_store_of[c] = static_cast<uint16_t>(k);
  std::vector<uint16_t> s_month(sessions.rows), s_store(sessions.rows);
  for (size_t i = 0; i < sessions.rows; ++i) {
    int64_t m = PeriodOf(Grain::kMonth, static_cast<int32_t>(sessions.columns[0].ints[i]), {}) - month0;
    s_month[i] = m >= 0 && static_cast<size_t>(m) < o.months ? static_cast<uint16_t>(m) : UINT16_MAX;
    s_store[i] = s_store_of[sessions.columns[1].codes[i]];
  }
  const bool narrow = Exact64(o);

  // ---- Q1: month x channel -----------------------------------------------------------------
  auto start = std::chrono::steady_clock::now();
  std::vector<Metrics> q1 = narrow ? Q1<int64_t>(o) : Q1<__int128>(o);
  double q1_ms = Ms(start);

  // ---- Q2: store x month, plus conversion over sessions -------------------------------------
  start = std::chrono::steady_clock::now();
  std::vector<Metrics> q2 = narrow ? Q2<int64_t>(o, s_month, s_store, sessions.columns[2].ints)
                                   : Q2<__int128>(o, s_month, s_store, sessions.columns[2].ints);
  double q2_ms = Ms(start);

  __int128 revenue = 0;
  for (const Metrics& m : q1) revenue += m.revenue;
  int64_t distinct1 = 0, distinct2 = 0;
  double c1 = Checksum(q1, &distinct1), c2 = Checksum(q2, &distinct2);
  std::printf("hand rows=%zu revenue=%s q1_ms=%.1f q2_ms=%.1f (%s sums; checksums %.6f %lld %.6f %lld)\n", o.n,
              FormatDecimal(revenue, 2).c_str(), q1_ms, q2_ms, narrow ? "64-bit" : "128-bit", c1,
              static_cast<long long>(distinct1), c2, static_cast<long long>(distinct2));
  if (print) {
    Print("q1", q1, month0, o.months, t.columns[2].dict, true);
    Print("q2", q2, month0, o.months, t.columns[1].dict, false);
  }
  return 0;
}
