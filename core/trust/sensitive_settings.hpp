// sensitive_settings.hpp — which settings a project file may give, and which
// only the user may. Decided by what a setting controls, never by its value:
//   Never   names code or where qwen keeps its own state (QWEN_HOME,
//           QWEN_PLUGIN_PATH, BROWSER, PATH, LD_*...): not from a project file,
//           trusted or not.
//   Trusted changes where credentials go or how they travel (a base URL,
//           allow_insecure_http, a CA bundle, a proxy): only once the user has
//           trusted the project's directory (`qwen trust`).
//   Free    anything else (a model name, a project's own key, timeouts).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qwen::trust {

enum class Sensitivity { Free, Trusted, Never };

// A variable set by a project's .env file.
Sensitivity classify_env_var(const std::string &name);

// A key of a project's config.toml, as its table path: {"plugins", "openai", "base_url"}.
Sensitivity classify_config_key(const std::vector<std::string> &path);

// For a URL variable such as OPENAI_BASE_URL, the key variable that makes it the
// project's own when the same .env file supplies that key (OPENAI_API_KEY): a
// project that brings its own key and its own server sends nobody else's key there.
std::optional<std::string> own_key_for(const std::string &url_var);

// One line for the user: why a setting of this sensitivity is held back.
const char *why_sensitive(Sensitivity s);

}  // namespace qwen::trust
