// endpoints.hpp — where the OAuth server and the model API are.
//
// The OAuth server is https://chat.qwen.ai unless the plugin's config table
// (`[plugins.qwen-oauth] base_url`) or QWEN_OAUTH_BASE_URL (which wins) says
// otherwise. The model API's base URL comes from the `resource_url` the token
// endpoint returned, normalised the way Qwen Code does.
#pragma once

#include <optional>
#include <string>

namespace qwen_oauth {

inline constexpr const char *kDefaultOAuthBaseUrl = "https://chat.qwen.ai";
inline constexpr const char *kDefaultApiBaseUrl = "https://dashscope.aliyuncs.com/compatible-mode/v1";
inline constexpr const char *kDeviceCodePath = "/api/v1/oauth2/device/code";
inline constexpr const char *kTokenPath = "/api/v1/oauth2/token";

// The OAuth server in use and what chose it, for messages.
struct OAuthServer {
  std::string url;     // no trailing slash
  std::string source;  // "QWEN_OAUTH_BASE_URL", "[plugins.qwen-oauth] base_url" or "the default"
};

// The OAuth server from the environment variable's and the config's values, either
// possibly unset; the same checks as resolve_oauth_base_url.
OAuthServer resolve_oauth_server(const std::optional<std::string> &env_value,
                                 const std::optional<std::string> &config_value, bool allow_insecure_http);

// The OAuth base URL (no trailing slash) from the environment variable's and the
// config's values, either possibly unset. Throws qwen::sdk::Error(QWEN_ERR_CONFIG)
// for a value that is not an http(s) URL, or plain http to another machine unless
// `allow_insecure_http`.
std::string resolve_oauth_base_url(const std::optional<std::string> &env_value,
                                   const std::optional<std::string> &config_value, bool allow_insecure_http);

// resource_url -> the OpenAI-compatible base URL: https:// added when there is no
// scheme, /v1 added when it does not end so; the DashScope default when empty.
std::string api_base_url(const std::string &resource_url);

}  // namespace qwen_oauth
