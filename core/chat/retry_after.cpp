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
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when - now).count();
  return ms < 0 ? 0 : static_cast<long>(ms);
}

}  // namespace qwen::chat
