#include "endpoints.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include <cctype>

namespace qwen_oauth {
namespace {

std::string trim(const std::string &s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

OAuthServer resolve_oauth_server(const std::optional<std::string> &env_value,
                                 const std::optional<std::string> &config_value, bool allow_insecure_http) {
  std::string source, url;
  if (env_value && !trim(*env_value).empty()) {
    source = "QWEN_OAUTH_BASE_URL";
    url = trim(*env_value);
  } else if (config_value && !trim(*config_value).empty()) {
    source = "[plugins.qwen-oauth] base_url";
    url = trim(*config_value);
  } else {
    return {kDefaultOAuthBaseUrl, "the default"};
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  const std::string shown = qwen::sdk::url_without_password(url);
  if (!qwen::sdk::is_http_url(url))
    throw qwen::sdk::Error(QWEN_ERR_CONFIG, source + " must be an http(s) URL such as https://chat.qwen.ai, not '" +
                                               shown + "'");
  if (!allow_insecure_http && qwen::sdk::is_insecure_remote_url(url))
    throw qwen::sdk::Error(QWEN_ERR_CONFIG, source + " is plain http to another machine (" + shown +
                                               "): tokens would travel in clear. Use https, or set "
                                               "allow_insecure_http = true in [plugins.qwen-oauth]");
  return {url, source};
}

std::string resolve_oauth_base_url(const std::optional<std::string> &env_value,
                                   const std::optional<std::string> &config_value, bool allow_insecure_http) {
  return resolve_oauth_server(env_value, config_value, allow_insecure_http).url;
}

std::string api_base_url(const std::string &resource_url) {
  std::string base = trim(resource_url);
  if (base.empty()) return kDefaultApiBaseUrl;
  if (!qwen::sdk::has_url_scheme(base)) base = "https://" + base;
  if (base.size() < 3 || base.compare(base.size() - 3, 3, "/v1") != 0) {
    // A trailing slash would give "//v1" (Qwen Code's quirk); one slash is what was meant.
    if (base.back() == '/') base.pop_back();
    if (base.size() < 3 || base.compare(base.size() - 3, 3, "/v1") != 0) base += "/v1";
  }
  return base;
}

}  // namespace qwen_oauth
