#include "app/failure_report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "chat/events.hpp"
#include "util/log.hpp"
#include "util/redactor.hpp"

namespace qwen::app {

int report_failure(const std::string &output_format, qwen_status status, const std::string &message,
                   FailureShape shape) {
  const int code = qwen_exit_status_for(status);
  util::log_error(message);
  // nlohmann::json, as the chat's events and the pipe's answer object use: the same keys in the same order.
  nlohmann::json out;
  if (output_format == "stream-json") {
    out = {{"type", "error"}, {"status", chat::status_name(status)}, {"exit_code", code}, {"message", message}};
  } else if (output_format == "json" && shape == FailureShape::Answer) {
    out = {{"response", ""},
           {"model", ""},
           {"usage", nlohmann::json::object()},
           {"error", {{"code", code}, {"message", message}}}};
  } else {
    return code;
  }
  // A message may quote bytes from a file that are not UTF-8: replaced, never a throw.
  const std::string line = util::scrub(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
  return code;
}

}  // namespace qwen::app
