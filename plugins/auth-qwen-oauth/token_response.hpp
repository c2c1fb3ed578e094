// token_response.hpp — what the Qwen OAuth endpoints answered, in plain terms.
//
// Every answer is judged from its status, Content-Type and body, so that an
// HTML page (the web application firewall in front of chat.qwen.ai answers
// unknown clients with HTTP 200 and a challenge page) gives an error that
// says so rather than a JSON parse error.
#pragma once

#include <qwen/sdk/device_flow.hpp>
#include <qwen/sdk/oauth_token.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace qwen_oauth {

// An HTTP answer as the host's client delivered it, and what the device-code endpoint gave us: the SDK's
// structs (qwen/plugin.hpp, qwen/sdk/oauth_token.hpp). Qwen's reader leaves expires_in and interval as the server
// wrote them (the plugin bounds them) and DeviceAuthorization::fields empty.
using qwen::sdk::DeviceAuthorization;
using HttpAnswer = qwen::sdk::HttpResponse;

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
  TokenGrant grant;     // Ok
  std::string message;  // InvalidGrant: the server's words
};

// True for an HTML page (Content-Type text/html, or a body that starts with '<').
bool is_web_page(const HttpAnswer &answer);

// The device-code answer, read Qwen's way (not qwen::sdk::parse_device_authorization: Qwen Code's wording,
// and success is "has a device_code"); throws qwen::sdk::Error with a plain message otherwise
// (BAD_RESPONSE for a web page or non-JSON, RATE_LIMITED, NETWORK for 5xx, AUTH_REJECTED).
DeviceAuthorization parse_device_code_answer(const HttpAnswer &answer, const std::string &url);

// One poll of the device-code grant; on Approved, `grant` holds the tokens.
qwen::sdk::DevicePoll classify_device_poll(const HttpAnswer &answer, const std::string &url, TokenGrant &grant);

// A refresh answer. InvalidGrant for an `invalid_grant` error (any status) or a
// 401 with a JSON error; throws qwen::sdk::Error for everything else that is not
// a usable token (the cached credentials are then kept).
RefreshResult parse_refresh_answer(const HttpAnswer &answer, const std::string &url);

}  // namespace qwen_oauth
