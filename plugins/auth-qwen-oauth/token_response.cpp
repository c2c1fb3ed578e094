#include "token_response.hpp"

#include <qwen/sdk/oauth_token.hpp>

#include <nlohmann/json.hpp>

namespace qwen_oauth {
namespace {

using nlohmann::json;
using qwen::sdk::DevicePoll;
using qwen::sdk::Error;
// The generic readers of OAuth answers are the SDK's (qwen/sdk/oauth_token.hpp); this file keeps what is
// Qwen's: its wording, and the leniency Qwen Code shows to odd token fields.
using qwen::sdk::oauth::excerpt;
using qwen::sdk::oauth::lower;
using qwen::sdk::oauth::number_field;
using qwen::sdk::oauth::parse_object;
using qwen::sdk::oauth::server_words;
using qwen::sdk::oauth::string_field;

[[noreturn]] void throw_web_page(const std::string &url, int status) {
  throw Error(QWEN_ERR_BAD_RESPONSE, "the Qwen OAuth server (" + url +
                                         ") answered with a web page instead of JSON (HTTP " + std::to_string(status) +
                                         "), probably a firewall challenge: try again later, or check "
                                         "QWEN_OAUTH_BASE_URL / [plugins.qwen-oauth] base_url");
}

[[noreturn]] void throw_not_json(const std::string &url, const HttpAnswer &a) {
  throw Error(QWEN_ERR_BAD_RESPONSE, "the Qwen OAuth server (" + url + ") answered HTTP " + std::to_string(a.status) +
                                         " with something that is not JSON: " + excerpt(a.body));
}

// Statuses that mean "try later" rather than "no".
void throw_for_busy_server(const std::string &what, const std::string &url, int status, const std::string &words) {
  if (status == 429)
    throw Error(QWEN_ERR_RATE_LIMITED,
                what + ": the Qwen OAuth server is rate limiting requests (" + words + "); try again later");
  if (status >= 500)
    throw Error(QWEN_ERR_NETWORK,
                what + ": the Qwen OAuth server (" + url + ") had a problem (" + words + "); try again later");
}

TokenGrant grant_from(const json &j) {
  TokenGrant g;
  g.access_token = string_field(j, "access_token");
  g.refresh_token = string_field(j, "refresh_token");
  if (auto t = string_field(j, "token_type"); !t.empty()) g.token_type = t;
  if (j.contains("resource_url") && j["resource_url"].is_string())
    g.resource_url = j["resource_url"].get<std::string>();
  g.expires_in_s = number_field(j, "expires_in");
  return g;
}

}  // namespace

bool is_web_page(const HttpAnswer &answer) {
  return qwen::sdk::oauth::is_web_page(answer.header("Content-Type"), answer.body);
}

DeviceAuthorization parse_device_code_answer(const HttpAnswer &a, const std::string &url) {
  const std::string what = "device authorization failed";
  if (is_web_page(a)) throw_web_page(url, a.status);
  auto j = parse_object(a.body);
  if (!j) {
    if (a.status >= 500 || a.status == 429)
      throw_for_busy_server(what, url, a.status, "HTTP " + std::to_string(a.status));
    throw_not_json(url, a);
  }
  std::string words = server_words(*j, a.status);
  throw_for_busy_server(what, url, a.status, words);
  // Success is "has a device_code" (as in Qwen Code), on a 2xx answer.
  if (a.status < 200 || a.status >= 300 || !j->contains("device_code"))
    throw Error(QWEN_ERR_AUTH_REJECTED, what + " (HTTP " + std::to_string(a.status) + "): " + words);
  DeviceAuthorization d;
  d.device_code = string_field(*j, "device_code");
  d.user_code = string_field(*j, "user_code");
  d.verification_uri = string_field(*j, "verification_uri");
  d.verification_uri_complete = string_field(*j, "verification_uri_complete");
  if (d.verification_uri_complete.empty()) d.verification_uri_complete = d.verification_uri;
  if (d.device_code.empty() || d.verification_uri_complete.empty())
    throw Error(QWEN_ERR_BAD_RESPONSE,
                what + ": the answer of " + url + " lacks device_code or verification_uri: " + excerpt(a.body));
  d.expires_in = number_field(*j, "expires_in").value_or(0);
  d.interval = number_field(*j, "interval");
  return d;
}

DevicePoll classify_device_poll(const HttpAnswer &a, const std::string &url, TokenGrant &grant) {
  if (is_web_page(a)) {
    try {
      throw_web_page(url, a.status);
    } catch (const Error &e) {
      return DevicePoll::failed(e.status(), e.what());
    }
  }
  auto j = parse_object(a.body);
  if (!j) {
    if (a.status >= 500) return DevicePoll::of(DevicePoll::Kind::Retry, "HTTP " + std::to_string(a.status));
    return DevicePoll::failed(QWEN_ERR_BAD_RESPONSE, "the Qwen OAuth server (" + url + ") answered HTTP " +
                                                         std::to_string(a.status) +
                                                         " with something that is not JSON: " + excerpt(a.body));
  }
  if (a.status >= 200 && a.status < 300 && !string_field(*j, "access_token").empty()) {
    grant = grant_from(*j);
    return DevicePoll::of(DevicePoll::Kind::Approved);
  }
  if (string_field(*j, "status") == "pending") return DevicePoll::of(DevicePoll::Kind::Pending);
  const std::string error = lower(string_field(*j, "error"));
  if (error == "authorization_pending") return DevicePoll::of(DevicePoll::Kind::Pending);
  if (error == "slow_down" || a.status == 429) return DevicePoll::of(DevicePoll::Kind::SlowDown);
  if (error == "access_denied")
    return DevicePoll::of(DevicePoll::Kind::Denied, "the sign-in was denied in the browser (" +
                                                        server_words(*j, a.status) + "); nothing was saved");
  if (error == "expired_token")
    return DevicePoll::of(DevicePoll::Kind::Expired,
                          "the sign-in code expired before it was approved; nothing was saved. Run `qwen auth login` "
                          "again");
  if (a.status >= 500) return DevicePoll::of(DevicePoll::Kind::Retry, server_words(*j, a.status));
  return DevicePoll::failed(QWEN_ERR_AUTH_REJECTED,
                            "the Qwen OAuth server refused the sign-in (" + server_words(*j, a.status) + ")");
}

RefreshResult parse_refresh_answer(const HttpAnswer &a, const std::string &url) {
  const std::string what = "refreshing the Qwen OAuth token failed";
  if (is_web_page(a)) throw_web_page(url, a.status);
  auto j = parse_object(a.body);
  if (!j) {
    throw_for_busy_server(what, url, a.status, "HTTP " + std::to_string(a.status));
    throw_not_json(url, a);
  }
  const std::string words = server_words(*j, a.status);
  const std::string error = lower(string_field(*j, "error"));
  RefreshResult r;
  if (error == "invalid_grant" || (a.status == 401 && j->contains("error"))) {
    r.kind = RefreshResult::Kind::InvalidGrant;
    r.message = words;
    return r;
  }
  throw_for_busy_server(what, url, a.status, words);
  if (a.status >= 200 && a.status < 300 && !string_field(*j, "access_token").empty()) {
    r.grant = grant_from(*j);
    return r;
  }
  if (a.status >= 200 && a.status < 300 && !j->contains("error"))
    throw Error(QWEN_ERR_BAD_RESPONSE, what + ": the answer of " + url + " has no access_token");
  throw Error(QWEN_ERR_AUTH_REJECTED, what + " (HTTP " + std::to_string(a.status) + "): " + words);
}

}  // namespace qwen_oauth
