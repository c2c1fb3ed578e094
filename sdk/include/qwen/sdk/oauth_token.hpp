// qwen/sdk/oauth_token.hpp — what an OAuth 2.0 server answered, read into
// structs, with every failure turned into a qwen status and one plain line:
//
//   the answer                                   status thrown (qwen::sdk::Error)
//   429 (any body)                               QWEN_ERR_RATE_LIMITED
//   5xx (any body)                               QWEN_ERR_NETWORK
//   a web page (a firewall's challenge), not     QWEN_ERR_BAD_RESPONSE
//   JSON, JSON of the wrong shape or types,
//   larger than kMaxOAuthAnswerSize
//   {"error": "invalid_client" | "invalid_grant" QWEN_ERR_AUTH_REJECTED
//    | "unauthorized_client" | anything else}
//   2xx without an access_token, a token_type    QWEN_ERR_BAD_RESPONSE
//   that is not "Bearer", a negative expires_in
//
// A transport failure (no connection, DNS, TLS, timeout) is QWEN_ERR_NETWORK
// from Host::http itself. The server's `error_description` is quoted on one
// line with control characters removed; a body that names a credential is
// never quoted (the host redacts only secrets it was told of).
//
// These readers need no host: test them with hand-made HttpResponse values.
// oauth_client.hpp makes the requests.
#ifndef QWEN_SDK_OAUTH_TOKEN_HPP
#define QWEN_SDK_OAUTH_TOKEN_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/device_flow.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

namespace qwen::sdk {

inline constexpr size_t kMaxOAuthAnswerSize = 256 * 1024;            // a real token answer is a few KiB at most
inline constexpr int64_t kMaxExpiresInSeconds = 10LL * 365 * 86400;  // longer lifetimes are cut to ten years

// Tokens from a token endpoint (RFC 6749 section 5.1), any grant.
struct TokenAnswer {
  std::string access_token;
  std::string token_type = "Bearer";                 // as the server wrote it; always "bearer" in some case
  std::string refresh_token;                         // empty: none came (keep the one you had)
  std::optional<int64_t> expires_in;                 // seconds, 0 .. kMaxExpiresInSeconds; nullopt: not given
  std::string scope;                                 // empty: not given
  nlohmann::json fields = nlohmann::json::object();  // the whole answer, for a provider's own fields

  // A provider's own string field ("resource_url", "id_token"), nullopt when absent or not a string.
  std::optional<std::string> field(const std::string &name) const {
    auto it = fields.find(name);
    if (it == fields.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }
};

// What a device authorization endpoint answered (RFC 8628 section 3.2).
struct DeviceAuthorization {
  std::string device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // verification_uri when the server sent none
  int64_t expires_in = 0;                 // seconds; 0 = not given
  std::optional<int64_t> interval;        // seconds, when given
  nlohmann::json fields = nlohmann::json::object();
};

namespace oauth {

inline std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The body as a JSON object, or nullopt.
inline std::optional<nlohmann::json> parse_object(const std::string &body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A string member, or "" when absent or of another type.
inline std::string string_field(const nlohmann::json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A count of seconds: a JSON number (a fraction is cut), or a string of up to 15 digits (some servers quote
// numbers). nullopt when absent, of another type, or beyond +-1e18 (1e300 is no count of seconds).
inline std::optional<int64_t> number_field(const nlohmann::json &j, const char *key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) {
    const double v = it->get<double>();
    if (!(v > -1e18 && v < 1e18)) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    if (!s.empty() && s.size() < 16 && s.find_first_not_of("0123456789") == std::string::npos) return std::stoll(s);
  }
  return std::nullopt;
}

// True for an HTML page: Content-Type text/html, or a body whose first non-space byte is '<'.
inline bool is_web_page(const std::string &content_type, const std::string &body) {
  if (lower(content_type).find("text/html") != std::string::npos) return true;
  for (char c : body) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '<';
  }
  return false;
}

// At most 160 bytes of `text` on one line (control bytes become spaces).
inline std::string one_line(const std::string &text) {
  std::string out;
  for (char c : text.substr(0, 160)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  if (text.size() > 160) out += "...";
  return out;
}

// A short excerpt of a body for a message. A body that names a credential (a token answer cut short, a
// device code) is not quoted.
inline std::string excerpt(const std::string &body) {
  for (const char *field :
       {"access_token", "refresh_token", "id_token", "device_code", "code_verifier", "client_secret"})
    if (body.find(field) != std::string::npos)
      return "(" + std::to_string(body.size()) + " bytes, not shown: they hold credentials)";
  std::string out = one_line(body);
  return out.empty() ? "(an empty body)" : out;
}

// "invalid_client: bad secret", the OpenAI-style {"error":{"code","message"}}, or "HTTP 400".
inline std::string server_words(const nlohmann::json &j, int status) {
  std::string error = string_field(j, "error"), description = string_field(j, "error_description");
  if (error.empty() && j.contains("error") && j["error"].is_object()) {
    error = string_field(j["error"], "code");
    description = string_field(j["error"], "message");
  }
  error = one_line(error);
  description = one_line(description);
  if (error.empty() && description.empty()) return "HTTP " + std::to_string(status);
  if (description.empty()) return error;
  if (error.empty()) return description;
  return error + ": " + description;
}

// The qwen status for a refusal with this HTTP status and OAuth `error` code (see the table above).
inline qwen_status status_for_error(int http_status, const std::string &error) {
  if (http_status == 429) return QWEN_ERR_RATE_LIMITED;
  if (http_status >= 500) return QWEN_ERR_NETWORK;
  (void)error;  // invalid_client, invalid_grant, unauthorized_client and the rest: the server said no
  return QWEN_ERR_AUTH_REJECTED;
}

}  // namespace oauth

// The token fields of a JSON object; throws Error(QWEN_ERR_BAD_RESPONSE) naming `server` when one has the
// wrong type or value (see the table above).
inline TokenAnswer read_token_fields(const nlohmann::json &j, const std::string &server) {
  auto bad = [&](const std::string &why) { return Error(QWEN_ERR_BAD_RESPONSE, server + " answered " + why); };
  auto string_or_absent = [&](const char *key) -> std::string {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) throw bad(std::string("a token whose ") + key + " is not a string");
    return it->get<std::string>();
  };
  TokenAnswer t;
  t.fields = j;
  t.access_token = string_or_absent("access_token");
  if (t.access_token.empty()) throw bad("no access_token");
  if (std::string type = string_or_absent("token_type"); !type.empty()) t.token_type = type;
  if (oauth::lower(t.token_type) != "bearer")
    throw bad("a token of type '" + oauth::one_line(t.token_type) + "'; only Bearer tokens can be used");
  t.refresh_token = string_or_absent("refresh_token");
  t.scope = string_or_absent("scope");
  if (j.contains("expires_in") && !j["expires_in"].is_null()) {
    const auto &e = j["expires_in"];
    auto seconds = oauth::number_field(j, "expires_in");
    if (!seconds && e.is_number()) seconds = e.get<double>() > 0 ? kMaxExpiresInSeconds : -1;  // beyond +-1e18
    if (!seconds) throw bad("a token whose expires_in is not a number of seconds");
    if (*seconds < 0)
      throw bad("a token that expired before it was issued (expires_in " + std::to_string(*seconds) + ")");
    t.expires_in = std::min(*seconds, kMaxExpiresInSeconds);
  }
  return t;
}

// A token endpoint's answer (see the table above). `server` names it in messages ("the Acme token endpoint
// (https://...)").
inline TokenAnswer parse_token_answer(const HttpResponse &answer, const std::string &server) {
  const std::string status_words = "HTTP " + std::to_string(answer.status);
  auto j = answer.body.size() <= kMaxOAuthAnswerSize ? oauth::parse_object(answer.body) : std::nullopt;
  const std::string words = j ? oauth::server_words(*j, answer.status) : status_words;
  if (answer.status == 429 || answer.status >= 500)
    throw Error(oauth::status_for_error(answer.status, ""),
                server + (answer.status == 429 ? " is rate limiting requests (" : " had a problem (") + words +
                    "); try again later");
  if (answer.body.size() > kMaxOAuthAnswerSize)
    throw Error(QWEN_ERR_BAD_RESPONSE,
                server + " answered " + std::to_string(answer.body.size()) + " bytes, more than a token answer can be");
  if (oauth::is_web_page(answer.header("Content-Type"), answer.body))
    throw Error(QWEN_ERR_BAD_RESPONSE, server + " answered with a web page instead of JSON (" + status_words +
                                           "), perhaps a firewall's challenge or a wrong URL");
  if (!j)
    throw Error(QWEN_ERR_BAD_RESPONSE, server + " answered " + status_words +
                                           " with something that is not a JSON object: " + oauth::excerpt(answer.body));
  if (answer.status < 200 || answer.status >= 300 || (j->contains("error") && !(*j)["error"].is_null())) {
    const std::string error = oauth::string_field(*j, "error");
    throw Error(oauth::status_for_error(answer.status, error), server + " refused (" + status_words + "): " + words);
  }
  return read_token_fields(*j, server);
}

// A device authorization answer (RFC 8628 section 3.2); errors as parse_token_answer.
inline DeviceAuthorization parse_device_authorization(const HttpResponse &answer, const std::string &server) {
  auto j = answer.body.size() <= kMaxOAuthAnswerSize ? oauth::parse_object(answer.body) : std::nullopt;
  const std::string status_words = "HTTP " + std::to_string(answer.status);
  if (answer.status == 429 || answer.status >= 500 || !j ||
      oauth::is_web_page(answer.header("Content-Type"), answer.body) || answer.status < 200 || answer.status >= 300 ||
      j->contains("error"))
    parse_token_answer(answer, server);  // throws the matching error
  DeviceAuthorization d;
  d.fields = *j;
  d.device_code = oauth::string_field(*j, "device_code");
  d.user_code = oauth::string_field(*j, "user_code");
  d.verification_uri = oauth::string_field(*j, "verification_uri");
  d.verification_uri_complete = oauth::string_field(*j, "verification_uri_complete");
  if (d.verification_uri_complete.empty()) d.verification_uri_complete = d.verification_uri;
  if (d.device_code.empty() || d.verification_uri_complete.empty())
    throw Error(QWEN_ERR_BAD_RESPONSE,
                server + " answered without a device_code or verification_uri: " + oauth::excerpt(answer.body));
  d.expires_in =
      std::max<int64_t>(0, std::min(oauth::number_field(*j, "expires_in").value_or(0), kMaxExpiresInSeconds));
  if (auto i = oauth::number_field(*j, "interval")) d.interval = std::max<int64_t>(0, std::min<int64_t>(*i, 3600));
  return d;
}

// One poll of the device grant (RFC 8628 section 3.5), for poll_device_authorization. On Approved, `out`
// holds the tokens.
inline DevicePoll classify_device_poll(const HttpResponse &answer, const std::string &server, TokenAnswer &out) {
  if (answer.status >= 500) return DevicePoll::of(DevicePoll::Kind::Retry, "HTTP " + std::to_string(answer.status));
  auto j = answer.body.size() <= kMaxOAuthAnswerSize ? oauth::parse_object(answer.body) : std::nullopt;
  if (j && j->contains("error")) {
    const std::string error = oauth::lower(oauth::string_field(*j, "error"));
    if (error == "authorization_pending") return DevicePoll::of(DevicePoll::Kind::Pending);
    if (error == "slow_down") return DevicePoll::of(DevicePoll::Kind::SlowDown);
    if (error == "access_denied")
      return DevicePoll::of(DevicePoll::Kind::Denied,
                            "the sign-in was denied (" + oauth::server_words(*j, answer.status) + ")");
    if (error == "expired_token") return DevicePoll::of(DevicePoll::Kind::Expired);
  }
  if (answer.status == 429) return DevicePoll::of(DevicePoll::Kind::SlowDown);
  try {
    out = parse_token_answer(answer, server);
    return DevicePoll::of(DevicePoll::Kind::Approved);
  } catch (const Error &e) {
    return DevicePoll::failed(e.status(), e.what());
  }
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_OAUTH_TOKEN_HPP
