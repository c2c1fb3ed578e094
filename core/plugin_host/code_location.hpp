// code_location.hpp — may code be loaded from here? A plugin is code that runs
// as the user, so its folder and its .so must be changeable by nobody else
// (OpenSSH's StrictModes): owned by the user or root and not writable by group
// or others. The folders above a plugin folder are checked too, up to /, since
// whoever can write to one of them can swap the plugin folder for their own; a
// sticky folder (/tmp) is fine there, as nobody can rename another's entries.
// The installed <prefix>/lib/qwen/plugins, owned by root, passes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace qwen::plugin_host {

// Why no code may be loaded from the folder `dir` (a user-facing phrase without `dir` itself, with the
// fix: "is writable by other users (mode 0777): ..."), or nullopt. A folder that does not exist is fine.
std::optional<std::string> unsafe_plugin_folder(const std::filesystem::path &dir, uid_t me);

// The same for the plugin file `file` itself (not its folders).
std::optional<std::string> unsafe_plugin_file(const std::filesystem::path &file, uid_t me);

}  // namespace qwen::plugin_host
