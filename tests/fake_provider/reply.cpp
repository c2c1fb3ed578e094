#include "reply.hpp"

namespace fake {

Reply json_reply(http::status status, const nlohmann::json &body) {
  // Request text is echoed into answers; invalid UTF-8 in it must not turn into an exception.
  return text_reply(status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Reply text_reply(http::status status, const std::string &content_type, std::string body) {
  Reply r;
  r.whole.result(status);
  r.whole.set(http::field::server, "qwen-fake-provider");
  r.whole.set(http::field::content_type, content_type);
  r.whole.body() = std::move(body);
  return r;
}

}  // namespace fake
