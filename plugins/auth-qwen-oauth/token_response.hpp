// token_response.hpp — what the Qwen OAuth endpoints answered, in plain terms.
//
// Every answer is judged from its status, Content-Type and body, so that an
// HTML page (the web application firewall in front of chat.qwen.ai answers
// unknown clients with HTTP 200 and a challenge page) gives an error that
// says so rather than a JSON parse error.
#pragma once

#include <qwen/sdk/device_flow.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace qwen_oauth {

// An HTTP answer, as the host's client delivered it.
struct HttpAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};

// What the device-code endpoint gave us.
struct DeviceAuthorization {
  std::string device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // verification_uri when the server sent none
  int64_t expires_in_s = 0;               // 0 = not given
  std::optional<int64_t> interval_s;
};

// Tokens from the token endpoint (device grant or refresh).
struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty = none sent (keep the old one)
  std::string token_type = "Bearer";
  std::optional<std::string> resource_url;
  std::optional<int64_t> expires_in_s;
};

// A refresh either works, or tells us the sign-in is gone (invalid_grant).
struct RefreshResult {
  enum class Kind { Ok, InvalidGrant };
  Kind kind = Kind::Ok;
  TokenGrant grant;       // Ok
  std::string message;    // InvalidGrant: the server's words
};

// True for an HTML page (Content-Type text/html, or a body that starts with '<').
bool is_web_page(const HttpAnswer &answer);

// The device-code answer; throws qwen::sdk::Error with a plain message otherwise
// (BAD_RESPONSE for a web page or non-JSON, RATE_LIMITED, NETWORK for 5xx, AUTH_REJECTED).
DeviceAuthorization parse_device_authorization(const HttpAnswer &answer, const std::string &url);

// One poll of the device-code grant; on Approved, `grant` holds the tokens.
qwen::sdk::DevicePoll classify_device_poll(const HttpAnswer &answer, const std::string &url, TokenGrant &grant);

// A refresh answer. InvalidGrant for an `invalid_grant` error (any status) or a
// 401 with a JSON error; throws qwen::sdk::Error for everything else that is not
// a usable token (the cached credentials are then kept).
RefreshResult parse_refresh_answer(const HttpAnswer &answer, const std::string &url);

}  // namespace qwen_oauth
