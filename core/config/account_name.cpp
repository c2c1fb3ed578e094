#include "config/account_name.hpp"

namespace qwen::config {
namespace {

constexpr size_t kMaxNameLength = 64;

bool name_char(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '.' || c == '_' || c == '-'));
}

}  // namespace

std::optional<std::string> parse_account_name(const std::string &text) {
  if (text.empty() || text == "default") return std::string();
  if (text.size() > kMaxNameLength) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i)
    if (!name_char(text[i], i == 0)) return std::nullopt;
  return text;
}

std::string account_label(const std::string &account) {
  return account.empty() ? "default" : account;
}

}  // namespace qwen::config
