// auth_choice.hpp — which sign-in method a run uses, and where a choice the
// user makes is remembered, so that qwen and Qwen Code, sharing ~/.qwen, keep
// one choice (README "Which sign-in method").
//
// Read, first found wins:
//   1. --auth-type;
//   2. the project: `auth` in its .qwen/config.toml, else security.auth.selectedType in
//      <cwd>/.qwen/settings.json (Qwen Code's workspace file);
//   3. the user: `auth` in config.toml when it names a method Qwen Code does not know (a third-party
//      plugin), else security.auth.selectedType in <qwen home>/settings.json, else `auth` in config.toml;
// security.auth.enforcedType in the user's settings.json, when set, overrides 4 and refuses 1-3 that differ
// (a project's file cannot enforce: it would be a stranger's). The order:
//   4. the installed method the environment configures with the highest priority (`openai` when
//      OPENAI_API_KEY is set; a third party's when its variables are), else `default_auth` (qwen-oauth).
// A settings.json value is used only when it is a plain id of an installed method; otherwise (Qwen Code's
// `anthropic`, `gemini`, ...) one warning names the file and the method used instead.
//
// Written (auth.select, a successful `qwen auth login`): `qwen-oauth` and `openai` go into settings.json when
// that file exists (config.toml's `auth`, if it has one, is kept in agreement); any other id, or every id
// when there is no settings.json, goes into config.toml as `auth`.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qwen::app {

struct AuthChoiceInputs {
  std::optional<std::string> flag;             // --auth-type
  std::optional<std::string> project_config;   // `auth` from the project's .qwen/config.toml
  std::optional<std::string> user_config;      // `auth` from the user's config.toml
  std::optional<std::filesystem::path> workspace_settings;  // <cwd>/.qwen/settings.json
  std::filesystem::path user_settings;         // <qwen home>/settings.json
  // The installed method the environment configures (plugin.h: environment_priority), asked only when none
  // of the above chose one; nullopt when none is.
  std::function<std::optional<std::string>()> environment_method;
  std::string default_method = "qwen-oauth";   // `default_auth` in config.toml
  std::function<bool(const std::string &)> installed;  // is there a plugin with this id
};

struct AuthChoice {
  std::string id;
  bool chosen_by_user = false;        // false: the built-in default
  std::string source;                 // "--auth-type", a file name, "environment" or "default"
  std::vector<std::string> warnings;  // to show once
  // security.auth.enforcedType in the user's settings.json (Qwen Code's administrator setting): the method
  // every choice must be. A choice made by nobody becomes it; a choice made otherwise is refused with
  // Qwen Code's words in `enforcement_error`.
  std::optional<std::string> enforced;
  std::string enforced_file;
  std::optional<std::string> enforcement_error;
};

// Qwen Code's words when /auth (auth.select) picks another method than the enforced one.
std::string enforced_method_refusal(const AuthChoice &choice, const std::string &wanted);

AuthChoice decide_auth(const AuthChoiceInputs &in);

// Remembers `id` as the user's choice (see the header comment). `only_shared_file`: remember only in an
// existing settings.json (a `qwen auth login`, which does not otherwise change config.toml). Returns
// warnings for the user; never throws.
std::vector<std::string> remember_auth_choice(const std::string &id, const std::filesystem::path &user_settings,
                                              const std::filesystem::path &user_config, bool only_shared_file = false);

// `auth` as written in one config.toml (nullopt when absent, unreadable or not a string).
std::optional<std::string> auth_in_config_file(const std::filesystem::path &config_toml);

}  // namespace qwen::app
