#include "oauth.hpp"

#include "crypto.hpp"
#include "form.hpp"

namespace fake {
namespace {

Reply oauth_error(http::status status, const std::string &error, const std::string &description) {
  return json_reply(status, {{"error", error}, {"error_description", description}});
}

// What a web application firewall in front of the real server answers instead of JSON.
Reply waf_page() {
  return text_reply(http::status::ok, "text/html; charset=utf-8",
                    "<!DOCTYPE html><html><head><title>Security check</title></head>"
                    "<body><p>Please complete the security check to continue (WAF challenge).</p></body></html>");
}

Reply html_page(http::status status, const std::string &text) {
  return text_reply(status, "text/html; charset=utf-8", "<!DOCTYPE html><html><body><p>" + text + "</p></body></html>");
}

std::string field(const std::map<std::string, std::string> &form, const std::string &name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

}  // namespace

std::string OAuthServer::root_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

Reply OAuthServer::device_code(const Request &req) {
  ++counters_.device_code_requests;
  if (options_.oauth_mode == OAuthMode::Html) return waf_page();
  auto form = parse_form(req.body());
  if (field(form, "client_id").empty())
    return oauth_error(http::status::bad_request, "invalid_request", "client_id is required");
  if (field(form, "code_challenge").empty())
    return oauth_error(http::status::bad_request, "invalid_request", "code_challenge is required (PKCE)");
  if (field(form, "code_challenge_method") != "S256")
    return oauth_error(http::status::bad_request, "invalid_request", "code_challenge_method must be S256");

  DeviceCode code;
  code.user_code = random_user_code();
  code.client_id = field(form, "client_id");
  code.challenge = field(form, "code_challenge");
  code.issued_at = Clock::now();
  code.expires_at = code.issued_at + std::chrono::seconds(options_.device_expires_seconds);
  code.interval = std::chrono::seconds(options_.interval_seconds);
  code.slow_downs_to_inject = options_.injected_slow_downs;
  if (options_.oauth_mode == OAuthMode::DenyAll) code.status = DeviceCode::Status::Denied;
  std::string device_code = random_hex(20);
  by_user_code_[code.user_code] = device_code;
  std::string user_code = code.user_code;
  device_codes_.emplace(device_code, std::move(code));
  nlohmann::json answer = {{"device_code", device_code},
                           {"user_code", user_code},
                           {"verification_uri", root_url() + "/authorize"},
                           {"verification_uri_complete", root_url() + "/authorize?user_code=" + user_code},
                           {"expires_in", options_.device_expires_seconds}};
  if (options_.send_interval) answer["interval"] = options_.interval_seconds;
  return json_reply(http::status::ok, answer);
}

Reply OAuthServer::token(const Request &req) {
  auto form = parse_form(req.body());
  const std::string grant = field(form, "grant_type");
  if (grant == "urn:ietf:params:oauth:grant-type:device_code") {
    ++counters_.token_polls;
    if (options_.oauth_mode == OAuthMode::Html) return waf_page();
    return poll_device_code(form);
  }
  if (grant == "refresh_token") {
    ++counters_.refresh_requests;
    if (options_.oauth_mode == OAuthMode::Html) return waf_page();
    Reply r = refresh(form);
    if (options_.oauth_mode == OAuthMode::RefreshSlow) r.delay = options_.refresh_delay;
    return r;
  }
  if (grant == "client_credentials") {
    ++counters_.client_credentials_requests;
    if (options_.oauth_mode == OAuthMode::Html) return waf_page();
    return client_credentials(req, form);
  }
  if (options_.oauth_mode == OAuthMode::Html) return waf_page();
  return oauth_error(http::status::bad_request, "unsupported_grant_type", "unsupported grant_type '" + grant + "'");
}

Reply OAuthServer::poll_device_code(const std::map<std::string, std::string> &form) {
  auto it = device_codes_.find(field(form, "device_code"));
  if (it == device_codes_.end()) return oauth_error(http::status::bad_request, "invalid_grant", "unknown device_code");
  DeviceCode &code = it->second;
  if (field(form, "client_id") != code.client_id)
    return oauth_error(http::status::bad_request, "invalid_grant", "client_id does not match the device code");
  const std::string verifier = field(form, "code_verifier");
  if (verifier.empty() || pkce_challenge(verifier) != code.challenge)
    return oauth_error(http::status::bad_request, "invalid_grant", "code_verifier does not match the code_challenge");

  const auto now = Clock::now();
  if (now >= code.expires_at) return oauth_error(http::status::bad_request, "expired_token", "the device code expired");
  if (auto slow_down = pace(code, now)) return std::move(*slow_down);
  switch (code.status) {
    case DeviceCode::Status::Denied:
      return oauth_error(http::status::bad_request, "access_denied", "the user denied the request");
    case DeviceCode::Status::Pending:
      return oauth_error(http::status::bad_request, "authorization_pending", "the user has not approved yet");
    case DeviceCode::Status::Approved:
      break;
  }
  // A device code is good for one token response.
  by_user_code_.erase(code.user_code);
  device_codes_.erase(it);
  return issue_tokens();
}

std::optional<Reply> OAuthServer::pace(DeviceCode &code, Clock::time_point now) {
  const auto previous = code.last_poll;
  code.last_poll = now;
  auto slow_down = [&](const char *why) {
    ++counters_.slow_downs;
    // RFC 8628 section 3.5: the client must add 5 s to its interval for this and all later polls; so does a
    // strict server, which then holds the client to it.
    if (options_.strict_rfc8628) code.interval += std::chrono::seconds(5);
    return oauth_error(http::status::too_many_requests, "slow_down", why);
  };
  if (options_.strict_rfc8628) {
    // Strict: measured from the previous poll, or from the code's issue for the first one.
    if (now - (previous ? *previous : code.issued_at) < code.interval)
      return slow_down("polling faster than the interval");
  } else if (code.interval.count() > 0 && previous && now - *previous < code.interval) {
    // Lenient: measured between polls only (the first poll never is), and the interval never grows.
    return slow_down("polling faster than the interval");
  }
  if (code.slow_downs_to_inject > 0) {
    --code.slow_downs_to_inject;
    return slow_down("slow down (injected)");
  }
  return std::nullopt;
}

Reply OAuthServer::refresh(const std::map<std::string, std::string> &form) {
  // Decided on arrival (before any refresh-slow delay), so concurrent refreshes with one token race
  // exactly like they would against the real server: one wins, the rest get invalid_grant.
  if (!tokens_.take_refresh_token(field(form, "refresh_token")))
    return oauth_error(http::status::bad_request, "invalid_grant", "unknown or already used refresh_token");
  return issue_tokens();
}

Reply OAuthServer::client_credentials(const Request &req, const std::map<std::string, std::string> &form) {
  // RFC 6749 section 2.3.1: HTTP Basic (each part form-encoded), or client_id and client_secret in the body.
  std::string id = field(form, "client_id"), secret = field(form, "client_secret");
  const std::string authorization(req[http::field::authorization]);
  if (authorization.rfind("Basic ", 0) == 0) {
    auto decoded = base64_decode(authorization.substr(6));
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return oauth_error(http::status::unauthorized, "invalid_client", "malformed Basic credentials");
    id = url_decode(decoded->substr(0, colon));
    secret = url_decode(decoded->substr(colon + 1));
  }
  bool known = !id.empty() && !secret.empty();
  if (known && !options_.clients.empty()) {
    known = false;
    for (const auto &[client_id, client_secret] : options_.clients) known |= id == client_id && secret == client_secret;
  }
  if (!known) return oauth_error(http::status::unauthorized, "invalid_client", "unknown client or wrong secret");
  return issue_tokens(false);
}

Reply OAuthServer::issue_tokens(bool with_refresh_token) {
  const std::string access = "fake-at-" + random_hex(16);
  tokens_.add_access_token(access);
  nlohmann::json answer = {
      {"access_token", access}, {"token_type", "Bearer"}, {"expires_in", options_.token_lifetime_seconds}};
  if (!with_refresh_token) return json_reply(http::status::ok, answer);  // client credentials: RFC 6749 4.4.3
  const std::string refresh_token = "fake-rt-" + random_hex(16);
  tokens_.add_refresh_token(refresh_token);
  answer["refresh_token"] = refresh_token;
  answer["resource_url"] = options_.resource_url.value_or(root_url());
  return json_reply(http::status::ok, answer);
}

Reply OAuthServer::authorize(const Request &req) {
  if (options_.oauth_mode == OAuthMode::Html) return waf_page();
  auto query = parse_form(split_target(req.target()).second);
  auto code = by_user_code_.find(field(query, "user_code"));
  if (code == by_user_code_.end()) return html_page(http::status::not_found, "unknown user code");
  DeviceCode &device = device_codes_.at(code->second);
  const std::string deny = field(query, "deny");
  if (deny == "1" || deny == "true" || options_.oauth_mode == OAuthMode::DenyAll) {
    device.status = DeviceCode::Status::Denied;
    return html_page(http::status::ok, "denied");
  }
  device.status = DeviceCode::Status::Approved;
  return html_page(http::status::ok, "approved");
}

Reply OAuthServer::approve_all() {
  long approved = 0;
  for (auto &[device_code, code] : device_codes_) {
    if (code.status != DeviceCode::Status::Pending) continue;
    code.status = DeviceCode::Status::Approved;
    ++approved;
  }
  return json_reply(http::status::ok, {{"approved", approved}});
}

Reply OAuthServer::seed_refresh_token(const Request &req) {
  std::string token = req.body();
  size_t b = token.find_first_not_of(" \t\r\n"), e = token.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return json_reply(http::status::bad_request, {{"error", "the body must be the token"}});
  tokens_.add_refresh_token(token.substr(b, e - b + 1));
  return json_reply(http::status::ok, {{"ok", true}});
}

}  // namespace fake
