#include "message_writer.hpp"

#include <unistd.h>

#include <cerrno>

namespace acp {

bool MessageWriter::write(const json &message) {
  const std::string line = to_line(message);
  std::lock_guard<std::mutex> lock(mutex_);
  if (broken_) return false;
  // The whole line under the lock: two threads never interleave inside a message.
  const char *p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

bool MessageWriter::broken() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return broken_;
}

}  // namespace acp
