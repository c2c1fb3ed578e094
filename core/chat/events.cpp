#include "chat/events.hpp"

namespace qwen::chat {
namespace {

ChatEvent make_event(int32_t type, std::string text, nlohmann::json json) {
  ChatEvent e;
  e.type = type;
  e.text = std::move(text);
  e.json = std::move(json);
  return e;
}

}  // namespace

std::string json_string(const std::string &text) {
  // Most model text needs no escaping: copy it between quotes without the serializer.
  bool plain = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return "\"" + text + "\"";
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char *status_name(qwen_status status) {
  switch (status) {
    case QWEN_OK:
      return "ok";
    case QWEN_ERR_UNSUPPORTED:
      return "unsupported";
    case QWEN_ERR_INVALID_ARGUMENT:
      return "invalid_argument";
    case QWEN_ERR_CANCELLED:
      return "cancelled";
    case QWEN_ERR_AUTH_REQUIRED:
      return "auth_required";
    case QWEN_ERR_AUTH_REJECTED:
      return "auth_rejected";
    case QWEN_ERR_NETWORK:
      return "network";
    case QWEN_ERR_RATE_LIMITED:
      return "rate_limited";
    case QWEN_ERR_CONFIG:
      return "bad_input";
    case QWEN_ERR_BAD_RESPONSE:
      return "bad_response";
    default:
      return "internal";
  }
}

ChatEvent make_turn_start(const std::string &model, const std::string &auth_id) {
  return make_event(QWEN_EVENT_TURN_START, {},
                    {{"type", "turn_start"}, {"schema", QWEN_EVENT_SCHEMA}, {"model", model}, {"auth", auth_id}});
}

ChatEvent make_delta(std::string text) {
  // Deltas are most of a stream: their JSON line is written directly, without a DOM.
  ChatEvent e = make_event(QWEN_EVENT_DELTA, std::move(text), {});
  e.line = "{\"type\":\"delta\",\"text\":" + json_string(e.text) + "}";
  return e;
}

std::string ChatEvent::json_line() const {
  return line.empty() ? json.dump() : line;
}

ChatEvent make_usage(const nlohmann::json &usage) {
  nlohmann::json j{{"type", "usage"}};
  for (const char *key : {"prompt_tokens", "completion_tokens", "total_tokens"}) {
    if (usage.contains(key) && usage[key].is_number_integer()) j[key] = usage[key];
  }
  return make_event(QWEN_EVENT_USAGE, {}, std::move(j));
}

ChatEvent make_retry(int attempt, long wait_ms, const std::string &reason) {
  return make_event(QWEN_EVENT_RETRY, reason,
                    {{"type", "retry"}, {"attempt", attempt}, {"wait_ms", wait_ms}, {"reason", reason}});
}

ChatEvent make_error(qwen_status status, const std::string &message) {
  return make_event(QWEN_EVENT_ERROR, message,
                    {{"type", "error"},
                     {"status", status_name(status)},
                     {"exit_code", qwen_exit_status_for(status)},
                     {"message", message}});
}

ChatEvent make_turn_end(const std::string &finish_reason) {
  return make_event(QWEN_EVENT_TURN_END, {}, {{"type", "turn_end"}, {"finish_reason", finish_reason}});
}

}  // namespace qwen::chat
