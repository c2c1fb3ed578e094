#include "answer_view.hpp"

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
      if (event.text && *event.text) {
        std::string_view piece = event.text;
        wrote_text_ = true;
        at_line_start_ = piece.back() == '\n';
        if (!write_out(piece)) return false;  // nobody can read the answer any more: stop the request
      }
      break;
    case QWEN_EVENT_RETRY: {
      long wait_ms = 0;
      if (event.json) {
        auto j = nlohmann::json::parse(event.json, nullptr, false);
        if (j.is_object()) wait_ms = j.value("wait_ms", 0L);
      }
      line_break();
      write_out("(" + std::string(event.text ? event.text : "the request failed") + "; retrying in " +
                std::to_string((wait_ms + 500) / 1000) + " s)\n");
      break;
    }
    default:
      break;
  }
  return true;
}

void AnswerView::finish(qwen_status status, const std::string &error_message) {
  line_break();
  if (status != QWEN_OK) write_out(describe_failure(status, error_message) + "\n");
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
