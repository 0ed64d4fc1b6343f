// Stop handlers. Everything a handler does is async-signal-safe: it
// unlinks the registered path, writes a fixed message and calls _exit.
#include "driver/interrupt.h"

#include "base/exit_codes.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "csv.h"

namespace kpic {

namespace {

char g_pending[4096];
std::atomic<bool> g_has_pending{false};
char g_timeout_message[256];

void Say(const char* s) { (void)!::write(STDERR_FILENO, s, std::strlen(s)); }

void Cleanup() {
  if (g_has_pending.load()) ::unlink(g_pending);
}

void OnSignal(int sig) {
  Cleanup();
  if (sig == SIGBUS) {
    const char* file = rt::MappedFile().load();
    Say("error[data]: ");
    Say(file ? file : "an input file");
    Say(": the file shrank while it was being read; nothing was evaluated, run again\n");
    ::_exit(kExitData);
  }
  Say(sig == SIGINT ? "\nkpic: interrupted; no output was written\n" : "kpic: terminated; no output was written\n");
  ::_exit(kExitInterrupted);
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
}

void StartTimeout(double seconds) {
  if (seconds <= 0) return;
  std::snprintf(g_timeout_message, sizeof g_timeout_message,
                "error[limit]: the run took longer than --timeout %g s; stopped, no output was written\n", seconds);
  std::thread([seconds] {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    Cleanup();
    Say(g_timeout_message);
    ::_exit(kExitLimit);
  }).detach();
}

void SetPendingOutput(const std::string& tmp_path) {
  if (tmp_path.empty() || tmp_path.size() >= sizeof g_pending) {
    g_has_pending = false;
    return;
  }
  g_has_pending = false;
  std::memcpy(g_pending, tmp_path.c_str(), tmp_path.size() + 1);
  g_has_pending = true;
}

}  // namespace kpic
