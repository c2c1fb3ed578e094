// openai_settings.hpp — which API key, base URL and model the OpenAI-compatible
// method uses, and where each came from, highest first. qwen's own order:
//   flags (--openai-api-key, --openai-base-url, -m) > for the key only, the
//   key_command's output > what the user typed in this session (/auth, when
//   it could not be kept) > the environment (which includes what the host's
//   .env loader put there, and then settings.json's env block) > what a sign-in
//   kept (the key in the host's secret store, the base URL and model in
//   openai_accounts.json) > the plugin's [plugins.openai] table > defaults.
// A named account (`--account work`) reads none of the environment, .env
// files or settings.json: flags > the key_command (key) > what was typed >
// its [plugins.openai.accounts.<name>] table (base URL, model) > what its
// sign-in kept > defaults.
// Qwen Code's settings.json joins it as Qwen Code resolves it (spec
// qwen-code-after-oauth.md §4.2, 0.24.4 where versions differ):
//   key:   the provider entry's envKey variable > the above > security.auth.apiKey
//          (an entry whose envKey is unset falls back to OPENAI_API_KEY);
//   base:  the provider entry's baseUrl > the above > security.auth.baseUrl
//          (an entry with no baseUrl falls through, as in 0.24.4);
//   model: the flag and the session > model.name > OPENAI_MODEL > the rest.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace openai_key {

inline constexpr const char *kDefaultBaseUrl = "https://api.openai.com/v1";
inline constexpr const char *kDefaultModel = "qwen3-coder-plus";
inline constexpr const char *kEnteredSource = "entered";  // Sourced::source of a value typed in this session

struct Sourced {
  std::string value;
  // "flag", "key_command", "environment", "/path/.env", "secret store", "sign-in" (openai_accounts.json),
  // "config.toml", "entered", "default", "settings.json", "provider", or ""
  std::string source;
};

struct OpenAiSettings {
  Sourced api_key;
  Sourced base_url;
  Sourced model;
  std::string key_variable = "OPENAI_API_KEY";  // the variable the key is read from (a provider's envKey)
};

using Lookup = std::function<std::optional<std::string>(const std::string &)>;

// Where the inputs come from; each returns nullopt when unset.
struct SettingInputs {
  Lookup flag;      // "api_key", "base_url", "model"
  Lookup entered;   // typed in this session
  Lookup env;       // OPENAI_API_KEY, ...
  Lookup config;    // "api_key", "base_url", "model" (a named account: its own table's)
  Lookup kept;      // what a sign-in kept: "api_key" (the secret store), "base_url", "model"
  std::optional<std::string> command_key;  // the key_command's output, when one is configured
  std::string account;                     // "" = the default account
  Lookup settings;  // Qwen Code's settings.json: "model" (model.name), "api_key", "base_url" (security.auth.*)
  std::optional<nlohmann::json> provider;  // the modelProviders.openai entry serving the model (plugin.h 1.3)
  std::string env_file;                    // the .env file the host loaded, or empty
  std::string env_file_keys;               // comma-separated keys it set
};

OpenAiSettings resolve_settings(const SettingInputs &in);

// An empty string when the settings can be used; else what is wrong, in words
// that say exactly what to set.
std::string missing_settings_message(const OpenAiSettings &s);

}  // namespace openai_key
