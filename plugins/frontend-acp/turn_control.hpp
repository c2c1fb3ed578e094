// Which prompt is running and whether the client cancelled it, shared by the
// reader thread (session/cancel, end of input) and the main thread (the
// prompt). Cancelling calls the host's thread-safe cancel_turn(), which stops
// the request in flight even while the server sends nothing; the flag also
// catches a cancel that arrives before the request is on its way.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace acp {

class TurnControl {
 public:
  explicit TurnControl(std::function<void()> cancel_turn) : cancel_turn_(std::move(cancel_turn)) {}

  // Reader thread: session/cancel read as message number `seq`.
  void cancel(const std::string &session, std::uint64_t seq) {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_before_[session] = seq;
    if (running_ && running_session_ == session) {
      cancelled_ = true;
      cancel_turn_();
    }
  }
  // Reader thread: input ended; whatever runs is cancelled.
  void cancel_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    ended_ = true;
    if (running_) {
      cancelled_ = true;
      cancel_turn_();
    }
  }
  // Main thread: the prompt read as message `seq` starts; false when it was
  // cancelled before it started (a cancel read after it, or input ended).
  bool begin(const std::string &session, std::uint64_t seq) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cancelled_before_.find(session);
    if (ended_ || (it != cancelled_before_.end() && it->second > seq)) return false;
    running_ = true;
    running_session_ = session;
    cancelled_ = false;
    return true;
  }
  // Whether input ended (the client closed stdin): prompts and sign-ins read
  // before the end are answered without being run.
  bool input_ended() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ended_;
  }
  // Main thread, from the turn's events: whether to stop now.
  bool cancelled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
  }
  // Main thread: the prompt ended; tells whether the client cancelled it.
  bool end() {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
    bool was = cancelled_;
    cancelled_ = false;
    return was;
  }

 private:
  std::function<void()> cancel_turn_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> cancelled_before_;
  std::string running_session_;
  bool running_ = false;
  bool cancelled_ = false;
  bool ended_ = false;
};

}  // namespace acp
