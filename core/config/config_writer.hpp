// config_writer.hpp — remembering a choice (the auth method picked with /auth)
// in the user's config.toml without destroying what they wrote: only the one
// top-level `key = ...` line is replaced or added; comments, order and every
// other key stay. Written atomically (temporary file, then rename).
#pragma once

#include <filesystem>
#include <string>

namespace qwen::config {

// Throws std::runtime_error when the file cannot be written or would not parse afterwards.
void set_top_level_string(const std::filesystem::path &file, const std::string &key, const std::string &value);

}  // namespace qwen::config
