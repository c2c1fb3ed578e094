// log.hpp — the host's diagnostics on stderr: "qwen: warning: ...". Secrets
// are scrubbed; debug lines appear only when debug logging is on (--debug,
// DEBUG or DEBUG_MODE).
#pragma once

#include <string>
#include <string_view>

namespace qwen::util {

enum class LogLevel { Debug, Info, Warning, Error };

void set_debug_logging(bool on);
bool debug_logging();

// [thread-safe]
void log(LogLevel level, std::string_view message);
inline void log_debug(std::string_view m) {
  log(LogLevel::Debug, m);
}
inline void log_info(std::string_view m) {
  log(LogLevel::Info, m);
}
inline void log_warning(std::string_view m) {
  log(LogLevel::Warning, m);
}
inline void log_error(std::string_view m) {
  log(LogLevel::Error, m);
}

// "1", "true", "yes", "on" (any case) are true.
bool is_truthy(std::string_view value);

}  // namespace qwen::util
