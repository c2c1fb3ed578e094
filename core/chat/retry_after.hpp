// retry_after.hpp — how long to wait before a retry: reading an HTTP Retry-After
// header (seconds or an HTTP date), the exponential backoff, and a wait in words.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace qwen::chat {

// The longest wait parse_retry_after gives (about 31,700 years): a larger value is read as this one, so
// every large value means "too long to wait" and none overflows.
constexpr long kMaxRetryAfterMs = 1000000000000000L;

// Milliseconds to wait, or nullopt when the value is missing or unreadable. Any number of seconds is a
// wait (a 10-digit one too: it is simply long), capped at kMaxRetryAfterMs; a date in the past is 0.
std::optional<long> parse_retry_after(std::string_view value,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The wait before retry number `retry` (1 for the first): base_ms doubled for each earlier retry, never
// more than max_ms and never negative, whatever the numbers (a huge base saturates at max_ms).
long backoff_wait_ms(long base_ms, int retry, long max_ms);

// A wait in words for messages: "0.3 s", "1.5 s", "45 s", "3600 s (60 min)", "1234567890 s (14,289 days)".
std::string describe_wait(long ms);

}  // namespace qwen::chat
