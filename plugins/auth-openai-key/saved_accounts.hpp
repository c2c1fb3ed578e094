// saved_accounts.hpp — the base URL and model a sign-in kept, per account, in
// <qwen home>/openai_accounts.json (0600, replaced atomically under
// openai_accounts.json.lock, read without following a link, size-bounded):
//   {"default": {"base_url": "...", "model": "..."}, "work": {...}}
// Not secrets, so not in the host's secret store (which redacts what it
// holds); the key itself never goes here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace openai_key {

struct SavedAccount {
  std::string base_url;  // "" = not kept
  std::string model;
};

using SavedAccounts = std::map<std::string, SavedAccount>;  // by account name, "default" for ""

std::string saved_accounts_path(const std::string &qwen_home);
std::string saved_account_name(const std::string &account);  // "" -> "default"

// The accounts in `text`; members that are not objects of strings are skipped. nullopt when `text` is not a
// JSON object.
std::optional<SavedAccounts> parse_saved_accounts(const std::string &text);
std::string format_saved_accounts(const SavedAccounts &accounts);

// Empty when there is no file; throws qwen::sdk::Error(QWEN_ERR_CONFIG) naming the path for a link, a file
// that is not a regular one, one over 64 KiB, or one that is not a JSON object.
SavedAccounts read_saved_accounts(const std::string &qwen_home);
// Replaces the file (0600) atomically, or removes it when `accounts` is empty; throws qwen::sdk::Error.
void write_saved_accounts(const std::string &qwen_home, const SavedAccounts &accounts);

// The read-modify-write every sign-in and sign-out does: `change` edits the accounts, and when that changes
// anything the file is read again, changed and written while openai_accounts.json.lock is held (the SDK's
// FileLock), so sign-ins running at once lose none of each other's accounts. A change that changes nothing
// takes no lock and writes nothing. `wait` sleeps between tries for the lock (Host::wait, so Ctrl-C ends the
// wait); empty: a plain sleep. Throws qwen::sdk::Error as read_saved_accounts does, FileLockRefused for a link,
// FIFO or folder at the lock's path, and an Error saying the file was not changed when the lock cannot be had.
void update_saved_accounts(const std::string &qwen_home, const std::function<void(SavedAccounts &)> &change,
                           const std::function<bool(uint32_t ms)> &wait = {});

}  // namespace openai_key
