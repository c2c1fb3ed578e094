// --idle-exit: stops the server after a stretch without requests, so a test that forgets to stop
// it (or crashes) leaves no process behind for long.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>

namespace fake {

class IdleExit {
 public:
  // A zero `limit` disables it.
  IdleExit(boost::asio::io_context &ioc, std::chrono::seconds limit, std::function<void()> on_idle);
  void start();
  void touch() { last_request_ = std::chrono::steady_clock::now(); }

 private:
  void arm();

  boost::asio::steady_timer timer_;
  std::chrono::seconds limit_;
  std::function<void()> on_idle_;
  std::chrono::steady_clock::time_point last_request_;
};

}  // namespace fake
