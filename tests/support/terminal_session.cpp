#include "support/terminal_session.hpp"

#include <signal.h>

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"

namespace qwen::test {
namespace {

constexpr const char *kTmux = "/usr/bin/tmux";
constexpr const char *kTarget = "qwen-test";

std::string trim_trailing_blank_lines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Lines without trailing blanks (a terminal does not keep them apart from cleared cells), without tmux's own
// "Pane is dead" line, and without the blank rows below the last one.
std::string normalise(const std::string &captured) {
  std::string out;
  size_t start = 0;
  while (start <= captured.size()) {
    size_t nl = captured.find('\n', start);
    std::string line = captured.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.rfind("Pane is dead", 0) != 0) out += line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return trim_trailing_blank_lines(out);
}

}  // namespace

TerminalOptions qwen_terminal(const TempDir &home, const std::vector<std::string> &args,
                              const std::map<std::string, std::string> &env) {
  TerminalOptions o;
  o.args.push_back(QWEN_TEST_BIN);
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  o.env["TERM"] = "screen";
  for (const auto &[k, v] : env) o.env[k] = v;
  o.cwd = home.path().string();
  return o;
}

size_t TerminalSession::count(const std::string &haystack, const std::string &needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

std::string TerminalSession::tmux(const std::vector<std::string> &args) const {
  ProcessOptions o;
  o.args = {kTmux, "-S", socket_};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"TERM", "screen"}};
  o.timeout = std::chrono::milliseconds(10000);
  ProcessResult r = run_process(o);
  const std::string what = "tmux " + (args.empty() ? std::string() : args[0]);
  if (r.timed_out) throw std::runtime_error(what + " timed out");
  if (r.exit_code != 0) throw std::runtime_error(what + " failed (" + std::to_string(r.exit_code) + "): " + r.err);
  return r.out;
}

TerminalSession::TerminalSession(const TerminalOptions &o) {
  socket_ = (dir_.path() / "tmux.sock").string();
  // Loaded when the server starts, so the options hold before the program runs.
  auto conf = dir_.write("tmux.conf",
                         "set -g remain-on-exit on\nset -g status off\nset -g history-limit 20000\n"
                         "set -g default-terminal screen\nset -s set-clipboard on\n");
  std::vector<std::string> cmd = {
      "-f", conf.string(),         "new-session", "-d", "-s", kTarget, "-x", std::to_string(o.columns),
      "-y", std::to_string(o.rows)};
  if (!o.cwd.empty()) {
    cmd.push_back("-c");
    cmd.push_back(o.cwd);
  }
  // env -i: the program sees exactly the test's environment, not tmux's. A shell around it records the
  // terminal settings once it has exited (tmux closes the terminal when the pane's process ends).
  settings_file_ = (dir_.path() / "stty-after-exit").string();
  cmd.push_back("/usr/bin/env");
  cmd.push_back("-i");
  for (const auto &[k, v] : o.env) cmd.push_back(k + "=" + v);
  cmd.push_back("/bin/sh");
  cmd.push_back("-c");
  // The shell shares the program's process group, so Ctrl-C reaches it too: it must outlive it (a trap, unlike
  // an ignored signal, is not inherited by the program).
  // It also writes the exit status to a file: tmux can mark a pane dead before it knows the status.
  status_file_ = (dir_.path() / "exit-status").string();
  cmd.push_back("trap : INT QUIT; \"$0\" \"$@\"; s=$?; /bin/stty -a > '" + settings_file_ + "' 2>&1; echo $s > '" +
                status_file_ + ".tmp'; mv '" + status_file_ + ".tmp' '" + status_file_ + "'; exit $s");
  cmd.insert(cmd.end(), o.args.begin(), o.args.end());
  tmux(cmd);
  tty_ = trim_trailing_blank_lines(tmux({"display-message", "-p", "-t", kTarget, "#{pane_tty}"}));
  if (tty_.empty()) throw std::runtime_error("tmux did not start a pane");
}

TerminalSession::~TerminalSession() {
  // A program still running is killed before the terminal goes: killing the tmux server first would hang it
  // up, and a SIGHUP that lands while LeakSanitizer checks at exit can leave it spinning forever (seen once
  // in the ASan run: an orphan qwen at 90% CPU for the rest of the suite).
  try {
    if (!exit_status()) {
      signal_program(SIGKILL);
      wait_for_exit(std::chrono::seconds(5));
    }
  } catch (...) {
  }
  try {
    tmux({"kill-server"});
  } catch (...) {
  }
}

void TerminalSession::type(const std::string &text) {
  tmux({"send-keys", "-t", kTarget, "-l", text});
}

void TerminalSession::press(const std::string &key) {
  tmux({"send-keys", "-t", kTarget, key});
}

std::string TerminalSession::screen_with_attributes() const {
  return normalise(tmux({"capture-pane", "-p", "-e", "-t", kTarget}));
}

void TerminalSession::resize(int columns, int rows) {
  tmux({"resize-window", "-t", kTarget, "-x", std::to_string(columns), "-y", std::to_string(rows)});
}

std::string TerminalSession::clipboard() const {
  try {
    return tmux({"show-buffer"});
  } catch (const std::exception &) {
    return {};  // no buffer yet
  }
}

std::string TerminalSession::screen() const {
  return normalise(tmux({"capture-pane", "-p", "-t", kTarget}));
}

std::string TerminalSession::transcript() const {
  return normalise(tmux({"capture-pane", "-p", "-J", "-S", "-", "-t", kTarget}));
}

bool TerminalSession::wait_for(const std::string &needle, std::chrono::milliseconds timeout, size_t times) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const std::string now = transcript();
    if (count(now, needle) >= times) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::cerr << "terminal: timed out waiting for \"" << needle << "\" (x" << times << "); the terminal shows:\n"
                << now << "\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::optional<int> TerminalSession::exit_status() const {
  const std::string status = read_file(status_file_);
  if (status.empty()) return std::nullopt;
  try {
    return std::stoi(status);
  } catch (...) {
    return std::nullopt;
  }
}

bool TerminalSession::wait_for_exit(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_status()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      std::cerr << "terminal: the program did not exit; the terminal shows:\n" << transcript() << "\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

void TerminalSession::signal_program(int sig) const {
  const std::string shell = trim_trailing_blank_lines(tmux({"display-message", "-p", "-t", kTarget, "#{pane_pid}"}));
  std::istringstream children(read_file("/proc/" + shell + "/task/" + shell + "/children"));
  int pid = 0;
  if (!(children >> pid) || pid <= 0) throw std::runtime_error("the program in the terminal is not running");
  ::kill(pid, sig);
}

bool TerminalSession::terminal_is_sane() const {
  // `stty -a` lists each flag as "name" when set and "-name" when clear.
  const std::string settings = " " + read_file(settings_file_) + " ";
  for (const char *flag : {"icanon", "echo", "isig", "icrnl", "opost"}) {
    bool set = false;
    for (const char *sep : {" ", "\n"})
      for (const char *end : {" ", "\n"})
        if (settings.find(std::string(sep) + flag + end) != std::string::npos) set = true;
    if (!set) return false;
  }
  return true;
}

}  // namespace qwen::test
