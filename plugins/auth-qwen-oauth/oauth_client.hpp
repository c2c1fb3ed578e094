// oauth_client.hpp — the three requests to Qwen's OAuth server: the device
// code, one token poll, a refresh. They go through the SDK's OAuth client
// (qwen/sdk/oauth_client.hpp: the host's HTTP service, form bodies with %20,
// Accept: application/json, the answer size cap); what stays here is Qwen
// Code's: its fields in its order, x-request-id on the device-code request
// only, and its answers read with its wording and leniency (token_response.hpp).
#pragma once

#include <qwen/plugin.hpp>
#include <qwen/sdk/device_flow.hpp>
#include <qwen/sdk/oauth_client.hpp>
#include <qwen/sdk/pkce.hpp>

#include <string>

#include "token_response.hpp"

namespace qwen_oauth {

// The SDK's sign-in blocks (qwen/sdk/form_encoding.hpp, pkce.hpp): Qwen Code's wire format is theirs.
using qwen::sdk::FormFields;
using qwen::sdk::make_pkce_pair;
using qwen::sdk::PkcePair;

inline constexpr const char *kClientId = "f0304373b74a44d2b584a3fb70ca9e56";
inline constexpr const char *kScope = "openid profile email model.completion";
inline constexpr const char *kDeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code";

class OAuthClient {
 public:
  // `user_agent` goes on every request (the API requests carry the same one).
  OAuthClient(qwen::sdk::Host host, std::string base_url, const std::string &user_agent);

  const std::string &base_url() const { return base_url_; }

  DeviceAuthorization request_device_code(const PkcePair &pkce) const;

  // One poll; network failures become Retry (the loop gives up after a few in a row).
  qwen::sdk::DevicePoll poll_token(const DeviceAuthorization &device, const std::string &verifier,
                                   TokenGrant &grant) const;

  RefreshResult refresh(const std::string &refresh_token) const;

 private:
  HttpAnswer post_form(const std::string &url, const FormFields &fields,
                       const qwen::sdk::OAuthRequestOptions &extra = {}) const;

  std::string base_url_;
  qwen::sdk::OAuthClient client_;
};

}  // namespace qwen_oauth
