#include "openai_settings.hpp"

#include <qwen/sdk/url.hpp>

#include <sstream>

namespace openai_key {
namespace {

bool listed(const std::string &csv, const std::string &key) {
  std::stringstream s(csv);
  std::string item;
  while (std::getline(s, item, ','))
    if (item == key) return true;
  return false;
}

Sourced pick(const SettingInputs &in, const std::string &name, const std::string &env_var, const char *fallback) {
  auto non_empty = [](const std::optional<std::string> &v) { return v && !v->empty(); };
  if (auto v = in.flag ? in.flag(name) : std::nullopt; non_empty(v)) return {*v, "flag"};
  if (auto v = in.entered ? in.entered(name) : std::nullopt; non_empty(v)) return {*v, kEnteredSource};
  // An empty environment variable counts as unset (the seed's rule), but still blocks the .env file.
  if (auto v = in.env ? in.env(env_var) : std::nullopt; non_empty(v))
    return {*v, !in.env_file.empty() && listed(in.env_file_keys, env_var) ? in.env_file : "environment"};
  if (auto v = in.config ? in.config(name) : std::nullopt; non_empty(v)) return {*v, "config.toml"};
  if (fallback) return {fallback, "default"};
  return {"", ""};
}

}  // namespace

OpenAiSettings resolve_settings(const SettingInputs &in) {
  OpenAiSettings s;
  s.api_key = pick(in, "api_key", "OPENAI_API_KEY", nullptr);
  s.base_url = pick(in, "base_url", "OPENAI_BASE_URL", kDefaultBaseUrl);
  s.model = pick(in, "model", "OPENAI_MODEL", kDefaultModel);
  while (s.base_url.value.size() > 1 && s.base_url.value.back() == '/') s.base_url.value.pop_back();
  return s;
}

std::string missing_settings_message(const OpenAiSettings &s) {
  const std::string &url = s.base_url.value;
  // Parsed by libcurl (qwen/sdk/url.hpp): "HTTP://10.1.2.3" is plain http, "https://" with no host is no URL.
  if (!qwen::sdk::is_http_url(url))
    return "OPENAI_BASE_URL must start with https:// (or http:// for a server on this machine); got '" +
           qwen::sdk::url_without_password(url) + "'";
  if (qwen::sdk::is_insecure_remote_url(url))
    return "refusing to send the API key in clear over plain http to " + qwen::sdk::url_host(url) +
           "; use an https:// base URL, or set allow_insecure_http = true in [plugins.openai]";
  if (s.api_key.value.empty() && !qwen::sdk::is_loopback_url(url))
    return "No API key for the OpenAI-compatible method. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL and "
           "OPENAI_MODEL) in the environment or in a .qwen/.env file (in the project or in ~/.qwen/), or pass "
           "--openai-api-key. To use Qwen OAuth instead, run `qwen auth login --auth-type qwen-oauth` in a terminal.";
  return {};
}

}  // namespace openai_key
