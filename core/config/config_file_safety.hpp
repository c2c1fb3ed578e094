// config_file_safety.hpp — how the host reads its configuration files: only a
// regular file (a directory or a FIFO named config.toml is an error, never a
// hang), of a sane size, and, for what is the user's own (the qwen home and
// its config.toml), only when no other user can change it (OpenSSH's
// StrictModes: owned by the user or root, not writable by group or others).
// See qwen/sdk/safe_file.hpp for the rules themselves.
#pragma once

#include <filesystem>
#include <string>

namespace qwen::config {

enum class Owner { User, Project };

// The text of a configuration file. Throws ConfigError naming the file when it is not a readable regular
// file, larger than 1 MiB, or (Owner::User) owned or writable by another user.
std::string read_config_file(const std::filesystem::path &file, Owner owner);

// Throws ConfigError when the qwen home exists and another user owns it or can write to it.
void check_qwen_home(const std::filesystem::path &home);

}  // namespace qwen::config
