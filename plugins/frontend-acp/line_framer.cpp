#include "line_framer.hpp"

#include <cstring>

namespace acp {

void LineFramer::emit() {
  if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  std::string line;
  line.swap(buffer_);
  // Blank lines between messages carry nothing; JSON-RPC peers may send them.
  if (line.find_first_not_of(" \t") != std::string::npos) on_line_(std::move(line), false);
}

void LineFramer::feed(const char *data, std::size_t size) {
  while (size > 0) {
    const char *nl = static_cast<const char *>(std::memchr(data, '\n', size));
    std::size_t chunk = nl ? static_cast<std::size_t>(nl - data) : size;
    if (!skipping_) {
      if (buffer_.size() + chunk > max_line_) {
        buffer_.clear();
        buffer_.shrink_to_fit();
        skipping_ = true;
        on_line_(std::string(), true);
      } else {
        buffer_.append(data, chunk);
      }
    }
    if (nl == nullptr) return;
    if (skipping_) {
      skipping_ = false;
    } else {
      emit();
    }
    data += chunk + 1;
    size -= chunk + 1;
  }
}

void LineFramer::finish() {
  if (!skipping_ && !buffer_.empty()) emit();
  buffer_.clear();
  skipping_ = false;
}

}  // namespace acp
