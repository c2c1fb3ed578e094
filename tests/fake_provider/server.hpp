// The HTTP/1.1 side: accepts loopback connections and runs each one as a Session that reads
// requests (keep-alive, 100-continue, an 8 MiB body cap) and writes Replies, streamed ones
// piece by piece. Everything runs on one io_context thread; delays are timers, never sleeps,
// so a slow or stalled answer holds up only its own connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

#include "reply.hpp"

namespace fake {

struct ServerHooks {
  std::function<Reply(const Request &)> handle;
  std::function<void()> on_request;  // a request arrived (keeps the idle exit away)
  std::function<void()> stop;        // after POST /__control/shutdown was answered
};

inline constexpr std::uint64_t kMaxRequestBody = 8u * 1024 * 1024;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens at once (throws on failure), so port() is known before run().
  Listener(boost::asio::io_context &ioc, unsigned short port, ServerHooks hooks);
  void start() { accept(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept();

  boost::asio::io_context &ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<const ServerHooks> hooks_;
};

}  // namespace fake
