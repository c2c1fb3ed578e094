// Faults injected into chat requests, consumed in order, one per request.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace fake {

struct Fault {
  enum class Kind { Unauthorized, RateLimited, ServerError, Html, Cut, Slow, Stall, Garbage, Close, RawDelta, ErrorMessage,
                    Trickle, Redirect };
  // A constructor, not an aggregate: `Fault{kind, {}, {}}` leaves the later members at their defaults without
  // a -Wmissing-field-initializers error for each kind that does not use them.
  Fault(Kind k, std::optional<long> retry_after = {}, std::chrono::milliseconds g = {}, std::string r = {},
        int s = 0)
      : kind(k), retry_after_seconds(retry_after), gap(g), raw(std::move(r)), status(s) {}

  Kind kind;
  std::optional<long> retry_after_seconds;  // RateLimited, ServerError
  std::chrono::milliseconds gap{0};         // Slow, Trickle
  std::string raw;                          // RawDelta: the bytes between the quotes of "content"
                                            // ErrorMessage: the error's message (JSON-escaped when sent)
                                            // Redirect: the Location header (none when empty)
  int status = 0;                           // ErrorMessage: the HTTP status
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
