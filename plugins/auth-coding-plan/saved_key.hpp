// saved_key.hpp — where qwen keeps a Coding Plan sign-in: <qwen home>/coding_plan.json,
// {"base_url": ..., "api_key": ...}, mode 0600, replaced atomically, read
// without following a link and with a size bound. (Issue 15's secret store is
// meant to take the key over; this file is the fallback it names.)
#pragma once

#include <optional>
#include <string>

namespace coding_plan {

struct SavedKey {
  std::string base_url;
  std::string api_key;
};

std::string saved_key_path(const std::string &qwen_home);

// The file's content for `k` (JSON, one line and a newline).
std::string format_saved_key(const SavedKey &k);
// The sign-in in `text`, or nullopt when it is not an object with two non-empty strings.
std::optional<SavedKey> parse_saved_key(const std::string &text);

// nullopt when there is no file; throws qwen::sdk::Error(QWEN_ERR_CONFIG) naming the path for a link,
// something that is not a file, a file over 64 KiB, or one that does not hold a sign-in.
std::optional<SavedKey> read_saved_key(const std::string &qwen_home);
// Replaces the file (0600) atomically; throws qwen::sdk::Error when it cannot (the old file is then kept).
void write_saved_key(const std::string &qwen_home, const SavedKey &k);
// Deletes the file; false when there was none. Throws qwen::sdk::Error when it is there and cannot go.
bool remove_saved_key(const std::string &qwen_home);

}  // namespace coding_plan
