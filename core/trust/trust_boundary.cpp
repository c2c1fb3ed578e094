#include "trust/trust_boundary.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "config/config.hpp"
#include "config/env_files.hpp"
#include "config/qwen_code_settings.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace qwen::trust {
namespace {

// One line from the terminal, read byte by byte so nothing meant for the front-end's line editor is
// swallowed into a buffer.
bool ask_on_terminal(const std::string &question) {
  std::fputs(question.c_str(), stderr);
  std::fflush(stderr);
  std::string line;
  char c = 0;
  while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') line += c;
  const std::string answer(util::trim(line));
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes" || answer == "YES";
}

void remove_dotted(toml::table &t, const std::string &dotted) {
  auto parts = util::split(dotted, '.');
  toml::table *table = &t;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    table = table->get_as<toml::table>(parts[i]);
    if (!table) return;
  }
  table->erase(parts.back());
}

bool same_file(const std::filesystem::path &a, const std::filesystem::path &b) {
  std::error_code ec;
  return a == b || std::filesystem::equivalent(a, b, ec);
}

// Qwen Code's workspace settings file for `dir`, when there is one and it is not the user's own.
std::optional<ProjectFile> existing_settings_file(const std::filesystem::path &dir, const std::filesystem::path &user_home,
                                                  const std::filesystem::path &qwen_home) {
  auto file = config::workspace_settings_file(dir, qwen_home, user_home);
  std::error_code ec;
  if (!file || std::filesystem::symlink_status(*file, ec).type() == std::filesystem::file_type::not_found)
    return std::nullopt;
  return project_settings_file(*file);
}

}  // namespace

std::filesystem::path trust_store_path(const std::filesystem::path &qwen_home) {
  return qwen_home / "trusted_projects.json";
}

ProjectFiles project_files_for(const std::filesystem::path &dir, const std::filesystem::path &user_home,
                               const std::filesystem::path &qwen_home) {
  ProjectFiles files;
  if (auto config = config::find_project_config(dir, qwen_home)) files.config = project_config_file(*config);
  if (auto env = config::find_env_file(dir, user_home)) files.env = project_env_file(*env, user_home, qwen_home);
  files.settings = existing_settings_file(dir, user_home, qwen_home);
  return files;
}

TrustBoundary::TrustBoundary(const BoundaryInputs &in) {
  if (in.project_config) files_.config = project_config_file(*in.project_config);
  if (auto env = config::find_env_file(in.cwd, in.user_home))
    files_.env = project_env_file(*env, in.user_home, in.qwen_home);
  files_.settings = existing_settings_file(in.cwd, in.user_home, in.qwen_home);
  if (files_.present().empty()) return;

  ReviewInputs review;
  review.files = files_;
  review.getenv = [](const std::string &key) -> std::optional<std::string> {
    const char *v = std::getenv(key.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  review.key_given_as_flag = in.key_given_as_flag;
  auto settings = find_sensitive_settings(review);
  if (settings.empty()) return;
  TrustStore store(trust_store_path(in.qwen_home));
  if (store.problem()) util::log_warning(*store.problem());
  decision_ = decide(settings, files_, store, in.can_ask ? Asker(ask_on_terminal) : Asker(),
                     [](const std::string &line) { util::log_warning(line); });
}

void TrustBoundary::vet_project_config(toml::table &project) const {
  for (const auto &key : decision_.drop_config_keys) remove_dotted(project, key);
}

bool TrustBoundary::settings_vetoed(const std::string &key) const {
  return decision_.drop_settings_keys.count(key) > 0;
}

bool TrustBoundary::env_vetoed(const std::filesystem::path &file, const std::string &key) const {
  return files_.env && same_file(file, files_.env->path) && decision_.drop_env_vars.count(key) > 0;
}

}  // namespace qwen::trust
