// Hands messages from the reader thread to the main thread, where every host
// call (chat_send, command) must run. Each message carries the order it was
// read in, so a session/cancel can tell which prompts came before it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "jsonrpc.hpp"

namespace acp {

struct Queued {
  Incoming message;
  std::uint64_t seq = 0;
};

class Inbox {
 public:
  void push(Incoming message, std::uint64_t seq) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back({std::move(message), seq});
    }
    ready_.notify_one();
  }
  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  // The next message, waiting at most `wait`; nullopt on timeout or once
  // closed (input ended) and empty: what was read before the end is still
  // answered, every request gets one.
  std::optional<Queued> pop(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, wait, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    Queued q = std::move(items_.front());
    items_.pop_front();
    return q;
  }
  // Input ended and every message read was handed out.
  bool finished() {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_ && items_.empty();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Queued> items_;
  bool closed_ = false;
};

}  // namespace acp
