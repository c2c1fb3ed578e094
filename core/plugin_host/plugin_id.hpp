// plugin_id.hpp — what a plugin id may look like. An id names a plugin that is
// looked up on the plugin search path; it is never a path. Every id, from a
// flag, a config file, Qwen Code's settings or a plugin's own entry, is checked
// with this before any file is opened, so `../x`, `/proc/self/cwd/evil` or
// `evil.so` can never reach dlopen().
#pragma once

#include <string_view>

namespace qwen::plugin_host {

// [a-z0-9][a-z0-9._-]*, at most 64 characters.
inline bool is_plugin_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

inline constexpr const char *kPluginIdRule = "a plugin id: lower-case letters, digits, '.', '_' or '-', not a path";

}  // namespace qwen::plugin_host
