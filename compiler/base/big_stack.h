// Running work on a thread with a large stack. The front end recurses once
// per nesting level of a formula (the parser, the AST builder, the checker
// through the metrics a formula reads, the planner and the fingerprints
// after it); formulas at the limits the checker allows need more than the
// main thread's 8 MiB, more so under sanitizers.
#pragma once

#include <pthread.h>
#include <sys/resource.h>

#include <cstddef>
#include <exception>
#include <functional>
#include <utility>

namespace kpic {

/// Stack size of RunOnBigStack's thread (virtual memory: only the pages
/// used are touched).
inline constexpr size_t kBigStackBytes = size_t{256} << 20;
/// How far the main thread's stack may grow (GrowMainStack): within the
/// 128 MiB the kernel leaves free below it.
inline constexpr size_t kMainStackBytes = size_t{120} << 20;

/// Lets the main thread's stack grow to `bytes`: on Linux it grows on
/// demand up to the soft RLIMIT_STACK as it is when the stack grows, and
/// the kernel keeps at least 128 MiB free below it. False when the hard
/// limit is lower (then run the work with RunOnBigStack). Call it on the
/// main thread only.
/// The soft stack limit before GrowMainStack raised it (0: not raised).
inline rlim_t g_stack_limit_before_growth = 0;

inline bool GrowMainStack(size_t bytes) {
  rlimit r{};
  if (::getrlimit(RLIMIT_STACK, &r) != 0) return false;
  if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= bytes) return true;
  if (r.rlim_max != RLIM_INFINITY && r.rlim_max < bytes) return false;
  const rlim_t before = r.rlim_cur;
  r.rlim_cur = bytes;
  if (::setrlimit(RLIMIT_STACK, &r) != 0) return false;
  g_stack_limit_before_growth = before;
  return true;
}

/// While alive, the soft stack limit is what the process started with, so
/// that a child process started meanwhile (popen) inherits that, not the
/// limit GrowMainStack set. The main thread's stack keeps what it has; it
/// only cannot grow past the old limit meanwhile, so hold it around the
/// start of a child and nothing deep.
class ChildStackLimit {
 public:
  ChildStackLimit() {
    if (g_stack_limit_before_growth == 0 || ::getrlimit(RLIMIT_STACK, &raised_) != 0) return;
    rlimit r = raised_;
    r.rlim_cur = g_stack_limit_before_growth;
    restore_ = ::setrlimit(RLIMIT_STACK, &r) == 0;
  }
  ~ChildStackLimit() {
    if (restore_) ::setrlimit(RLIMIT_STACK, &raised_);
  }
  ChildStackLimit(const ChildStackLimit&) = delete;
  ChildStackLimit& operator=(const ChildStackLimit&) = delete;

 private:
  rlimit raised_{};
  bool restore_ = false;
};

/// A thread with a kBigStackBytes stack, running `fn` alongside the caller
/// (RunOnBigStack waits for its thread); the destructor waits for it. When
/// no thread can be made, `fn` runs in the constructor. `fn` must not
/// throw.
class BigStackThread {
 public:
  explicit BigStackThread(std::function<void()> fn) : fn_(std::move(fn)) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kBigStackBytes);
    auto entry = [](void* arg) -> void* {
      (*static_cast<std::function<void()>*>(arg))();
      return nullptr;
    };
    started_ = pthread_create(&thread_, &attr, entry, &fn_) == 0;
    pthread_attr_destroy(&attr);
    if (!started_) fn_();
  }
  ~BigStackThread() {
    if (started_) pthread_join(thread_, nullptr);
  }
  BigStackThread(const BigStackThread&) = delete;
  BigStackThread& operator=(const BigStackThread&) = delete;

 private:
  std::function<void()> fn_;
  pthread_t thread_{};
  bool started_ = false;
};

/// Runs `fn` on a thread with a kBigStackBytes stack and waits for it; on
/// the calling thread when no thread can be made. Exceptions are carried
/// back to the caller.
template <typename Fn>
void RunOnBigStack(Fn fn) {
  std::exception_ptr error;
  {
    BigStackThread thread([&] {
      try {
        fn();
      } catch (...) {
        error = std::current_exception();
      }
    });
  }  // joined
  if (error) std::rethrow_exception(error);
}

}  // namespace kpic
