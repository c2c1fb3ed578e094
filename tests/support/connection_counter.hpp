// A listener that stands for an attacker's server: it accepts connections on a loopback address of its own
// (127.0.0.2 by default, so nothing of the test's real servers shares it), reads what arrives, sends `answer`
// (raw HTTP; nothing by default) and closes. A test asks how many connections and bytes reached it: any at all means a credential
// could have been sent there.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace qwen::test {

class ConnectionCounter {
 public:
  explicit ConnectionCounter(const std::string &address = "127.0.0.2", std::string answer = {});
  ~ConnectionCounter();
  ConnectionCounter(const ConnectionCounter &) = delete;
  ConnectionCounter &operator=(const ConnectionCounter &) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.2:PORT
  int connections() const { return connections_.load(); }
  // Everything received so far (a request line and headers would show a leaked key).
  std::string received() const;

 private:
  void serve();

  std::string address_;
  std::string answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::string received_;
  std::thread thread_;
};

}  // namespace qwen::test
