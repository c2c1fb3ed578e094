// env_files.hpp — finding and applying the one `.env` file qwen loads.
//
// The seed's rule: walk from the start directory up to `/`; in each directory
// try `.qwen/.env`, then `.env`; if none, try `<home>/.qwen/.env`, then
// `<home>/.env`. The first file found is the only one loaded (no merging).
// Variables already in the environment win, even when empty. Variables in the
// exclusion list (DEBUG, DEBUG_MODE by default) are not taken from a project's
// `.env`; a `.qwen/.env` file (the qwen-specific place) and `<home>/.env` (the
// user's own) may set them.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qwen::config {

// The first .env file in search order, or nullopt.
std::optional<std::filesystem::path> find_env_file(const std::filesystem::path &start_dir,
                                                   const std::filesystem::path &home_dir);

struct EnvFileLoad {
  std::optional<std::filesystem::path> file;  // what was loaded
  std::vector<std::string> applied;           // keys set in the environment
  std::vector<std::string> kept;              // keys already in the environment, left alone
  std::vector<std::string> excluded;          // keys skipped by the exclusion list
  std::vector<std::string> withheld;          // keys the trust boundary kept out
  std::vector<std::string> warnings;          // "FILE:LINE: message"
};

// Abstracts the process environment so tests need not touch the real one.
struct Environment {
  std::function<std::optional<std::string>(const std::string &)> get;
  std::function<void(const std::string &, const std::string &)> set;
};
Environment process_environment();

// Decides, for the file that was found, which of its variables may not be
// applied (the trust boundary: see trust/project_review.hpp). Those are left
// out silently here; the trust review has told the user.
using EnvVeto = std::function<bool(const std::filesystem::path &file, const std::string &key)>;

// Finds the file and sets its variables in `env` by the rules above. An
// unreadable file is a warning, never an exception.
EnvFileLoad load_env_file(const std::filesystem::path &start_dir, const std::filesystem::path &home_dir,
                          const std::vector<std::string> &excluded_keys, const Environment &env,
                          const EnvVeto &vetoed = {});

}  // namespace qwen::config
