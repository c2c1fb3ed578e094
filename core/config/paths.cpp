#include "config/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "util/strings.hpp"

namespace qwen::config {

std::filesystem::path user_home() {
  if (const char *home = std::getenv("HOME"); home && *home) return home;
  if (const passwd *pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::filesystem::path qwen_home() {
  if (const char *h = std::getenv("QWEN_HOME"); h && *h) return h;
  return user_home() / ".qwen";
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

std::vector<std::filesystem::path> plugin_search_path() {
  std::vector<std::filesystem::path> dirs;
  if (const char *env = std::getenv("QWEN_PLUGIN_PATH")) {
    for (const auto &part : util::split(env, ':'))
      if (!part.empty()) dirs.emplace_back(part);
  }
  dirs.push_back(qwen_home() / "plugins");
  dirs.push_back((executable_dir() / ".." / "lib" / "qwen" / "plugins").lexically_normal());
  return dirs;
}

}  // namespace qwen::config
