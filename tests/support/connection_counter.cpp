#include "support/connection_counter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace qwen::test {

ConnectionCounter::ConnectionCounter(const std::string &address, std::string answer)
    : address_(address), answer_(std::move(answer)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  if (listen_fd_ < 0 || ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 || ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("cannot listen on " + address);
  socklen_t len = sizeof sa;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] { serve(); });
}

ConnectionCounter::~ConnectionCounter() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string ConnectionCounter::url() const {
  return "http://" + address_ + ":" + std::to_string(port_);
}

std::string ConnectionCounter::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

void ConnectionCounter::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    // Read what the client sends for a moment (a request is small), then answer, if told to, and hang up.
    char buf[4096];
    for (int rounds = 0; rounds < 5; ++rounds) {
      pollfd c{fd, POLLIN, 0};
      if (::poll(&c, 1, 100) <= 0) break;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(mutex_);
      received_.append(buf, static_cast<size_t>(n));
    }
    if (!answer_.empty()) (void)!::write(fd, answer_.data(), answer_.size());
    ::close(fd);
  }
}

}  // namespace qwen::test
