// retry_after.hpp — reading an HTTP Retry-After header (seconds or an HTTP date).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace qwen::chat {

// Milliseconds to wait, or nullopt when the value is missing or unreadable.
std::optional<long> parse_retry_after(std::string_view value,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace qwen::chat
