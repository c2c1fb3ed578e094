#include "saved_key.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace coding_plan {

constexpr size_t kMaxSavedKeyBytes = 64 * 1024;

// Account names are 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit (plugin.h): safe in a file name.
std::string saved_key_path(const std::string &qwen_home, const std::string &account) {
  return qwen_home + (account.empty() ? std::string("/coding_plan.json") : "/coding_plan." + account + ".json");
}

std::string format_saved_key(const SavedKey &k) {
  nlohmann::ordered_json j{{"base_url", k.base_url}};
  if (!k.api_key.empty()) j["api_key"] = k.api_key;
  return j.dump() + "\n";
}

std::optional<SavedKey> parse_saved_key(const std::string &text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto url = j.find("base_url");
  auto key = j.find("api_key");
  if (url == j.end() || !url->is_string() || (key != j.end() && !key->is_string())) return std::nullopt;
  SavedKey k{url->get<std::string>(), key == j.end() ? std::string() : key->get<std::string>()};
  if (k.base_url.empty()) return std::nullopt;
  return k;
}

std::optional<SavedKey> read_saved_key(const std::string &qwen_home, const std::string &account) {
  const std::string path = saved_key_path(qwen_home, account);
  auto text = qwen::sdk::read_regular_file(path, kMaxSavedKeyBytes, qwen::sdk::Links::Refuse);
  if (!text) return std::nullopt;
  auto k = parse_saved_key(*text);
  if (!k)
    throw qwen::sdk::Error(QWEN_ERR_CONFIG, path + " does not hold a Coding Plan sign-in (a base_url); run "
                                                  "`qwen auth coding-plan` to sign in again");
  return k;
}

void write_saved_key(const std::string &qwen_home, const SavedKey &k, const std::string &account) {
  qwen::sdk::write_file_atomically(saved_key_path(qwen_home, account), format_saved_key(k), 0600);
}

bool remove_saved_key(const std::string &qwen_home, const std::string &account) {
  const std::string path = saved_key_path(qwen_home, account);
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "cannot remove " + path + ": " + std::strerror(errno));
}

}  // namespace coding_plan
