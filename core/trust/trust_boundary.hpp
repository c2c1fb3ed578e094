// trust_boundary.hpp — the trust boundary as the host applies it at start-up:
// find the project's files, review what they would set, decide (ask on the
// terminal, or hold back with a warning), and answer the loaders' questions
// about what to leave out. See docs/trust.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "trust/project_review.hpp"

namespace qwen::trust {

struct BoundaryInputs {
  std::filesystem::path cwd;
  std::filesystem::path user_home;
  std::filesystem::path qwen_home;
  std::optional<std::filesystem::path> project_config;  // config::find_project_config's answer
  bool can_ask = false;            // a person at a terminal, not a script (-p, json output)
  bool key_given_as_flag = false;  // --openai-api-key
};

class TrustBoundary {
 public:
  // Reviews and decides; warnings go to the log, the question to the terminal.
  explicit TrustBoundary(const BoundaryInputs &in);

  // For config::load_config: removes the held-back keys from the project's table.
  void vet_project_config(toml::table &project) const;
  // For config::load_env_file: true when `key` of `file` is held back.
  bool env_vetoed(const std::filesystem::path &file, const std::string &key) const;
  // For config::layer_provider_settings: true when `key` of the workspace settings.json is held back.
  bool settings_vetoed(const std::string &key) const;

 private:
  ProjectFiles files_;
  TrustDecision decision_;
};

// The project files that apply in `dir` (what `qwen trust` records).
ProjectFiles project_files_for(const std::filesystem::path &dir, const std::filesystem::path &user_home,
                               const std::filesystem::path &qwen_home);

// <qwen home>/trusted_projects.json
std::filesystem::path trust_store_path(const std::filesystem::path &qwen_home);

}  // namespace qwen::trust
