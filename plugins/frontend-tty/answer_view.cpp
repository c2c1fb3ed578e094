#include "answer_view.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/wait_words.hpp>

#include <nlohmann/json.hpp>

#include "terminal.hpp"

namespace tty_frontend {

AnswerView::AnswerView() {
  if (terminal_can_redraw()) {
    size_watch_ = std::make_unique<TerminalSizeWatch>();
    markdown_ = std::make_unique<MarkdownStream>(terminal_wants_colour(), [watch = size_watch_.get()] {
      return ScreenSize{watch->columns(), watch->rows()};
    });
  }
}

void AnswerView::line_break() {
  spinner_.stop();
  if (markdown_) {
    write_out(markdown_->finish());  // what it wrote ends with a line end
    at_line_start_ = true;
  }
  if (!at_line_start_) write_out("\n");
  at_line_start_ = true;
}

bool AnswerView::on_event(const qwen_event &event) {
  switch (event.type) {
    case QWEN_EVENT_TURN_START:
      started_ = true;
      if (!wrote_text_) spinner_.start();
      break;
    case QWEN_EVENT_DELTA:
      if (!qwen::sdk::event_text(event).empty()) {
        std::string_view piece = qwen::sdk::event_text(event);  // all of it, a NUL byte included
        const std::string erase_spinner = spinner_.take_line();  // in the same write as the token
        wrote_text_ = true;
        text_.append(piece);
        at_line_start_ = piece.back() == '\n';
        // false: nobody can read the answer any more, stop the request
        const bool written = write_out(erase_spinner + (markdown_ ? markdown_->feed(piece) : shown(piece)));
        if (!erase_spinner.empty()) spinner_.stop();  // its thread joined after the token is out
        if (!written) return false;
      }
      break;
    case QWEN_EVENT_RETRY: {
      long wait_ms = 0;
      if (event.json) {
        auto j = nlohmann::json::parse(event.json, nullptr, false);
        if (j.is_object()) wait_ms = j.value("wait_ms", 0L);
      }
      const std::string reason = event.text ? event.text : "the request failed";
      if (spinner_.running()) {  // before the first token: the spinner's line says it
        spinner_.say(retry_words(reason, wait_ms));
        break;
      }
      line_break();
      write_out("(" + shown(reason) + "; " + qwen::sdk::retrying_in(wait_ms) + ")\n");
      break;
    }
    default:
      break;
  }
  return true;
}

void AnswerView::finish(qwen_status status, const std::string &error_message) {
  line_break();
  if (status != QWEN_OK) write_out(shown(describe_failure(status, error_message)) + "\n");
}

std::string describe_failure(qwen_status status, const std::string &error_message) {
  switch (status) {
    case QWEN_ERR_CANCELLED:
      return "[answer cancelled]";
    case QWEN_ERR_AUTH_REQUIRED:
      return "Not signed in: " + error_message + "\nType /auth to sign in.";
    case QWEN_ERR_AUTH_REJECTED:
      return "error: " + error_message + "\nType /auth to sign in again or choose another method.";
    default:
      return "error: " + error_message;
  }
}

}  // namespace tty_frontend
