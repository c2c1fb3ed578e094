// quota_counter.hpp — a local count of requests against Qwen OAuth's free
// quota (60 requests per minute, 2,000 per day), so that `qwen auth status`
// can show it and a 429 can be explained. The server alone enforces the
// quota; this count only covers requests made by qwen on this machine.
//
// Kept in <home>/qwen-cpp-quota.json, one entry per account (the OAuth
// server's URL: the tokens identify no user):
//   {"accounts":{"https://chat.qwen.ai":{"day":"2026-05-01","today":12,"minute":29671234,"this_minute":3}}}
// Days are UTC days.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace qwen_oauth {

inline constexpr int64_t kFreeRequestsPerMinute = 60;
inline constexpr int64_t kFreeRequestsPerDay = 2000;

struct QuotaCounts {
  int64_t today = 0;        // requests so far this UTC day
  int64_t this_minute = 0;  // requests so far in this clock minute
};

// "YYYY-MM-DD" of a UTC time.
std::string utc_day(int64_t epoch_s);

// The counts for `account` at `now_s` (old days and minutes count as zero). Any document shape is accepted.
QuotaCounts quota_counts(const nlohmann::json &doc, const std::string &account, int64_t now_s);

// The document with one more request for `account` at `now_s`.
nlohmann::json record_request(nlohmann::json doc, const std::string &account, int64_t now_s);

// What to tell the user after a 429 from the model API. `retry_after` is the header, if any.
std::string quota_exceeded_message(const QuotaCounts &counts, const std::optional<std::string> &retry_after);

// "12 of 2,000 today (UTC); 3 in this minute (limit 60)".
std::string describe_quota(const QuotaCounts &counts);

}  // namespace qwen_oauth
