// qwen_code_settings.hpp — what qwen reads from Qwen Code's settings.json
// (JSON with comments): the sign-in choice (security.auth.selectedType; the
// v1 layout's selectedAuthType) and the variables a project .env may not set
// (advanced.excludedEnvVars; v1 excludedProjectEnvVars). The user's file is
// <qwen home>/settings.json; a workspace's is <cwd>/.qwen/settings.json, as
// Qwen Code reads them. Nothing else in the file is qwen's business.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qwen::config {

struct QwenCodeSettings {
  std::filesystem::path file;
  bool exists = false;
  std::optional<std::string> selected_auth;                   // the raw value (checked by the caller)
  bool selected_auth_not_text = false;                        // present but not a string
  std::optional<std::string> enforced_auth;                   // security.auth.enforcedType (an administrator's)
  std::optional<std::vector<std::string>> excluded_env_vars;  // nullopt: not set (the default applies)
  // The whole file (an object) when it was read and parsed; null otherwise. For provider_settings.hpp.
  nlohmann::json root;
  // Set when the file exists but cannot be used: "FILE:LINE:COLUMN: not valid JSON (...)", or why it
  // cannot be read. Its settings are then all absent, as if the file were not there.
  std::optional<std::string> error;
};

struct SettingsReadOptions {
  // A project's file is opened without following a symbolic link (the link may point anywhere, as the
  // repository's author chose); the user's own file may be a link (dotfile managers make them).
  bool follow_links = true;
};

// Reads `file`; a missing file is `exists == false` and no error. Never throws.
QwenCodeSettings read_qwen_code_settings(const std::filesystem::path &file, const SettingsReadOptions &options = {});

// The workspace file Qwen Code reads: <cwd>/.qwen/settings.json, unless the current directory is the home
// directory or that folder is the user's qwen home (then it is the user's own file).
std::optional<std::filesystem::path> workspace_settings_file(const std::filesystem::path &cwd,
                                                             const std::filesystem::path &qwen_home,
                                                             const std::filesystem::path &user_home);

// The text of a settings file, or an error message naming it (qwen/sdk/safe_file.hpp): no link followed
// unless asked, only a regular file, at most 1 MiB (a FIFO or a device planted in a project never blocks
// qwen). Shared with the writer.
struct SettingsText {
  std::string text;
  std::optional<std::string> error;
  bool missing = false;
  bool is_link = false;
};
SettingsText read_settings_text(const std::filesystem::path &file, bool follow_links);

// "FILE:LINE:COLUMN: not valid JSON (what the parser says)" for `text`, or nullopt when it parses as JSON with
// comments. The parser's excerpt of the text is left out: the file holds API keys in its `env` block.
std::optional<std::string> settings_syntax_error(const std::filesystem::path &file, const std::string &text);

// The member at `path` under `j` (each step an object's member), or nullptr.
const nlohmann::json *at_path(const nlohmann::json &j, std::initializer_list<const char *> path);

// The sign-in methods qwen and Qwen Code both have, under the same names in both files.
bool is_shared_auth_method(const std::string &id);

// The variables a project's .env may not set: qwen's `excluded_env_vars` and Qwen Code's
// advanced.excludedEnvVars joined. The default (DEBUG, DEBUG_MODE) applies only when neither file names a
// list: in Qwen Code a list replaces the default, and `[]` lets a project .env set everything.
std::vector<std::string> project_env_exclusions(const std::optional<std::vector<std::string>> &qwen_list,
                                                const std::optional<std::vector<std::string>> &qwen_code_list);

}  // namespace qwen::config
