#include "text_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <qwen/plugin.hpp>

#include <cerrno>
#include <cstring>

namespace qwen_oauth {

std::optional<std::string> read_text_file(const std::string &path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw qwen::sdk::Error(QWEN_ERR_CONFIG, "cannot read " + path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw qwen::sdk::Error(QWEN_ERR_CONFIG, "cannot read " + path + ": " + std::strerror(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) break;
  }
  ::close(fd);
  return out;
}

bool remove_file(const std::string &path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "cannot remove " + path + ": " + std::strerror(errno));
}

}  // namespace qwen_oauth
