// provider_settings.hpp — the parts of Qwen Code's settings.json that route a
// chat (spec qwen-code-after-oauth.md §4): model.name, model.baseUrl,
// modelProviders, security.auth.apiKey and baseUrl, model.generationConfig,
// and the `env` block. Layered as Qwen Code layers them: the workspace file
// over the user's, `modelProviders` replaced whole, `env` merged name by name,
// the rest value by value. Which entry serves a model, and what a plugin does
// with it, is the sign-in plugin's business (plugin.h "qwen.provider"): the
// host knows no provider by name.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/env_files.hpp"
#include "config/qwen_code_settings.hpp"

namespace qwen::config {

struct ProviderSettings {
  std::optional<std::string> model_name;      // model.name
  std::optional<std::string> model_base_url;  // model.baseUrl (0.24: picks among entries with one id)
  std::optional<std::string> auth_api_key;    // security.auth.apiKey
  std::optional<std::string> auth_base_url;   // security.auth.baseUrl
  nlohmann::json model_providers = nlohmann::json::object();  // auth type -> array of entries
  std::filesystem::path providers_file;       // the file modelProviders came from
  std::map<std::string, std::string> env;     // the env block (text values only)
  std::map<std::string, std::filesystem::path> env_files;  // where each env value came from
  nlohmann::json generation_config;           // model.generationConfig, or null
  std::vector<std::string> warnings;          // values of the wrong type, said once
};

using Getenv = std::function<std::optional<std::string>(const std::string &)>;

// `workspace_vetoed(key)` names what the trust boundary holds back from the workspace file:
// "modelProviders", "env.<NAME>", "security.auth.baseUrl", "security.auth.apiKey", "model.baseUrl",
// "model.generationConfig". String values are expanded with expand_env_references.
ProviderSettings layer_provider_settings(const QwenCodeSettings &user, const QwenCodeSettings *workspace,
                                         const std::function<bool(const std::string &)> &workspace_vetoed,
                                         const Getenv &getenv);

// Replaces "$VAR" and "${VAR}" in every string of `value` (keys untouched) from `getenv`, as Qwen Code's
// resolveEnvVarsInObject does; an unset variable is left as written.
void expand_env_references(nlohmann::json &value, const Getenv &getenv);

// Sets each variable of the env block that the environment lacks (an empty variable counts as set: it
// blocks lower sources), as Qwen Code does after the .env file. QWEN_HOME and QWEN_RUNTIME_DIR are never
// taken from it. Returns the names set.
std::vector<std::string> apply_settings_env(const ProviderSettings &settings, const Environment &env);

// The modelProviders[auth_id] entry that serves `model`: the first whose "id" is `model` and, when
// model.baseUrl is set, whose "baseUrl" is that (else the first with that id). Entries that are not
// objects, or whose id is not a string, are passed over.
std::optional<nlohmann::json> provider_entry(const ProviderSettings &settings, const std::string &auth_id,
                                             const std::string &model);

// The usable entries of modelProviders[auth_id] (objects with a string id), in order.
nlohmann::json provider_entries(const ProviderSettings &settings, const std::string &auth_id);

}  // namespace qwen::config
