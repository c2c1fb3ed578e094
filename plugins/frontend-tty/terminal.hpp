// terminal.hpp — the few things the front-end needs from the terminal itself:
// whether there is one, its width, writing without stdio surprises, a
// snapshot of its settings that is put back whatever happens, and reading a
// line with echo off for secrets.
#pragma once

#include <termios.h>

#include <optional>
#include <string>
#include <string_view>

namespace tty_frontend {

// True when both standard input and standard output are terminals.
bool interactive_terminal();
// True when standard output is a terminal.
bool stdout_is_terminal();
// Columns of the terminal on standard output (80 when unknown).
int terminal_columns();

// Writes everything to standard output and flushes (also std::cout's buffer first, so the order is kept).
// false when the terminal is gone.
bool write_out(std::string_view text);

// Captures the terminal's settings on construction and restores them on destruction, so an exception or an
// early return cannot leave the user's terminal without echo or in raw mode.
class TerminalSnapshot {
 public:
  TerminalSnapshot();
  ~TerminalSnapshot();
  TerminalSnapshot(const TerminalSnapshot &) = delete;
  TerminalSnapshot &operator=(const TerminalSnapshot &) = delete;
  void restore() const;

 private:
  bool valid_ = false;
  termios saved_{};
};

// Turns echo off for a moment, so that keys arriving meanwhile are not echoed by the kernel (the editor shows
// them itself once it reads them); signals stay on. `keys_one_by_one` also turns canonical mode off: used
// while waiting to see whether more lines of a paste follow, where a line still without its newline must be
// visible to poll(2).
class EchoOff {
 public:
  explicit EchoOff(bool keys_one_by_one = false);
  ~EchoOff();
  EchoOff(const EchoOff &) = delete;
  EchoOff &operator=(const EchoOff &) = delete;

 private:
  bool changed_ = false;
  termios saved_{};
};

// Reads one line from standard input with echo off (when it is a terminal).
// nullopt when the user cancelled (Ctrl-C, Ctrl-D on an empty line) or input ended.
std::optional<std::string> read_hidden_line(const std::string &prompt);

}  // namespace tty_frontend
