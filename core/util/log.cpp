#include "util/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>

#include <qwen/sdk/terminal_text.hpp>

#include "util/redactor.hpp"

namespace qwen::util {
namespace {
std::atomic<bool> g_debug{false};
std::mutex g_write_mutex;
}  // namespace

void set_debug_logging(bool on) {
  g_debug = on;
}
bool debug_logging() {
  return g_debug;
}

void log(LogLevel level, std::string_view message) {
  if (level == LogLevel::Debug && !g_debug) return;
  const char *prefix = "qwen: ";
  switch (level) {
    case LogLevel::Debug:
      prefix = "qwen: debug: ";
      break;
    case LogLevel::Info:
      prefix = "qwen: ";
      break;
    case LogLevel::Warning:
      prefix = "qwen: warning: ";
      break;
    case LogLevel::Error:
      prefix = "qwen: error: ";
      break;
  }
  std::string line = prefix + scrub(message);
  // A message may quote a server or a plugin: on a terminal its control characters are shown, not run.
  static const bool to_terminal = isatty(STDERR_FILENO) == 1;
  if (to_terminal) line = qwen::sdk::terminal_safe(line);
  if (line.empty() || line.back() != '\n') line += '\n';
  std::lock_guard<std::mutex> lock(g_write_mutex);
  // write(2) directly: one syscall per line, no interleaving with stdout buffers.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

bool is_truthy(std::string_view value) {
  std::string v;
  for (char c : value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

}  // namespace qwen::util
