// saved_key.hpp — the base URL of a Coding Plan sign-in: <qwen home>/coding_plan.json
// for the default account, coding_plan.<account>.json for a named one,
// {"base_url": ...}, mode 0600, replaced atomically, read without following a
// link and with a size bound. The key itself is in the host's secret store;
// a file written before the store (with "api_key" too) is still read, and the
// next sign-in rewrites it without the key.
#pragma once

#include <optional>
#include <string>

namespace coding_plan {

struct SavedKey {
  std::string base_url;
  std::string api_key;  // "" in a file written since the secret store (an older file's key is still read)
};

// `account` "" is the default account.
std::string saved_key_path(const std::string &qwen_home, const std::string &account = "");

// The file's content for `k` (JSON, one line and a newline).
std::string format_saved_key(const SavedKey &k);
// The sign-in in `text`, or nullopt when it is not an object with a non-empty base_url (and, when there is an
// api_key member, a string one).
std::optional<SavedKey> parse_saved_key(const std::string &text);

// nullopt when there is no file; throws qwen::sdk::Error(QWEN_ERR_CONFIG) naming the path for a link,
// something that is not a file, a file over 64 KiB, or one that does not hold a sign-in.
std::optional<SavedKey> read_saved_key(const std::string &qwen_home, const std::string &account = "");
// Replaces the file (0600) atomically; throws qwen::sdk::Error when it cannot (the old file is then kept).
void write_saved_key(const std::string &qwen_home, const SavedKey &k, const std::string &account = "");
// Deletes the file; false when there was none. Throws qwen::sdk::Error when it is there and cannot go.
bool remove_saved_key(const std::string &qwen_home, const std::string &account = "");

}  // namespace coding_plan
