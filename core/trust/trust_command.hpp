// trust_command.hpp — `qwen trust [DIR]`, `qwen trust --list`, `qwen trust --revoke [DIR]`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace qwen::trust {

enum class TrustAction { Trust, List, Revoke };

// Prints to stdout what was done; returns the exit status.
int run_trust_command(TrustAction action, const std::optional<std::string> &dir,
                      const std::filesystem::path &user_home, const std::filesystem::path &qwen_home);

}  // namespace qwen::trust
