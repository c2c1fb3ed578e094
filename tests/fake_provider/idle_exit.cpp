#include "idle_exit.hpp"

namespace fake {

IdleExit::IdleExit(boost::asio::io_context &ioc, std::chrono::seconds limit, std::function<void()> on_idle)
    : timer_(ioc), limit_(limit), on_idle_(std::move(on_idle)), last_request_(std::chrono::steady_clock::now()) {}

void IdleExit::start() {
  if (limit_.count() > 0) arm();
}

// One timer for the whole process rather than one reset per request: a request only moves
// last_request_, and the timer re-arms itself for the remaining time when it fires early.
void IdleExit::arm() {
  timer_.expires_at(last_request_ + limit_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (std::chrono::steady_clock::now() >= last_request_ + limit_) return on_idle_();
    arm();
  });
}

}  // namespace fake
