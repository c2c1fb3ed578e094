// terminal.hpp — the few things the front-end needs from the terminal itself:
// whether there is one, its width, writing without stdio surprises, a
// snapshot of its settings that is put back whatever happens, and reading a
// line with echo off for secrets.
#pragma once

#include <signal.h>
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

// The size of the terminal on standard output while an answer streams, asked of the kernel again only after
// a SIGWINCH: an answer arrives in hundreds of thousands of small pieces, and two ioctls for each were 7% of
// qwen's CPU on a 1 MB answer. The handler is ours only while one of these lives (the previous one is put back,
// and called too); it sets a flag and nothing else.
class TerminalSizeWatch {
 public:
  TerminalSizeWatch();
  ~TerminalSizeWatch();
  TerminalSizeWatch(const TerminalSizeWatch &) = delete;
  TerminalSizeWatch &operator=(const TerminalSizeWatch &) = delete;
  int columns();
  int rows();

 private:
  void refresh_if_resized();
  int columns_ = 80;
  int rows_ = 24;
  bool installed_ = false;
  struct sigaction previous_ {};
};

// Sets LC_CTYPE from the environment, so that libedit decodes the keys by the user's character set; the
// plain "C"/"POSIX" locale (LC_ALL=C, or no locale at all) becomes C.UTF-8. In the C locale every byte above
// 0x7f is "not a character" to libedit, which then drops it from the line without a word: é typed under
// LC_ALL=C vanished. The model API takes UTF-8 only and terminals send it, so C.UTF-8 is the only reading
// that keeps what was typed (Python does the same: PEP 538). Returns the codeset in use ("UTF-8").
std::string adopt_terminal_locale();

// Writes everything to standard output and flushes (also std::cout's buffer first, so the order is kept).
// false when the terminal is gone.
bool write_out(std::string_view text);

// Text from a server or a plugin (an answer, an error message, a notice) as it may be written to standard
// output: on a terminal its control characters are shown, not run (qwen/sdk/terminal_text.hpp); redirected,
// the bytes are kept.
std::string shown(std::string_view text);

// Keeps what is typed from now on away from the kernel's line editing until the line editor takes the terminal:
// no echo, no canonical mode (each key waits as a plain byte). libedit writes its prompt before it switches the
// terminal to its own mode, and a key typed in that moment met canonical mode: echoed by the kernel and again by
// the editor, and a Ctrl-D became an end-of-file mark that reached the editor as a NUL byte, so `qwen` stayed
// at its prompt (a script pressing Ctrl-D as soon as "> " showed hung half of the time). libedit adopts only
// settings it finds in canonical mode as the ones to give back, so the real ones return after the line.
// Signal keys are off too, as in the editor: a Ctrl-C pressed as an answer ends is a key the prompt reads (the
// second Ctrl-C that leaves), not a SIGINT that reached nobody and left qwen at its prompt.
// Does nothing when the terminal is not in canonical mode (the editor's own, or this one already).
void hold_keys_for_line_editor();

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
