#include "chat/retry_after.hpp"

#include <ctime>
#include <string>

#include "util/strings.hpp"

namespace qwen::chat {

std::optional<long> parse_retry_after(std::string_view raw, std::chrono::system_clock::time_point now) {
  std::string value(util::trim(raw));
  if (value.empty()) return std::nullopt;
  bool digits = value.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    // Leading zeros say nothing; more digits than the cap has are the cap (no overflow, no "absent").
    const size_t first = value.find_first_not_of('0');
    if (first == std::string::npos) return 0L;
    const std::string significant = value.substr(first);
    constexpr long kMaxSeconds = kMaxRetryAfterMs / 1000;
    if (significant.size() > std::to_string(kMaxSeconds).size()) return kMaxRetryAfterMs;
    const long seconds = std::stol(significant);
    return seconds >= kMaxSeconds ? kMaxRetryAfterMs : seconds * 1000;
  }
  std::tm tm{};
  // IMF-fixdate, the only date form servers are required to send: "Sun, 06 Nov 1994 08:49:37 GMT".
  const char *end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  // In milliseconds, not through system_clock::from_time_t: a far date (year 9999) overflows its nanoseconds.
  const long long when_ms = static_cast<long long>(timegm(&tm)) * 1000;
  const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const long long ms = when_ms - now_ms;
  if (ms < 0) return 0L;
  return ms > kMaxRetryAfterMs ? kMaxRetryAfterMs : static_cast<long>(ms);
}

long backoff_wait_ms(long base_ms, int retry, long max_ms) {
  if (max_ms < 0) max_ms = 0;
  long wait = base_ms < 0 ? 0 : base_ms;
  // Doubling stops once the wait passes max_ms: no shift, no multiplication can overflow.
  for (int i = 1; i < retry && wait < max_ms; ++i) wait = wait > max_ms / 2 ? max_ms : wait * 2;
  return wait < max_ms ? wait : max_ms;
}

namespace {

std::string with_thousands(long n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string describe_wait(long ms) {
  if (ms < 0) ms = 0;
  if (ms < 10000 && ms % 1000 != 0) {
    // Tenths, rounded up: a 50 ms wait is "0.1 s", never "0 s".
    const long tenths = (ms + 99) / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
  }
  const long seconds = ms / 1000 + (ms % 1000 ? 1 : 0);
  std::string text = std::to_string(seconds) + " s";
  if (seconds < 120) return text;
  // Rounded up, so the server is never asked sooner than it said.
  if (seconds < 7200) return text + " (" + std::to_string((seconds + 59) / 60) + " min)";
  if (seconds < 2 * 86400) return text + " (" + std::to_string((seconds + 3599) / 3600) + " h)";
  return text + " (" + with_thousands((seconds + 86399) / 86400) + " days)";
}

}  // namespace qwen::chat
