// answer_view.hpp — shows one chat turn as it streams: each delta written at
// once (unbuffered), retries as a short note, and the outcome (an error, or
// that the answer was cancelled) on a line of its own.
#pragma once

#include <qwen/plugin.h>

#include <string>

namespace tty_frontend {

class AnswerView {
 public:
  // For each event of the turn; false asks the host to cancel it.
  bool on_event(const qwen_event &event);
  // After chat_send returned.
  void finish(qwen_status status, const std::string &error_message);

  bool started() const { return started_; }
  bool wrote_text() const { return wrote_text_; }

 private:
  void line_break();

  bool started_ = false;
  bool wrote_text_ = false;
  bool at_line_start_ = true;
};

// What to tell the user about a failed turn (one line, with what to do next).
std::string describe_failure(qwen_status status, const std::string &error_message);

}  // namespace tty_frontend
