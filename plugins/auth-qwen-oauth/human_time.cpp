#include "human_time.hpp"

#include <ctime>

namespace qwen_oauth {

std::string rough_duration(int64_t s) {
  if (s < 0) s = -s;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 2 * 3600) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " days";
}

std::string format_utc(int64_t epoch_s, const char *format) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  return std::strftime(buf, sizeof buf, format, &tm) ? buf : "";
}

std::string utc_time(int64_t epoch_s) {
  return format_utc(epoch_s, "%Y-%m-%d %H:%M:%S UTC");
}

std::string describe_expiry(int64_t expiry_s, int64_t now_s) {
  std::string when = " (" + utc_time(expiry_s) + ")";
  if (expiry_s > now_s) return "in " + rough_duration(expiry_s - now_s) + when;
  return "expired " + rough_duration(now_s - expiry_s) + " ago" + when;
}

}  // namespace qwen_oauth
