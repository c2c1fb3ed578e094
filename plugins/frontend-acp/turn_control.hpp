// Which prompt is running and whether the client cancelled it, shared by the
// reader thread (session/cancel, $/cancel_request, end of input) and the main
// thread (the prompt). Cancelling calls the host's thread-safe cancel_turn(), which stops
// the request in flight even while the server sends nothing; the flag also
// catches a cancel that arrives before the request is on its way.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
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
  // Reader thread: a request (its id as JSON text) was queued for the main thread.
  void pending(const std::string &request) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.insert(request);
  }
  // Reader thread: $/cancel_request for a request id. Only a request still
  // queued or running is marked (so ids of answered requests pile up nowhere);
  // a running prompt is stopped.
  void cancel_request(const std::string &request) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.count(request) == 0) return;
    cancelled_requests_.insert(request);
    if (running_ && running_request_ == request) {
      cancelled_ = true;
      cancel_turn_();
    }
  }
  // Main thread: the request is answered (or about to be); whether
  // $/cancel_request cancelled it, which is then answered -32800.
  bool finish(const std::string &request) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.erase(request);
    return cancelled_requests_.erase(request) > 0;
  }
  // Main thread: whether $/cancel_request already cancelled a request that has not started.
  bool request_cancelled(const std::string &request) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_requests_.count(request) > 0;
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
  bool begin(const std::string &session, std::uint64_t seq, const std::string &request) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cancelled_before_.find(session);
    if (ended_ || (it != cancelled_before_.end() && it->second > seq)) return false;
    running_ = true;
    running_session_ = session;
    running_request_ = request;
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
  std::set<std::string> pending_, cancelled_requests_;
  std::string running_session_, running_request_;
  bool running_ = false;
  bool cancelled_ = false;
  bool ended_ = false;
};

}  // namespace acp
