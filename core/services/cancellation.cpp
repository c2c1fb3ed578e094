#include "services/cancellation.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace qwen::services {
namespace {

std::atomic<bool> g_cancel{false};
std::atomic<bool> g_quit{false};
std::atomic<int> g_terminating_signal{0};  // SIGTERM or SIGHUP, once one arrived
std::atomic<int64_t> g_last_sigint_ms{0};

int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void on_signal(int sig) {
  if (sig == SIGTERM || sig == SIGHUP) {
    g_terminating_signal = sig;
    g_quit = true;
  } else {
    int64_t now = now_ms();
    int64_t last = g_last_sigint_ms.exchange(now);
    if (last != 0 && now - last < 2000 && g_cancel) g_quit = true;
  }
  g_cancel = true;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and sees the flag
  // A signal ignored when qwen started stays ignored: `nohup qwen -p ...` must outlive the hang-up, and a
  // shell's background job (`qwen -p ... &` in a script) ignores Ctrl-C on purpose. This is the rule of
  // the GNU coding standards and of every shell.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction was {};
    if (sigaction(sig, nullptr, &was) == 0 && !(was.sa_flags & SA_SIGINFO) && was.sa_handler == SIG_IGN) continue;
    // SIGHUP: a closed terminal (or an ssh session gone) ends the run as SIGTERM does, cleanly, rather than
    // in the middle of a refresh with the lock file still held.
    sigaction(sig, &sa, nullptr);
  }
  signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error to report, not a silent death
}

bool cancel_requested() {
  return g_cancel;
}
bool quit_requested() {
  return g_quit;
}
bool terminate_requested() {
  return g_terminating_signal != 0;
}

void die_by_terminating_signal() {
  const int sig = g_terminating_signal != 0 ? g_terminating_signal.load() : SIGTERM;
  std::fflush(nullptr);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  _exit(128 + sig);  // not reached
}
void clear_cancel() {
  if (!g_quit) g_cancel = false;
}
void cancel_operation() {
  g_cancel = true;
}

bool interruptible_sleep(long ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (g_cancel) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(20)));
  }
  return !g_cancel;
}

}  // namespace qwen::services
