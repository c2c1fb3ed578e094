#include "ui_event.hpp"

#include <nlohmann/json.hpp>

namespace pipe_frontend {
namespace {

std::string or_empty(const char *s) {
  return s ? s : "";
}

}  // namespace

std::optional<std::string> ui_event_line(const qwen_ui_request &r) {
  nlohmann::ordered_json j;
  switch (r.kind) {
    case QWEN_UI_DEVICE_CODE:
      j = {{"type", "auth_device_code"}, {"url", or_empty(r.url)}, {"code", or_empty(r.code)}};
      if (r.expires_in_s > 0) j["expires_in_s"] = r.expires_in_s;
      break;
    case QWEN_UI_NOTICE:
      j = {{"type", "auth_notice"}, {"level", "info"}};
      break;
    case QWEN_UI_PROGRESS:
      j = {{"type", "auth_notice"}, {"level", "progress"}};
      break;
    case QWEN_UI_WARNING:
      j = {{"type", "auth_notice"}, {"level", "warning"}};
      break;
    default:
      return std::nullopt;
  }
  if (r.text) j["text"] = r.text;
  // Text from a plugin may hold bytes that are not UTF-8: replace them rather than throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace pipe_frontend
