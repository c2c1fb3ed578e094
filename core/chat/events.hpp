// events.hpp — the chat turn's event stream (schema qwen.event/1), one JSON
// object per event; the same lines `--output-format stream-json` prints.
//
//   {"type":"turn_start","schema":"qwen.event/1","model":"m","auth":"openai"}
//   {"type":"delta","text":"Hel"}
//   {"type":"usage","prompt_tokens":3,"completion_tokens":5,"total_tokens":8}
//   {"type":"retry","attempt":1,"wait_ms":1000,"reason":"HTTP 500"}
//   {"type":"error","status":"rate_limited","exit_code":6,"message":"..."}
//   {"type":"turn_end","finish_reason":"stop"}
#pragma once

#include <qwen/plugin.h>

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qwen::chat {

struct ChatEvent {
  int32_t type = 0;  // QWEN_EVENT_*
  std::string text;  // delta text or error message
  nlohmann::json json;
  std::string line;  // the JSON already serialised (deltas), else empty

  // The event as one line of JSON.
  std::string json_line() const;
};

// Return false to cancel the turn.
using EventHandler = std::function<bool(const ChatEvent &)>;

ChatEvent make_turn_start(const std::string &model, const std::string &auth_id);
ChatEvent make_delta(std::string text);
ChatEvent make_usage(const nlohmann::json &usage);
ChatEvent make_retry(int attempt, long wait_ms, const std::string &reason);
ChatEvent make_error(qwen_status status, const std::string &message);
ChatEvent make_turn_end(const std::string &finish_reason);

// `text` as a JSON string literal (invalid UTF-8 replaced), as nlohmann's dump() writes it.
std::string json_string(const std::string &text);
void append_json_string(std::string &out, std::string_view text);

// "rate_limited", "auth_required", ... for a status.
const char *status_name(qwen_status status);

}  // namespace qwen::chat
