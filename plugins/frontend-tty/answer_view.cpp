#include "answer_view.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/wait_words.hpp>

#include <nlohmann/json.hpp>

#include "terminal.hpp"

namespace tty_frontend {

void AnswerView::line_break() {
  if (!at_line_start_) write_out("\n");
  at_line_start_ = true;
}

bool AnswerView::on_event(const qwen_event &event) {
  switch (event.type) {
    case QWEN_EVENT_TURN_START:
      started_ = true;
      break;
    case QWEN_EVENT_DELTA:
      if (!qwen::sdk::event_text(event).empty()) {
        std::string_view piece = qwen::sdk::event_text(event);  // all of it, a NUL byte included
        wrote_text_ = true;
        at_line_start_ = piece.back() == '\n';
        if (!write_out(shown(piece))) return false;  // nobody can read the answer any more: stop the request
      }
      break;
    case QWEN_EVENT_RETRY: {
      long wait_ms = 0;
      if (event.json) {
        auto j = nlohmann::json::parse(event.json, nullptr, false);
        if (j.is_object()) wait_ms = j.value("wait_ms", 0L);
      }
      line_break();
      write_out("(" + shown(event.text ? event.text : "the request failed") + "; " + qwen::sdk::retrying_in(wait_ms) + ")\n");
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
