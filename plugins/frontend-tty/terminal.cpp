#include "terminal.hpp"

#include <qwen/sdk/terminal_text.hpp>

#include <langinfo.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <iostream>

namespace tty_frontend {

bool interactive_terminal() {
  return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

bool stdout_is_terminal() {
  return isatty(STDOUT_FILENO);
}

namespace {

volatile sig_atomic_t g_resized = 0;
struct sigaction g_previous_winch {};

void on_winch(int sig) {
  g_resized = 1;
  if (g_previous_winch.sa_handler != SIG_DFL && g_previous_winch.sa_handler != SIG_IGN &&
      !(g_previous_winch.sa_flags & SA_SIGINFO))
    g_previous_winch.sa_handler(sig);
}

void ask_size(int *columns, int *rows) {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return;
  if (ws.ws_col > 0) *columns = ws.ws_col;
  if (ws.ws_row > 0) *rows = ws.ws_row;
}

}  // namespace

int terminal_columns() {
  int columns = 80, rows = 24;
  ask_size(&columns, &rows);
  return columns;
}

TerminalSizeWatch::TerminalSizeWatch() {
  struct sigaction ours {};
  ours.sa_handler = on_winch;
  sigemptyset(&ours.sa_mask);
  ours.sa_flags = SA_RESTART;  // a resize must not fail a read or write of the transfer
  g_resized = 0;
  installed_ = sigaction(SIGWINCH, &ours, &previous_) == 0;
  if (installed_) g_previous_winch = previous_;
  ask_size(&columns_, &rows_);
}

TerminalSizeWatch::~TerminalSizeWatch() {
  if (installed_) sigaction(SIGWINCH, &previous_, nullptr);
}

void TerminalSizeWatch::refresh_if_resized() {
  // Without our handler (sigaction failed) nothing tells of a resize: ask every time, as before.
  if (installed_ && !g_resized) return;
  g_resized = 0;
  ask_size(&columns_, &rows_);
}

int TerminalSizeWatch::columns() {
  refresh_if_resized();
  return columns_;
}

int TerminalSizeWatch::rows() {
  refresh_if_resized();
  return rows_;
}

std::string adopt_terminal_locale() {
  const char *name = std::setlocale(LC_CTYPE, "");
  const std::string chosen = name ? name : "C";
  if (chosen == "C" || chosen == "POSIX") std::setlocale(LC_CTYPE, "C.UTF-8");
  const char *codeset = nl_langinfo(CODESET);
  return codeset ? codeset : "";
}

bool write_out(std::string_view text) {
  std::cout.flush();
  std::fflush(stdout);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;  // Ctrl-C during an answer must not lose its text
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string shown(std::string_view text) {
  return stdout_is_terminal() ? qwen::sdk::terminal_safe(text) : std::string(text);
}

TerminalSnapshot::TerminalSnapshot() {
  valid_ = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_) == 0;
}

TerminalSnapshot::~TerminalSnapshot() {
  restore();
}

void TerminalSnapshot::restore() const {
  if (valid_) tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
}

void hold_keys_for_line_editor() {
  termios now{};
  if (tcgetattr(STDIN_FILENO, &now) != 0 || !(now.c_lflag & ICANON)) return;
  now.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO | ECHONL | ISIG));
  now.c_cc[VMIN] = 1;
  now.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSADRAIN, &now);
}

EchoOff::EchoOff(bool keys_one_by_one) {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
  termios quiet = saved_;
  quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHOCTL));
  if (keys_one_by_one) {
    quiet.c_lflag &= static_cast<tcflag_t>(~ICANON);
    quiet.c_cc[VMIN] = 1;
    quiet.c_cc[VTIME] = 0;
  }
  quiet.c_lflag |= ISIG;
  changed_ = tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0;
}

EchoOff::~EchoOff() {
  if (changed_) tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
}

std::optional<std::string> read_hidden_line(const std::string &prompt) {
  write_out(prompt);
  const bool tty = isatty(STDIN_FILENO);
  if (!tty) {
    // Not a terminal: all reading goes through std::cin, never read(2), or buffered input would be lost.
    std::string piped;
    if (!std::getline(std::cin, piped)) return std::nullopt;
    write_out("\n");
    return piped;
  }
  termios saved{};
  const bool have_settings = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (have_settings) {
    termios quiet = saved;
    // Canonical mode stays: the kernel does the line editing (backspace) and Ctrl-C still interrupts.
    quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHOE | ECHOK | ECHONL));
    quiet.c_lflag |= ICANON | ISIG;
    tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet);
  }
  std::string line;
  bool ok = false;
  while (true) {
    char c;
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) break;  // Ctrl-C: the host's handler set the cancel flag
    if (n <= 0) break;
    if (c == '\n') {
      ok = true;
      break;
    }
    if (c != '\r') line.push_back(c);
  }
  if (have_settings) tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
  write_out("\n");
  if (!ok) return std::nullopt;
  return line;
}

}  // namespace tty_frontend
