// Reads standard input on a thread of its own with Boost.Asio, so requests
// keep arriving (a session/cancel above all) while the main thread is inside
// a prompt. Each complete line goes to `on_line` on the reader thread; end of
// input (or a read error) to `on_end`, once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

namespace acp {

class StdioReader {
 public:
  using LineHandler = std::function<void(std::string &&line, bool too_long)>;
  using EndHandler = std::function<void()>;

  StdioReader(int fd, LineHandler on_line, EndHandler on_end);
  ~StdioReader();  // stops reading and joins the thread
  StdioReader(const StdioReader &) = delete;
  StdioReader &operator=(const StdioReader &) = delete;

  void start();

 private:
  void run();
  void run_blocking(int fd);

  int fd_;
  LineHandler on_line_;
  EndHandler on_end_;
  boost::asio::io_context io_;
  std::thread thread_;
};

}  // namespace acp
