// glibc asks for huge pages under its heap only when the
// `glibc.malloc.hugetlb` tunable is set in the environment at start-up.
// kpic used to restart itself to set it, which cost a whole second start of
// the process (about 40 ms). This does the same from inside: the main
// arena's heap is the program break, advised as it grows; another thread's
// arena is a 64 MiB-aligned reservation (glibc's HEAP_MAX_SIZE on 64-bit
// systems), advised whole once. Were glibc to lay its heaps out otherwise,
// the advice would only miss (madvise fails, or advises memory that is
// anonymous anyway); it can never change what a program computes.
#include "hugepages.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>

namespace kpic::rt {

namespace {

constexpr uintptr_t kHuge = uintptr_t{2} << 20;
constexpr uintptr_t kArenaHeap = uintptr_t{64} << 20;

std::mutex brk_mutex;
uintptr_t brk_advised = 0;  // the program break up to which the heap is advised
thread_local uintptr_t arena_advised = 0;

void Advise(uintptr_t begin, uintptr_t end) {
  begin = (begin + kHuge - 1) & ~(kHuge - 1);
  end &= ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

void PrepareHeapForHugePages() {
  // Grow the main heap 64 MiB at a time (advised before it is touched) and
  // never give memory back mid-run only to fault it in again.
  // Blocks up to 32 MiB come from the heaps too (not from mmap(2), which
  // would fault them in 4 KiB at a time).
  ::mallopt(M_TOP_PAD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  std::lock_guard lock(brk_mutex);
  if (brk_advised == 0) brk_advised = reinterpret_cast<uintptr_t>(::sbrk(0));
}

void AdviseHeapHugePages() {
  // Which arena serves this thread: a block bigger than the thread cache
  // holds (1032 bytes) comes from the thread's own arena. A small one may
  // be a block another arena's thread gave back through this thread's
  // cache (a vector filled on one thread, freed on another): the main
  // heap's growth then went unadvised, faulted in 4 KiB at a time.
  void* probe = std::malloc(2048);
  if (!probe) return;
  const uintptr_t p = reinterpret_cast<uintptr_t>(probe);
  std::free(probe);
  const uintptr_t top = reinterpret_cast<uintptr_t>(::sbrk(0));
  {
    std::lock_guard lock(brk_mutex);
    if (brk_advised != 0 && p < top && top > brk_advised) {
      // The main arena: advise what the break grew by since the last call
      // (its first pages may already be in use; they stay small).
      Advise(brk_advised, top);
      brk_advised = top;
      return;
    }
    if (p < top) return;
  }
  const uintptr_t heap = p & ~(kArenaHeap - 1);
  if (heap == arena_advised) return;
  Advise(heap, heap + kArenaHeap);
  arena_advised = heap;
}

}  // namespace kpic::rt
