// A program running in a real pseudo-terminal, driven like a user would:
// keys in, the screen out. Each session has a tmux server of its own (on a
// socket in a temporary folder) with one pane of a fixed size; the pane stays
// after the program exits, so its exit status and the terminal settings it
// left behind can be checked. Every wait is bounded.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace qwen::test {

struct TerminalOptions {
  std::vector<std::string> args;           // args[0] is the program path
  std::map<std::string, std::string> env;  // the program's whole environment (nothing inherited)
  std::string cwd;
  int columns = 120;
  int rows = 40;
};

class TerminalSession {
 public:
  explicit TerminalSession(const TerminalOptions &options);
  ~TerminalSession();
  TerminalSession(const TerminalSession &) = delete;
  TerminalSession &operator=(const TerminalSession &) = delete;

  // Literal text, as typed.
  void type(const std::string &text);
  // One key by its tmux name: "Enter", "C-c", "C-d", "Tab", "Up", "BSpace".
  void press(const std::string &key);
  void type_line(const std::string &text) {
    type(text);
    press("Enter");
  }

  // What the terminal shows now: the visible rows, each without trailing blanks, blank rows at the end dropped.
  std::string screen() const;
  // Everything written since the start: the scrollback and the screen, wrapped lines joined.
  std::string transcript() const;
  // The screen with its attributes as escape sequences (capture-pane -e): colour shows as ESC [ ... m.
  std::string screen_with_attributes() const;
  // Makes the terminal `columns` x `rows` (the program gets SIGWINCH).
  void resize(int columns, int rows);
  // What the program put on the clipboard with OSC 52 (tmux's newest buffer), or "" when nothing.
  std::string clipboard() const;

  // Waits until the transcript holds `needle` at least `times` times; false after `timeout`.
  bool wait_for(const std::string &needle, std::chrono::milliseconds timeout = std::chrono::seconds(15),
                size_t times = 1) const;
  // Waits until the program has exited; false after `timeout`.
  bool wait_for_exit(std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // The exit status once exited, else nullopt.
  std::optional<int> exit_status() const;
  // After exit: whether the terminal is back in the state a shell expects (echo, canonical input, signals).
  bool terminal_is_sane() const;

  // Sends `sig` to the program (not to the shell around it that records its status).
  void signal_program(int sig) const;

  // Occurrences of `needle` in `haystack`.
  static size_t count(const std::string &haystack, const std::string &needle);

 private:
  std::string tmux(const std::vector<std::string> &args) const;

  TempDir dir_;
  std::string socket_;
  std::string tty_;
  std::string settings_file_;
  std::string status_file_;
};

// `qwen args` in a terminal, in the temporary HOME with the test environment (base_env) plus `env`; TERM is a
// real terminal type there.
TerminalOptions qwen_terminal(const TempDir &home, const std::vector<std::string> &args,
                              const std::map<std::string, std::string> &env = {});

}  // namespace qwen::test
