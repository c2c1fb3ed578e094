// project_file.hpp — which configuration files belong to a project (a cloned
// repository, written by whoever wrote it) rather than to the user.
//
// The user's own: <qwen home>/config.toml, <qwen home>/.env, ~/.qwen/.env,
// ~/.env. A project's: the nearest .qwen/config.toml, and a .qwen/.env or .env
// found walking up from the current directory that is not one of the user's.
// A project file is trusted per directory (its "root": the folder that holds
// .qwen/ or the .env), as `direnv allow` does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace qwen::trust {

struct ProjectFile {
  std::filesystem::path path;  // the file as found
  std::filesystem::path root;  // the directory the user trusts (absolute, normalised)
  std::string relative;        // path relative to root: ".qwen/config.toml", ".env", ".qwen/.env"
};

// `file` is a project's .qwen/config.toml.
ProjectFile project_config_file(const std::filesystem::path &file);

// `file` is a project's .qwen/settings.json (Qwen Code's workspace settings).
ProjectFile project_settings_file(const std::filesystem::path &file);

// `file` is the .env that was found; nullopt when it is one of the user's own.
std::optional<ProjectFile> project_env_file(const std::filesystem::path &file, const std::filesystem::path &user_home,
                                            const std::filesystem::path &qwen_home);

}  // namespace qwen::trust
