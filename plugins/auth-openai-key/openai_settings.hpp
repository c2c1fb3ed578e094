// openai_settings.hpp — which API key, base URL and model the OpenAI-compatible
// method uses, and where each came from, highest first:
//   flags (--openai-api-key, --openai-base-url, -m) > what the user typed in
//   this session (/auth) > the environment (which includes what the host's
//   .env loader put there) > the plugin's [plugins.openai] table > defaults.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace openai_key {

inline constexpr const char *kDefaultBaseUrl = "https://api.openai.com/v1";
inline constexpr const char *kDefaultModel = "qwen3-coder-plus";
inline constexpr const char *kEnteredSource = "entered";  // Sourced::source of a value typed in this session

struct Sourced {
  std::string value;
  std::string source;  // "flag", "environment", "/path/.env", "config.toml", "entered", "default", or "" if unset
};

struct OpenAiSettings {
  Sourced api_key;
  Sourced base_url;
  Sourced model;
};

// Where the inputs come from; each returns nullopt when unset.
struct SettingInputs {
  std::function<std::optional<std::string>(const std::string &)> flag;     // "api_key", "base_url", "model"
  std::function<std::optional<std::string>(const std::string &)> entered;  // typed in this session
  std::function<std::optional<std::string>(const std::string &)> env;      // OPENAI_API_KEY, ...
  std::function<std::optional<std::string>(const std::string &)> config;   // "api_key", "base_url", "model"
  std::string env_file;                                                    // the .env file the host loaded, or empty
  std::string env_file_keys;                                               // comma-separated keys it set
};

OpenAiSettings resolve_settings(const SettingInputs &in);

// An empty string when the settings can be used; else what is wrong, in words
// that say exactly what to set.
std::string missing_settings_message(const OpenAiSettings &s);

}  // namespace openai_key
