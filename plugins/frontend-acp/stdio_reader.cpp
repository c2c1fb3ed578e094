#include "stdio_reader.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>

#include "line_framer.hpp"

namespace acp {

StdioReader::StdioReader(int fd, LineHandler on_line, EndHandler on_end)
    : fd_(fd), on_line_(std::move(on_line)), on_end_(std::move(on_end)) {}

StdioReader::~StdioReader() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void StdioReader::start() {
  thread_ = std::thread([this] { run(); });
}

void StdioReader::run() {
  // A descriptor of our own, so Asio's close never closes the process's stdin.
  int fd = ::dup(fd_);
  if (fd < 0) {
    on_end_();
    return;
  }
  LineFramer framer(on_line_);
  boost::asio::posix::stream_descriptor in(io_);
  boost::system::error_code ec;
  in.assign(fd, ec);
  if (ec) {
    // epoll refuses regular files (`qwen --acp < requests.jsonl`): read them plainly.
    ::close(fd);
    run_blocking(fd_);
    return;
  }
  std::array<char, 64 * 1024> buffer{};
  std::function<void()> read_more;
  read_more = [&] {
    in.async_read_some(boost::asio::buffer(buffer), [&](const boost::system::error_code &error, std::size_t n) {
      if (n > 0) framer.feed(buffer.data(), n);
      if (error) {
        framer.finish();
        on_end_();
        return;
      }
      read_more();
    });
  };
  read_more();
  io_.run();
}

void StdioReader::run_blocking(int fd) {
  LineFramer framer(on_line_);
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    if (io_.stopped()) return;
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    framer.feed(buffer.data(), static_cast<std::size_t>(n));
  }
  framer.finish();
  on_end_();
}

}  // namespace acp
