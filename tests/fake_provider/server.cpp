#include "server.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>

#include <iostream>
#include <optional>

namespace fake {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

constexpr std::uint32_t kMaxHeader = 64 * 1024;
constexpr auto kLinger = std::chrono::seconds(2);

// Errors in Beast's HTTP category mean the client sent something unparsable (worth a 400); the
// others are the connection itself failing, where there is nobody left to answer.
bool is_parse_error(const error_code &ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<const ServerHooks> hooks)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), hooks_(std::move(hooks)) {}

  void start() {
    error_code ec;
    // Each SSE event must leave at once, so a client sees the first delta before the last.
    socket_.set_option(tcp::no_delay(true), ec);
    read_request();
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    parser_->header_limit(kMaxHeader);
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec == http::error::end_of_stream) return close();  // an idle keep-alive connection ended
    if (ec && !is_parse_error(ec)) return close();
    hooks_->on_request();
    // Beast already compares a Content-Length with the body limit while reading the headers.
    if (ec == http::error::body_limit) return reject_too_large();
    if (ec) return reject(http::status::bad_request, "Malformed request: " + ec.message());
    // Refused from the headers alone, so a huge upload is never read.
    if (auto length = parser_->content_length(); length && *length > kMaxRequestBody) return reject_too_large();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(socket_, net::buffer(kContinue), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec == http::error::body_limit) return self->reject_too_large();
      if (ec && is_parse_error(ec))
        return self->reject(http::status::bad_request, "Malformed request: " + ec.message());
      if (ec) return self->close();
      self->on_request(self->parser_->release());
    });
  }

  void on_request(Request req) {
    Reply reply;
    try {
      reply = hooks_->handle(req);
    } catch (const std::exception &e) {
      // A handler bug must cost one request, never the server that other tests share.
      std::cerr << "qwen-fake-provider: error handling " << req.target() << ": " << e.what() << "\n";
      reply = json_reply(http::status::internal_server_error, {{"error", {{"message", e.what()}}}});
    }
    keep_alive_ = req.keep_alive();
    send(std::move(reply), req.version());
  }

  void reject_too_large() {
    reject(http::status::payload_too_large,
           "Request body larger than " + std::to_string(kMaxRequestBody / (1024 * 1024)) + " MiB");
  }

  // Answers an unusable request and ends the connection: what follows it on the wire cannot be trusted.
  void reject(http::status status, const std::string &message) {
    keep_alive_ = false;
    send(json_reply(status, {{"error", {{"message", message}, {"type", "invalid_request_error"}}}}), 11);
  }

  void send(Reply reply, unsigned version) {
    reply_ = std::move(reply);
    switch (reply_.kind) {
      case Reply::Kind::Drop:
        return close();
      case Reply::Kind::Whole:
        reply_.whole.version(version);
        reply_.whole.keep_alive(keep_alive_);
        reply_.whole.prepare_payload();
        if (reply_.delay.count() > 0) {
          timer_.expires_after(reply_.delay);
          timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec) return self->close();
            self->write_whole();
          });
          return;
        }
        return write_whole();
      case Reply::Kind::Pieces:
        reply_.head.version(version);
        // HTTP/1.0 has no chunked encoding: the end of such a body is the end of the connection.
        if (version < 11) {
          reply_.head.chunked(false);
          keep_alive_ = false;
        }
        if (reply_.ending != Reply::Ending::Complete) keep_alive_ = false;
        reply_.head.keep_alive(keep_alive_);
        return write_head();
    }
  }

  void write_whole() {
    http::async_write(socket_, reply_.whole, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->after_response();
    });
  }

  void write_head() {
    head_serializer_.emplace(reply_.head);
    http::async_write_header(socket_, *head_serializer_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->next_piece(true);
    });
  }

  void next_piece(bool first) {
    std::optional<std::string> piece;
    do {
      piece = reply_.next_piece ? reply_.next_piece() : std::nullopt;
    } while (piece && piece->empty());  // an empty chunk would read as the end of the body
    if (!piece) return end_pieces();
    piece_ = std::move(*piece);
    if (first || reply_.delay.count() == 0) return write_piece();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return self->close();
      self->write_piece();
    });
  }

  void write_piece() {
    auto done = [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->next_piece(false);
    };
    if (reply_.head.chunked())
      net::async_write(socket_, http::make_chunk(net::buffer(piece_)), done);
    else
      net::async_write(socket_, net::buffer(piece_), done);
  }

  void end_pieces() {
    switch (reply_.ending) {
      case Reply::Ending::Complete:
        if (!reply_.head.chunked()) return after_response();
        net::async_write(socket_, http::make_chunk_last(), [self = shared_from_this()](error_code ec, std::size_t) {
          if (ec) return self->close();
          self->after_response();
        });
        return;
      case Reply::Ending::Close:
        return close();
      case Reply::Ending::Hang:
        return drain();  // until the client gives up and closes
    }
  }

  void after_response() {
    if (reply_.stop_server_after) {
      close();
      return hooks_->stop();
    }
    if (keep_alive_) return read_request();
    linger_close();
  }

  // Closing with unread request bytes would reset the connection and could destroy the answer
  // before the client reads it (a 413 in the middle of an upload): stop sending, read what is
  // left for a moment, then close.
  void linger_close() {
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    timer_.expires_after(kLinger);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->close();
    });
    drain();
  }

  void drain() {
    socket_.async_read_some(net::buffer(discard_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  std::shared_ptr<const ServerHooks> hooks_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = false;
  bool closed_ = false;
  Reply reply_;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
  std::string piece_;
  char discard_[16 * 1024];
};

}  // namespace

Listener::Listener(net::io_context &ioc, unsigned short port, ServerHooks hooks)
    : ioc_(ioc), acceptor_(ioc), retry_timer_(ioc), hooks_(std::make_shared<const ServerHooks>(std::move(hooks))) {
  // Loopback only: the fake accepts any key and must never be reachable from elsewhere.
  tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::accept() {
  acceptor_.async_accept(ioc_, [self = shared_from_this()](error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      std::make_shared<Session>(std::move(socket), self->hooks_)->start();
      return self->accept();
    }
    // Other accept errors (EMFILE under a flood) pass: try again shortly, without spinning.
    self->retry_timer_.expires_after(std::chrono::milliseconds(50));
    self->retry_timer_.async_wait([self](error_code) { self->accept(); });
  });
}

}  // namespace fake
