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

bool non_empty(const std::optional<std::string> &v) { return v && !v->empty(); }

std::optional<std::string> call(const Lookup &f, const std::string &key) { return f ? f(key) : std::nullopt; }

// A text member of the provider entry, or nullopt.
std::optional<std::string> entry_text(const SettingInputs &in, const char *member) {
  if (!in.provider || !in.provider->is_object()) return std::nullopt;
  auto it = in.provider->find(member);
  if (it == in.provider->end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

Sourced from_env(const SettingInputs &in, const std::string &var) {
  auto v = call(in.env, var);
  if (!non_empty(v)) return {};
  return {*v, !in.env_file.empty() && listed(in.env_file_keys, var) ? in.env_file : "environment"};
}

Sourced from_kept(const SettingInputs &in, const std::string &name) {
  auto v = call(in.kept, name);
  if (!non_empty(v)) return {};
  return {*v, name == "api_key" ? "secret store" : "sign-in"};
}

// A named account's order: nothing from the environment, .env files or settings.json.
Sourced pick_for_account(const SettingInputs &in, const std::string &name, const char *fallback) {
  if (auto v = call(in.flag, name); non_empty(v)) return {*v, "flag"};
  if (name == "api_key" && in.command_key) return {*in.command_key, "key_command"};
  if (auto v = call(in.entered, name); non_empty(v)) return {*v, kEnteredSource};
  if (name != "api_key")
    if (auto v = call(in.config, name); non_empty(v)) return {*v, "config.toml"};
  if (Sourced k = from_kept(in, name); !k.value.empty()) return k;
  if (fallback) return {fallback, "default"};
  return {"", ""};
}

// qwen's own order (the header's first list) for one setting, then settings.json, then the fallback.
Sourced pick(const SettingInputs &in, const std::string &name, const std::string &env_var, const char *fallback,
             bool settings_before_env = false) {
  if (auto v = call(in.flag, name); non_empty(v)) return {*v, "flag"};
  if (auto v = call(in.entered, name); non_empty(v)) return {*v, kEnteredSource};
  // model.name beats OPENAI_MODEL (observed in Qwen Code 0.15.10 and 0.24.4, against its own docs).
  if (settings_before_env)
    if (auto v = call(in.settings, name); non_empty(v)) return {*v, "settings.json"};
  // An empty environment variable counts as unset (the seed's rule), but still blocks the .env file.
  if (Sourced e = from_env(in, env_var); !e.value.empty()) return e;
  if (Sourced k = from_kept(in, name); !k.value.empty()) return k;
  if (auto v = call(in.config, name); non_empty(v)) return {*v, "config.toml"};
  if (!settings_before_env)
    if (auto v = call(in.settings, name); non_empty(v)) return {*v, "settings.json"};
  if (fallback) return {fallback, "default"};
  return {"", ""};
}

}  // namespace

OpenAiSettings resolve_settings(const SettingInputs &in) {
  OpenAiSettings s;
  if (!in.account.empty()) {
    s.api_key = pick_for_account(in, "api_key", nullptr);
    s.base_url = pick_for_account(in, "base_url", kDefaultBaseUrl);
    s.model = pick_for_account(in, "model", kDefaultModel);
    while (s.base_url.value.size() > 1 && s.base_url.value.back() == '/') s.base_url.value.pop_back();
    return s;
  }
  const bool flag_key = non_empty(call(in.flag, "api_key"));
  if (auto env_key = entry_text(in, "envKey")) s.key_variable = *env_key;
  if (!flag_key && in.command_key)
    s.api_key = {*in.command_key, "key_command"};
  else if (s.key_variable != "OPENAI_API_KEY")
    if (Sourced e = from_env(in, s.key_variable); !e.value.empty()) s.api_key = e;
  if (s.api_key.value.empty()) s.api_key = pick(in, "api_key", "OPENAI_API_KEY", nullptr);
  if (auto base = entry_text(in, "baseUrl"))
    s.base_url = {*base, "provider"};
  else
    s.base_url = pick(in, "base_url", "OPENAI_BASE_URL", kDefaultBaseUrl);
  s.model = pick(in, "model", "OPENAI_MODEL", kDefaultModel, /*settings_before_env=*/true);
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
  // A keyless server on this machine is fine, unless a provider entry says it takes a key (its envKey).
  const bool entry_wants_key = s.key_variable != "OPENAI_API_KEY";
  if (s.api_key.value.empty() && (entry_wants_key || !qwen::sdk::is_loopback_url(url))) {
    if (entry_wants_key)  // Qwen Code's words when a provider entry names its variable
      return "Missing API key for OpenAI-compatible auth. Set the '" + s.key_variable +
             "' environment variable (settings.json's modelProviders entry for " + s.model.value +
             " reads it; OPENAI_API_KEY is used when it is unset).";
    return "No API key for the OpenAI-compatible method. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL and "
           "OPENAI_MODEL) in the environment or in a .qwen/.env file (in the project or in ~/.qwen/), or pass "
           "--openai-api-key. To use Qwen OAuth instead, run `qwen auth login --auth-type qwen-oauth` in a terminal.";
  }
  return {};
}

}  // namespace openai_key
