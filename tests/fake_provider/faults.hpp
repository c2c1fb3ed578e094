// Faults injected into chat requests, consumed in order, one per request.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>

namespace fake {

struct Fault {
  enum class Kind { Unauthorized, RateLimited, ServerError, Html, Cut, Slow, Stall, Garbage, Close };
  Kind kind;
  std::optional<long> retry_after_seconds;  // RateLimited
  std::chrono::milliseconds gap{0};         // Slow
};

// nullopt for a spec that is not in the README's table.
std::optional<Fault> parse_fault(const std::string &spec);

class FaultQueue {
 public:
  void push(const Fault &f) { queue_.push_back(f); }
  std::optional<Fault> pop();
  size_t size() const { return queue_.size(); }

 private:
  std::deque<Fault> queue_;
};

}  // namespace fake
