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
    if (value.size() > 9) return std::nullopt;  // absurd; do not overflow
    return std::stol(value) * 1000;
  }
  std::tm tm{};
  // IMF-fixdate, the only date form servers are required to send: "Sun, 06 Nov 1994 08:49:37 GMT".
  const char *end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  // In milliseconds, not through system_clock::from_time_t: a far date (year 9999) overflows its nanoseconds.
  const long long when_ms = static_cast<long long>(timegm(&tm)) * 1000;
  const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const long long ms = when_ms - now_ms;
  return ms < 0 ? 0 : static_cast<long>(ms);
}

}  // namespace qwen::chat
