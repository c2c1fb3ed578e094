// paths.hpp — where qwen finds the user's files and its plugins.
#pragma once

#include <filesystem>
#include <vector>

namespace qwen::config {

// $HOME, else the password database's home.
std::filesystem::path user_home();

// $QWEN_HOME when set (as Qwen Code 0.15+), else ~/.qwen.
std::filesystem::path qwen_home();

// $XDG_CACHE_HOME/qwen when that is an absolute path, else ~/.cache/qwen: what qwen may rebuild at any time.
std::filesystem::path cache_dir();

// The directory of the running executable (from /proc/self/exe).
std::filesystem::path executable_dir();

// Plugin directories in search order: $QWEN_PLUGIN_PATH (colon-separated,
// absolute paths only: a relative entry is ignored with one warning),
// <qwen home>/plugins, <exe dir>/../lib/qwen/plugins. Missing ones included;
// callers skip what does not exist.
std::vector<std::filesystem::path> plugin_search_path();

}  // namespace qwen::config
