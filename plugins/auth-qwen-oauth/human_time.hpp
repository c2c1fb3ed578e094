// human_time.hpp — times for people: "in 59 min", "3 h ago", "2026-05-01 12:00 UTC".
#pragma once

#include <cstdint>
#include <string>

namespace qwen_oauth {

// A rough length of time: "45 s", "12 min", "3 h", "2 days".
std::string rough_duration(int64_t seconds);

// `epoch_s` as UTC in a strftime format.
std::string format_utc(int64_t epoch_s, const char *format);

// "2026-05-01 12:00:00 UTC".
std::string utc_time(int64_t epoch_s);

// "in 59 min (2026-05-01 12:00:00 UTC)" or "expired 3 h ago (...)".
std::string describe_expiry(int64_t expiry_s, int64_t now_s);

}  // namespace qwen_oauth
