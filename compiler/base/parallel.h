// Work spread over this thread and one more. kpic runs on small machines
// (two cores is the design point), so one helper thread is what pays; the
// results of each item go to its own slot, and are used in order after
// both threads are done, so what is computed never depends on timing.
#pragma once

#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>

#include "base/big_stack.h"

namespace kpic {

namespace parallel_detail {

/// A thread that allocates as much as the caller needs its own malloc
/// arena: on one shared arena the two threads' allocations queue for its
/// lock, and together they are slower than one thread alone. kpic keeps
/// one arena for its big-stack threads (ParseFile); a second one is allowed
/// from the first parallel work on. glibc fixes its arena limit when a
/// thread first needs an arena, so this is a request that may come too
/// late: OwnArena tells.
inline void AllowSecondArena() {
  static std::once_flag once;
  std::call_once(once, [] { ::mallopt(M_ARENA_MAX, 2); });
}

/// Whether the calling thread allocates from an arena of its own: not from
/// the main heap (below the program break), nor, where glibc could not
/// make an arena (an address-space limit), from mmap(2) block by block: a
/// mapped block is a whole page, 4080 usable bytes for the 2048 asked,
/// where an arena's has 2056 or a few more. A block too big for the
/// thread's cache comes from the thread's arena.
inline bool OwnArena() {
  void* probe = std::malloc(2048);
  if (!probe) return false;
  bool main_heap = reinterpret_cast<uintptr_t>(probe) < reinterpret_cast<uintptr_t>(::sbrk(0));
  bool mapped = ::malloc_usable_size(probe) >= 3072;
  std::free(probe);
  return !main_heap && !mapped;
}

/// The cores this process may run on (its CPU affinity: `taskset`, a
/// container's cpuset), else the machine's.
inline unsigned Cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return std::thread::hardware_concurrency();
}

/// fn(i, who) where fn takes the thread (0: the caller's, 1: the helper's,
/// for state kept per thread), else fn(i).
template <class Fn>
void Call(Fn& fn, size_t i, int who) {
  if constexpr (std::is_invocable_v<Fn&, size_t, int>) {
    fn(i, who);
  } else {
    fn(i);
  }
}

}  // namespace parallel_detail

/// ParallelFor's block that asks for this thread alone.
inline constexpr size_t kSerial = 0;

/// Runs fn(i) (or fn(i, who): see Call) once for every i in [0, n), on
/// this thread and a helper thread (with a big stack, as the front end
/// recurses), taking `block` items at a time, and returns when all are
/// done. fn must be safe to run on two threads at once. Where fn throws,
/// the items after it are not all run, and the exception rethrown here,
/// once both threads have stopped, is the one the serial loop would have
/// met first: every item before it has run. Small jobs (fewer than two
/// blocks), kSerial, one core, and a helper that would share the main
/// heap run on this thread alone.
template <class Fn>
void ParallelFor(size_t n, size_t block, Fn fn) {
  if (block == kSerial || n / 2 < block || parallel_detail::Cores() < 2) {
    for (size_t i = 0; i < n; ++i) parallel_detail::Call(fn, i, 0);
    return;
  }
  parallel_detail::AllowSecondArena();
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  // A thread stops only between blocks: every block begun before the one
  // that failed (they are handed out in order) is run to its end, or to a
  // failure of its own, earlier in the order.
  std::exception_ptr errors[2];
  size_t failed_at[2] = {SIZE_MAX, SIZE_MAX};
  auto work = [&](int who) {
    size_t i = 0;
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        size_t begin = next.fetch_add(block, std::memory_order_relaxed);
        if (begin >= n) return;
        size_t end = std::min(n, begin + block);
        for (i = begin; i < end; ++i) parallel_detail::Call(fn, i, who);
      }
    } catch (...) {
      errors[who] = std::current_exception();
      failed_at[who] = i;
      failed.store(true, std::memory_order_relaxed);
    }
  };
  {
    BigStackThread helper([&] {
      // Its arena stays in small pages: what it holds is small, and in huge
      // pages would count whole 2 MiB pages to the peak.
      if (!parallel_detail::OwnArena()) return;
      work(1);
    });
    work(0);
  }  // joins the helper
  if (errors[0] || errors[1]) std::rethrow_exception(failed_at[0] < failed_at[1] ? errors[0] : errors[1]);
}

}  // namespace kpic
