// line_editor.hpp — reading what the user types. On a terminal: libedit
// (emacs keys, history kept in a file across runs, Tab completion through a
// callback); a line ending in `\` continues on the next line, and lines that
// arrive together (a paste) form one message. Without a terminal: plain
// lines from standard input, so the loop also runs under a pipe.
//
// Ctrl-C while editing is a key here, not a signal: the host's SIGINT handler
// would otherwise only set its cancel flag while libedit keeps reading. Ctrl-Z
// is a key too: it gives the terminal its settings back and stops the job;
// after `fg` the prompt and the line are drawn again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tty_frontend {

// What a read gave.
enum class ReadStatus {
  Line,         // `text` holds the message (may contain newlines)
  Interrupted,  // Ctrl-C; `text` holds what was typed so far
  EndOfInput,   // Ctrl-D on an empty line, or the input ended
  Terminated,   // a signal (SIGTERM, SIGINT from outside) arrived while waiting for input
};

struct ReadResult {
  ReadStatus status = ReadStatus::EndOfInput;
  std::string text;
};

// Given the text before the cursor, the words that could complete its last word.
using Completer = std::function<std::vector<std::string>(const std::string &before_cursor)>;

class LineEditor {
 public:
  // `history_file` empty: no history on disk.
  LineEditor(std::string history_file, Completer completer);
  ~LineEditor();
  LineEditor(const LineEditor &) = delete;
  LineEditor &operator=(const LineEditor &) = delete;

  bool on_terminal() const;

  // A message: continuation lines and pastes are joined with '\n'. Kept in the history when `remember`.
  ReadResult read_message(const std::string &prompt, const std::string &continuation_prompt, bool remember = true);
  // One line, never joined and never kept in the history (answers to questions).
  ReadResult read_line(const std::string &prompt);

  // Keys typed while the front-end was busy (see AnswerKeys): read before the terminal's own input.
  void push_typeahead(const std::string &keys);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits off the word before the cursor, and returns how `candidates` complete it: the longest common
// extension, plus whether it is unique (so a space can follow). Pure; used by the Tab binding.
struct Completion {
  std::string insert;  // text to add after the cursor
  bool unique = false;
  std::vector<std::string> matches;
};
Completion complete_word(const std::string &before_cursor, const std::vector<std::string> &candidates);

// True when the line asks for another line: an odd number of trailing backslashes.
bool continues_on_next_line(const std::string &line);

}  // namespace tty_frontend
