// Writes protocol messages to standard output, one whole line per message,
// from any thread (the reader thread answers lines that do not parse while the
// main thread streams a prompt). stdout carries the protocol only.
#pragma once

#include <mutex>

#include "jsonrpc.hpp"

namespace acp {

class MessageWriter {
 public:
  explicit MessageWriter(int fd) : fd_(fd) {}
  // false once the client has stopped reading (EPIPE or another write error).
  bool write(const json &message);
  bool broken() const;

 private:
  int fd_;
  mutable std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace acp
