#include "trust/project_file.hpp"

namespace qwen::trust {
namespace {

std::filesystem::path absolute_normal(const std::filesystem::path &p) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

// The folder that holds `.qwen/<name>` or `<name>`.
ProjectFile make(const std::filesystem::path &file) {
  ProjectFile f;
  f.path = file;
  auto parent = absolute_normal(file).parent_path();
  if (parent.filename() == ".qwen") {
    f.root = parent.parent_path();
    f.relative = ".qwen/" + file.filename().string();
  } else {
    f.root = parent;
    f.relative = file.filename().string();
  }
  return f;
}

bool same_dir(const std::filesystem::path &a, const std::filesystem::path &b) {
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec)) return true;
  return absolute_normal(a) == absolute_normal(b);
}

}  // namespace

ProjectFile project_config_file(const std::filesystem::path &file) {
  return make(file);
}

ProjectFile project_settings_file(const std::filesystem::path &file) {
  return make(file);
}

std::optional<ProjectFile> project_env_file(const std::filesystem::path &file, const std::filesystem::path &user_home,
                                            const std::filesystem::path &qwen_home) {
  const auto dir = absolute_normal(file).parent_path();
  for (const auto &own : {user_home, user_home / ".qwen", qwen_home})
    if (same_dir(dir, own)) return std::nullopt;
  return make(file);
}

}  // namespace qwen::trust
