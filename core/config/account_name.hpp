// account_name.hpp — what an account's name may be (plugin.h "Accounts"): it is written in config.toml,
// in accounts.json and in the secret store's keys, and shown in a terminal.
#pragma once

#include <optional>
#include <string>

namespace qwen::config {

inline constexpr const char *kAccountNameRule =
    "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit";

// "" for "default" (and ""), the name itself when it follows the rule, nullopt otherwise.
std::optional<std::string> parse_account_name(const std::string &text);

// How an account is shown: "default" for "".
std::string account_label(const std::string &account);

}  // namespace qwen::config
