#include "config/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "util/log.hpp"
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

std::filesystem::path cache_dir() {
  if (const char *c = std::getenv("XDG_CACHE_HOME"); c && *c == '/') return std::filesystem::path(c) / "qwen";
  return user_home() / ".cache" / "qwen";
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

std::vector<std::filesystem::path> plugin_search_path() {
  std::vector<std::filesystem::path> dirs;
  if (const char *env = std::getenv("QWEN_PLUGIN_PATH")) {
    // A relative folder would be looked up from the current directory, i.e. inside whatever repository the
    // user is in: code from there must never be loaded. Ignored, and said once.
    std::vector<std::string> relative;
    for (const auto &part : util::split(env, ':')) {
      if (part.empty()) continue;
      if (part.front() == '/')
        dirs.emplace_back(part);
      else
        relative.push_back("'" + part + "'");
    }
    if (!relative.empty())
      util::log_warning("QWEN_PLUGIN_PATH: ignoring " + util::join(relative, ", ") +
                        ": a plugin folder must be an absolute path (a relative one would be searched from the "
                        "current directory)");
  }
  dirs.push_back(qwen_home() / "plugins");
  dirs.push_back((executable_dir() / ".." / "lib" / "qwen" / "plugins").lexically_normal());
  return dirs;
}

}  // namespace qwen::config
