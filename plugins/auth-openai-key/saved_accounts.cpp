#include "saved_accounts.hpp"

#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/file_lock.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace openai_key {

constexpr size_t kMaxSavedAccountsBytes = 64 * 1024;

std::string saved_accounts_path(const std::string &qwen_home) { return qwen_home + "/openai_accounts.json"; }

std::string saved_account_name(const std::string &account) { return account.empty() ? "default" : account; }

std::optional<SavedAccounts> parse_saved_accounts(const std::string &text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  SavedAccounts out;
  for (const auto &[name, entry] : j.items()) {
    if (!entry.is_object()) continue;
    SavedAccount a;
    if (auto it = entry.find("base_url"); it != entry.end() && it->is_string()) a.base_url = it->get<std::string>();
    if (auto it = entry.find("model"); it != entry.end() && it->is_string()) a.model = it->get<std::string>();
    if (!a.base_url.empty() || !a.model.empty()) out[name] = a;
  }
  return out;
}

std::string format_saved_accounts(const SavedAccounts &accounts) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto &[name, a] : accounts) {
    nlohmann::ordered_json e = nlohmann::ordered_json::object();
    if (!a.base_url.empty()) e["base_url"] = a.base_url;
    if (!a.model.empty()) e["model"] = a.model;
    j[name] = e;
  }
  return j.dump(2) + "\n";
}

SavedAccounts read_saved_accounts(const std::string &qwen_home) {
  const std::string path = saved_accounts_path(qwen_home);
  auto text = qwen::sdk::read_regular_file(path, kMaxSavedAccountsBytes, qwen::sdk::Links::Refuse);
  if (!text) return {};
  auto accounts = parse_saved_accounts(*text);
  if (!accounts) throw qwen::sdk::Error(QWEN_ERR_CONFIG, path + " is not a JSON object; remove it and sign in again");
  return *accounts;
}

void write_saved_accounts(const std::string &qwen_home, const SavedAccounts &accounts) {
  const std::string path = saved_accounts_path(qwen_home);
  if (accounts.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "cannot remove " + path + ": " + std::strerror(errno));
    return;
  }
  qwen::sdk::write_file_atomically(path, format_saved_accounts(accounts), 0600);
}

void update_saved_accounts(const std::string &qwen_home, const std::function<void(SavedAccounts &)> &change,
                           const std::function<bool(uint32_t ms)> &wait) {
  // Compared as written, so "changed" means a different file.
  auto changed_by = [&](SavedAccounts &accounts) {
    const std::string before = format_saved_accounts(accounts);
    change(accounts);
    return format_saved_accounts(accounts) != before;
  };
  // A damaged file or a link is refused before any folder or lock is made; nothing to change takes no lock.
  SavedAccounts now = read_saved_accounts(qwen_home);
  if (!changed_by(now)) return;
  const std::string path = saved_accounts_path(qwen_home);
  qwen::sdk::make_private_dirs(qwen_home);  // the first sign-in: the lock needs its folder
  qwen::sdk::FileLock::Options o;
  o.wait = wait;
  const qwen::sdk::FileLock held = qwen::sdk::lock_for_update(path, o);
  SavedAccounts accounts = read_saved_accounts(qwen_home);  // again, under the lock: another may have written
  if (changed_by(accounts)) write_saved_accounts(qwen_home, accounts);
}

}  // namespace openai_key
