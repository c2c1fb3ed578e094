// qwen_code_settings.hpp — the auth method Qwen Code stored in
// ~/.qwen/settings.json (security.auth.selectedType, older files
// selectedAuthType), so a Qwen Code user starts with the same method.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace qwen::config {

// "qwen-oauth" or "openai" (or whatever the file says), nullopt when absent or unreadable.
std::optional<std::string> qwen_code_selected_auth(const std::filesystem::path &settings_file);

}  // namespace qwen::config
