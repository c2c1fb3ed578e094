#include "text_file.hpp"

#include <unistd.h>

#include <qwen/plugin.hpp>

#include <cerrno>
#include <cstring>

namespace qwen_oauth {

std::optional<std::string> read_text_file(const std::string &path, size_t limit, qwen::sdk::Links links) {
  // A regular file only, opened without blocking: a FIFO or a folder at the path is an error naming it,
  // never a hang. The limit is the caller's to report (it gets limit + 1 bytes of a larger file).
  auto opened = qwen::sdk::open_regular_file(path, links);
  if (!opened) return std::nullopt;
  return qwen::sdk::read_opened_file(*opened, path, limit, qwen::sdk::Oversize::KeepFirstBytes);
}

bool remove_file(const std::string &path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "cannot remove " + path + ": " + std::strerror(errno));
}

}  // namespace qwen_oauth
