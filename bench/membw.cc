// The machine's memory bandwidth for a streaming read, on one thread and on
// two (as kpic's scans and bench/hand_q.cc run): a floor for any scan that
// reads N bytes per row. Not a test. Usage: build/bench/membw [MiB, default 640]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 640;
  const size_t n = mib * (size_t{1} << 20) / sizeof(int64_t);
  std::vector<int64_t> a(n);
  for (size_t i = 0; i < n; ++i) a[i] = static_cast<int64_t>(i);
  int64_t sums[2] = {0, 0};
  auto sum = [&](int part, int parts) {
    int64_t acc = 0;
    for (size_t i = n * part / parts, hi = n * (part + 1) / parts; i < hi; ++i) acc += a[i];
    sums[part] += acc;
  };
  auto gbs = [&](auto t0) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return static_cast<double>(n * sizeof(int64_t)) / ms / 1e6;
  };
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    std::thread second(sum, 1, 2);
    sum(0, 2);
    second.join();
    double two = gbs(t0);
    t0 = std::chrono::steady_clock::now();
    sum(0, 1);
    double one = gbs(t0);
    std::printf("membw %zu MiB: two threads %.1f GB/s, one thread %.1f GB/s (checksum %lld)\n", mib, two, one,
                static_cast<long long>(sums[0] + sums[1]));
  }
}
