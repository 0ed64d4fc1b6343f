// Work spread over this thread and one more. kpic runs on small machines
// (two cores is the design point), so one helper thread is what pays; the
// results of each item go to its own slot, and are used in order after
// both threads are done, so what is computed never depends on timing.
#pragma once

#include <malloc.h>
#include <pthread.h>
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

/// Whether the calling thread allocates from an arena of its own, not from
/// the main heap (below the program break). A block too big for the
/// thread's cache comes from the thread's arena.
inline bool OwnArena() {
  void* probe = std::malloc(2048);
  if (!probe) return false;
  bool main_heap = reinterpret_cast<uintptr_t>(probe) < reinterpret_cast<uintptr_t>(::sbrk(0));
  std::free(probe);
  return !main_heap;
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

/// Runs fn(i) (or fn(i, who): see Call) once for every i in [0, n), on this thread and a helper
/// thread (with a big stack, as the front end recurses), taking `block`
/// items at a time, and returns when all are done. fn must be safe to run
/// on two threads at once. An exception thrown by fn is rethrown here
/// once both threads have stopped (the remaining items are not run).
/// Small jobs, a machine with one core, and a helper that would share the
/// main heap run on this thread alone.
template <class Fn>
void ParallelFor(size_t n, size_t block, Fn fn) {
  block = std::max<size_t>(block, 1);
  if (n < 2 * block || std::thread::hardware_concurrency() < 2) {
    for (size_t i = 0; i < n; ++i) parallel_detail::Call(fn, i, 0);
    return;
  }
  parallel_detail::AllowSecondArena();
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr errors[2];
  auto work = [&](int who) {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        size_t begin = next.fetch_add(block, std::memory_order_relaxed);
        if (begin >= n) return;
        size_t end = std::min(n, begin + block);
        for (size_t i = begin; i < end; ++i) parallel_detail::Call(fn, i, who);
      }
    } catch (...) {
      errors[who] = std::current_exception();
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
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace kpic
