// Running work on a thread with a large stack. The front end recurses once
// per nesting level of a formula (the parser, the AST builder, the checker
// through the metrics a formula reads, the planner and the fingerprints
// after it); formulas at the limits the checker allows need more than the
// main thread's 8 MiB, more so under sanitizers.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <exception>

namespace kpic {

/// Stack size of RunOnBigStack's thread (virtual memory: only the pages
/// used are touched).
inline constexpr size_t kBigStackBytes = size_t{256} << 20;

/// Runs `fn` on a thread with a kBigStackBytes stack and waits for it; on
/// the calling thread when no thread can be made. Exceptions are carried
/// back to the caller.
template <typename Fn>
void RunOnBigStack(Fn fn) {
  struct Job {
    Fn* fn;
    std::exception_ptr error;
  } job{&fn, nullptr};
  auto entry = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    try {
      (*j->fn)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kBigStackBytes);
  pthread_t thread;
  bool threaded = pthread_create(&thread, &attr, entry, &job) == 0;
  pthread_attr_destroy(&attr);
  if (threaded) {
    pthread_join(thread, nullptr);
  } else {
    entry(&job);
  }
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace kpic
