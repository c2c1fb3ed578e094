// TLS in front of a loopback server, for the TLS tests: a test CA and server
// certificates made with the `openssl` command, and a small proxy (OpenSSL, one
// thread per connection) that terminates TLS on a free 127.0.0.1 port and
// relays the plain bytes to the fake provider.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace qwen::test {

// Files made in `dir`: ca.pem (a CA), server.pem/server.key (for IP:127.0.0.1, signed by that CA),
// other-host.pem/other-host.key (signed by the same CA, but for 127.0.0.2 only), self-signed.pem/.key (its
// own issuer, for IP:127.0.0.1). Throws with openssl's message when a step fails.
struct TestCertificates {
  std::filesystem::path ca, server_cert, server_key, other_host_cert, other_host_key, self_signed_cert,
      self_signed_key;
};
TestCertificates make_test_certificates(const std::filesystem::path &dir);

class TlsProxy {
 public:
  // Listens on 127.0.0.1 (a free port) with this certificate; each connection is relayed to
  // 127.0.0.1:backend_port.
  TlsProxy(const std::filesystem::path &cert, const std::filesystem::path &key, int backend_port);
  ~TlsProxy();
  TlsProxy(const TlsProxy &) = delete;
  TlsProxy &operator=(const TlsProxy &) = delete;

  int port() const { return port_; }
  std::string url(const std::string &path = "/v1") const;  // https://127.0.0.1:PORT/v1
  int handshakes_failed() const { return failed_; }
  int handshakes_done() const { return done_; }

 private:
  void accept_loop();
  void relay(int client_fd);

  void *ctx_ = nullptr;  // SSL_CTX
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  int backend_port_ = 0;
  std::atomic<int> failed_{0};
  std::atomic<int> done_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

}  // namespace qwen::test
