// text_file.hpp — read a small file whole, telling "absent" from "unreadable".
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace qwen_oauth {

// The file's bytes (at most `limit` + 1, so a caller can tell it is too large),
// nullopt when it does not exist; throws qwen::sdk::Error(QWEN_ERR_CONFIG) naming
// the file when it exists but cannot be read (permissions, a folder, ...).
std::optional<std::string> read_text_file(const std::string &path, size_t limit);

// Removes the file; false when there was none. Throws qwen::sdk::Error naming the file on other failures.
bool remove_file(const std::string &path);

}  // namespace qwen_oauth
