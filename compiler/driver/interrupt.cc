// Stop handlers. Everything a handler does is async-signal-safe: it
// unlinks the registered paths (and a registered folder's entries, listed
// with the getdents64 system call), writes a fixed message and calls _exit.
#include "driver/interrupt.h"

#include "base/exit_codes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
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

char g_pending_dir[4096];
std::atomic<bool> g_has_pending_dir{false};

/// Unlinks the files of the pending folder, then the folder. getdents64
/// rather than readdir, which may allocate.
void RemovePendingDirectory() {
  int fd = ::open(g_pending_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    alignas(8) char buf[4096];
    for (;;) {
      long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
        unsigned short reclen;
        std::memcpy(&reclen, buf + off + 16, sizeof reclen);
        const char* name = buf + off + 19;
        if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0) ::unlinkat(fd, name, 0);
        off += reclen;
      }
    }
    ::close(fd);
  }
  ::rmdir(g_pending_dir);
}

void Cleanup() {
  if (g_has_pending.load()) ::unlink(g_pending);
  if (g_has_pending_dir.load()) RemovePendingDirectory();
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

void SetPendingDirectory(const std::string& dir) {
  g_has_pending_dir = false;
  if (dir.empty() || dir.size() >= sizeof g_pending_dir) return;
  std::memcpy(g_pending_dir, dir.c_str(), dir.size() + 1);
  g_has_pending_dir = true;
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
