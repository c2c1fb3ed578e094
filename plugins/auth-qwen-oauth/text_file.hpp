// text_file.hpp — read a small file whole, telling "absent" from "unreadable".
#pragma once

#include <qwen/sdk/safe_file.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace qwen_oauth {

// The file's bytes (at most `limit` + 1, so a caller can tell it is too large),
// nullopt when it does not exist; throws qwen::sdk::Error(QWEN_ERR_CONFIG) naming
// the file when it exists but cannot be read (permissions) or is not a regular
// file ("X is a directory, not a file", "X is a FIFO (named pipe), not a file":
// never opened, so never a hang). A symbolic link is followed unless `links` is
// Links::Refuse (for a file only qwen writes; see qwen/sdk/safe_file.hpp).
std::optional<std::string> read_text_file(const std::string &path, size_t limit,
                                          qwen::sdk::Links links = qwen::sdk::Links::Follow);

// Removes the file; false when there was none. Throws qwen::sdk::Error naming the file on other failures.
bool remove_file(const std::string &path);

}  // namespace qwen_oauth
