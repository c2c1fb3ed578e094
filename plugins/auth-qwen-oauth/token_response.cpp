#include "token_response.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace qwen_oauth {
namespace {

using nlohmann::json;
using qwen::sdk::DevicePoll;
using qwen::sdk::Error;

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<json> parse_object(const std::string &body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string string_field(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> number_field(const json &j, const char *key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) {
    const double v = it->get<double>();
    if (!(v > -1e18 && v < 1e18)) return std::nullopt;  // 1e300 is no count of seconds (and no int64_t)
    return static_cast<int64_t>(v);
  }
  if (it->is_string()) {  // some servers quote numbers
    const std::string s = it->get<std::string>();
    if (!s.empty() && s.size() < 16 && s.find_first_not_of("0123456789") == std::string::npos) return std::stoll(s);
  }
  return std::nullopt;
}

// A short, printable excerpt of a body for an error message. A body that names a credential (a token answer
// cut short, a device code without its URL) is not quoted: the host redacts only secrets it was told of, and
// these were never registered.
std::string excerpt(const std::string &body) {
  for (const char *field : {"access_token", "refresh_token", "id_token", "device_code", "code_verifier"})
    if (body.find(field) != std::string::npos)
      return "(" + std::to_string(body.size()) + " bytes, not shown: they hold credentials)";
  std::string out;
  for (char c : body.substr(0, 160)) out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  if (body.size() > 160) out += "...";
  return out.empty() ? "(an empty body)" : out;
}

// "invalid_request: bad scope", or "HTTP 400" when the server said nothing usable.
std::string server_words(const json &j, int status) {
  std::string error = string_field(j, "error"), description = string_field(j, "error_description");
  if (error.empty() && j.contains("error") && j["error"].is_object()) {  // {"error":{"message":...}}
    error = string_field(j["error"], "code");
    description = string_field(j["error"], "message");
  }
  if (error.empty() && description.empty()) return "HTTP " + std::to_string(status);
  if (description.empty()) return error;
  if (error.empty()) return description;
  return error + ": " + description;
}

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
  if (lower(answer.content_type).find("text/html") != std::string::npos) return true;
  for (char c : answer.body) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '<';
  }
  return false;
}

DeviceAuthorization parse_device_authorization(const HttpAnswer &a, const std::string &url) {
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
  d.expires_in_s = number_field(*j, "expires_in").value_or(0);
  d.interval_s = number_field(*j, "interval");
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
