#include "answer_keys.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "terminal.hpp"

namespace tty_frontend {
namespace {

AnswerKeys *g_current = nullptr;  // main thread only

constexpr char kCtrlC = '\x03';
constexpr char kCtrlZ = '\x1a';

}  // namespace

AnswerKeys::AnswerKeys() {
  start();
  if (active_) g_current = this;
}

AnswerKeys::~AnswerKeys() {
  stop();
}

void AnswerKeys::stop() {
  const bool was_watching = active_;
  halt();
  // The line editor comes next: a key typed from now until it reads the terminal waits for it, unechoed.
  if (was_watching) hold_keys_for_line_editor();
  if (g_current == this) g_current = nullptr;
}

void AnswerKeys::start() {
  if (active_ || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) return;
  termios &keys = keys_;
  keys = saved_;
  // No echo (the answer is being written), no line buffering (each key counts), no ISIG (Ctrl-C is ours).
  keys.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL | ICANON | ISIG | IEXTEN));
  keys.c_cc[VMIN] = 1;
  keys.c_cc[VTIME] = 0;
  if (tcsetattr(STDIN_FILENO, TCSADRAIN, &keys) != 0) {
    close(stop_pipe_[0]);
    close(stop_pipe_[1]);
    return;
  }
  active_ = true;
  thread_ = std::thread([this] { watch(); });
}

void AnswerKeys::halt() {
  if (!active_) return;
  char x = 'x';
  while (write(stop_pipe_[1], &x, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
  tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
  active_ = false;
}

void AnswerKeys::watch() {
  while (true) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int r = poll(fds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || (fds[1].revents & POLLIN)) return;
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the terminal is gone
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == kCtrlC) {
        ++ctrl_c_;
        // The host's handler sets its cancel flag, which the transfer polls: the answer stops at once.
        kill(getpid(), SIGINT);
      } else if (buf[i] == kCtrlZ) {
        // Job control, as the terminal would do it with ISIG on: its settings back, the job stops; after `fg`
        // the keys are ours again and the answer goes on where it was.
        // raise(), not kill(0, ...): a signal sent to the process may be taken by the main thread, and this one
        // would put its settings back before the stop; sent to this thread it stops here, before going on.
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
        raise(SIGTSTP);
        tcsetattr(STDIN_FILENO, TCSADRAIN, &keys_);
      } else {
        typeahead_.push_back(buf[i]);
      }
    }
  }
}

AnswerKeys::Pause::Pause() {
  if (g_current && g_current->active_) {
    paused_ = g_current;
    paused_->halt();
  }
}

AnswerKeys::Pause::~Pause() {
  if (paused_) paused_->start();
}

}  // namespace tty_frontend
