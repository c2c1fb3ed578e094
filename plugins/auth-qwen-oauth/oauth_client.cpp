#include "oauth_client.hpp"

#include <qwen/sdk/random.hpp>

#include "endpoints.hpp"

namespace qwen_oauth {

using qwen::sdk::DevicePoll;
using qwen::sdk::Error;

OAuthClient::OAuthClient(qwen::sdk::Host host, std::string base_url, std::string user_agent)
    : host_(host), base_url_(std::move(base_url)), user_agent_(std::move(user_agent)) {}

HttpAnswer OAuthClient::post_form(const std::string &url, const FormFields &fields, uint32_t timeout_ms,
                                  bool with_request_id) const {
  qwen::sdk::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  if (!user_agent_.empty()) req.headers.push_back("User-Agent: " + user_agent_);
  if (with_request_id) req.headers.push_back("x-request-id: " + qwen::sdk::random_uuid());
  req.body = qwen::sdk::form_encode(fields);
  req.timeout_ms = timeout_ms;
  qwen::sdk::HttpResponse resp = host_.http(req);
  return HttpAnswer{resp.status, resp.header("Content-Type"), std::move(resp.body)};
}

DeviceAuthorization OAuthClient::request_device_code(const PkcePair &pkce) const {
  const std::string url = base_url_ + kDeviceCodePath;
  HttpAnswer a = post_form(url,
                           {{"client_id", kClientId},
                            {"scope", kScope},
                            {"code_challenge", pkce.challenge},
                            {"code_challenge_method", "S256"}},
                           30000, true);
  return parse_device_authorization(a, url);
}

DevicePoll OAuthClient::poll_token(const DeviceAuthorization &device, const std::string &verifier,
                                   TokenGrant &grant) const {
  const std::string url = base_url_ + kTokenPath;
  try {
    HttpAnswer a = post_form(url,
                             {{"grant_type", kDeviceGrantType},
                              {"client_id", kClientId},
                              {"device_code", device.device_code},
                              {"code_verifier", verifier}},
                             30000, false);
    return classify_device_poll(a, url, grant);
  } catch (const Error &e) {
    if (e.status() == QWEN_ERR_NETWORK) return DevicePoll::of(DevicePoll::Kind::Retry, e.what());
    throw;
  }
}

RefreshResult OAuthClient::refresh(const std::string &refresh_token) const {
  const std::string url = base_url_ + kTokenPath;
  // Under the lock, a waiter judges us by our pid, not our age; still, do not hang for ever.
  HttpAnswer a = post_form(
      url, {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}, {"client_id", kClientId}}, 20000, false);
  return parse_refresh_answer(a, url);
}

}  // namespace qwen_oauth
