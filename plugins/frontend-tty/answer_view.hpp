// answer_view.hpp — shows one chat turn as it streams. On a terminal that can
// redraw, a spinner line until the first token (a retry's words in it), then
// the answer rendered from its Markdown block by block (markdown_stream);
// elsewhere (a pipe, TERM=dumb) each delta written at once as it came, a
// retry as a short note. The outcome (an error, or that the answer was
// cancelled) goes on a line of its own.
#pragma once

#include <qwen/plugin.h>

#include <memory>
#include <string>

#include "markdown_stream.hpp"
#include "spinner.hpp"
#include "terminal.hpp"

namespace tty_frontend {

class AnswerView {
 public:
  AnswerView();
  // For each event of the turn; false asks the host to cancel it.
  bool on_event(const qwen_event &event);
  // After chat_send returned.
  void finish(qwen_status status, const std::string &error_message);
  // Before something else is drawn in the middle of the turn (a question from a plugin).
  void pause_spinner() { spinner_.stop(); }

  bool started() const { return started_; }
  bool wrote_text() const { return wrote_text_; }
  // The answer's text as the model sent it (for /copy).
  const std::string &text() const { return text_; }

 private:
  void line_break();

  bool started_ = false;
  bool wrote_text_ = false;
  bool at_line_start_ = true;
  std::string text_;
  std::unique_ptr<TerminalSizeWatch> size_watch_;  // declared before markdown_, which asks it
  std::unique_ptr<MarkdownStream> markdown_;       // null: the deltas are written as they came
  Spinner spinner_;
};

// What to tell the user about a failed turn (one line, with what to do next).
std::string describe_failure(qwen_status status, const std::string &error_message);

}  // namespace tty_frontend
