#include "oauth_client.hpp"

#include <qwen/sdk/random.hpp>

#include "endpoints.hpp"

namespace qwen_oauth {

using qwen::sdk::DevicePoll;
using qwen::sdk::Error;

namespace {

qwen::sdk::OAuthClientOptions options_for(const std::string &user_agent) {
  qwen::sdk::OAuthClientOptions o;
  o.client_id = kClientId;  // a public client: no secret, so no Authorization header
  if (!user_agent.empty()) o.headers.push_back("User-Agent: " + user_agent);
  o.timeout_ms = 30000;
  o.server_name = "the Qwen OAuth server";
  return o;
}

}  // namespace

OAuthClient::OAuthClient(qwen::sdk::Host host, std::string base_url, const std::string &user_agent)
    : base_url_(std::move(base_url)), client_(host, options_for(user_agent)) {}

// The SDK's grants (start_device_flow, poll_device_token, refresh) are not used as they are: Qwen Code puts
// client_id second in a poll, and its answers are read Qwen's way (a 200 {"status":"pending"} poll, a token
// of any token_type, a 401 refresh as a dead sign-in, messages its users know), see token_response.hpp.
HttpAnswer OAuthClient::post_form(const std::string &url, const FormFields &fields,
                                  const qwen::sdk::OAuthRequestOptions &extra) const {
  return client_.post_form(url, fields, extra);
}

DeviceAuthorization OAuthClient::request_device_code(const PkcePair &pkce) const {
  const std::string url = base_url_ + kDeviceCodePath;
  HttpAnswer a = post_form(url,
                           {{"client_id", kClientId},
                            {"scope", kScope},
                            {"code_challenge", pkce.challenge},
                            {"code_challenge_method", "S256"}},
                           {{"x-request-id: " + qwen::sdk::random_uuid()}});
  return parse_device_code_answer(a, url);
}

DevicePoll OAuthClient::poll_token(const DeviceAuthorization &device, const std::string &verifier,
                                   TokenGrant &grant) const {
  const std::string url = base_url_ + kTokenPath;
  try {
    HttpAnswer a = post_form(url, {{"grant_type", kDeviceGrantType},
                                   {"client_id", kClientId},
                                   {"device_code", device.device_code},
                                   {"code_verifier", verifier}});
    return classify_device_poll(a, url, grant);
  } catch (const Error &e) {
    if (e.status() == QWEN_ERR_NETWORK) return DevicePoll::of(DevicePoll::Kind::Retry, e.what());
    throw;
  }
}

RefreshResult OAuthClient::refresh(const std::string &refresh_token) const {
  const std::string url = base_url_ + kTokenPath;
  // Under the lock, a waiter judges us by our pid, not our age; still, do not hang for ever.
  qwen::sdk::OAuthRequestOptions extra;
  extra.timeout_ms = 20000;
  HttpAnswer a = post_form(
      url, {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}, {"client_id", kClientId}}, extra);
  return parse_refresh_answer(a, url);
}

}  // namespace qwen_oauth
