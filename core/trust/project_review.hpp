// project_review.hpp — before a project's files are applied: which of their
// settings need the user's trust, and the decision (trusted already, asked on
// the terminal, or held back with one warning line per file).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "trust/project_file.hpp"
#include "trust/sensitive_settings.hpp"
#include "trust/trust_store.hpp"

namespace qwen::trust {

struct SensitiveSetting {
  ProjectFile file;
  std::string key;      // "OPENAI_BASE_URL", or a config key as "plugins.openai.base_url"
  std::string display;  // how the user reads it: "[plugins.openai] base_url"
  std::string value;    // as written (shown redacted and escaped)
  Sensitivity level = Sensitivity::Free;
};

struct ProjectFiles {
  std::optional<ProjectFile> config;  // the project's .qwen/config.toml
  std::optional<ProjectFile> env;     // the project's .env (not the user's own)
  std::optional<ProjectFile> settings;  // the project's .qwen/settings.json (Qwen Code's workspace file)
  std::vector<ProjectFile> present() const;
};

struct ReviewInputs {
  ProjectFiles files;
  // The process environment as it is before the .env file is applied.
  std::function<std::optional<std::string>(const std::string &)> getenv;
  bool key_given_as_flag = false;  // --openai-api-key: the user's key, whatever the .env holds
};

// Every setting of the project's files that is Never or needs trust. Files that do not parse give nothing
// here (their loader reports the error).
std::vector<SensitiveSetting> find_sensitive_settings(const ReviewInputs &in);

struct TrustDecision {
  std::set<std::string> drop_config_keys;  // dotted keys to remove from the project config
  std::set<std::string> drop_env_vars;     // variables not to take from the project .env
  // keys of the project's settings.json not to use: "modelProviders", "env.<NAME>", "security.auth.baseUrl"
  std::set<std::string> drop_settings_keys;
};

// Asks one yes/no question on the terminal; empty when there is nobody to ask.
using Asker = std::function<bool(const std::string &question)>;

// Settings of trusted files are kept; Never settings are always dropped. Otherwise, with an asker, one
// question covers every untrusted file (yes records the trust); without one, they are dropped. `warn` gets
// one line per file that had something dropped.
TrustDecision decide(const std::vector<SensitiveSetting> &settings, const ProjectFiles &files, TrustStore &store,
                     const Asker &ask, const std::function<void(const std::string &)> &warn);

}  // namespace qwen::trust
