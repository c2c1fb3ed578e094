#include "support/tls_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>
#include <stdexcept>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace qwen::test {
namespace {

void openssl_cmd(const std::filesystem::path &dir, std::vector<std::string> args) {
  ProcessOptions o;
  o.args = {"/usr/bin/openssl"};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = {{"PATH", "/usr/bin:/bin"}};
  o.cwd = dir.string();
  o.timeout = std::chrono::milliseconds(60000);
  auto r = run_process(o);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + args[0] + " failed: " + r.err);
}

const std::vector<std::string> kEcKey = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};

std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A leaf certificate for `san`, signed by ca.pem.
void signed_leaf(const std::filesystem::path &dir, const std::string &name, const std::string &san) {
  openssl_cmd(dir, join({"req", "-new"}, join(kEcKey, {"-keyout", name + ".key", "-out", name + ".csr", "-subj",
                                                       "/CN=qwen test server"})));
  std::ofstream(dir / (name + ".ext")) << "subjectAltName=" << san
                                       << "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                          "extendedKeyUsage=serverAuth\n";
  openssl_cmd(dir, {"x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-out", name + ".pem", "-extfile", name + ".ext"});
}

void set_timeouts(int fd, int seconds) {
  timeval limit{seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

bool write_all(int fd, const char *data, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

TestCertificates make_test_certificates(const std::filesystem::path &dir) {
  std::filesystem::create_directories(dir);
  openssl_cmd(dir, join({"req", "-x509", "-new"},
                        join(kEcKey, {"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=qwen test CA",
                                      "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                                      "keyUsage=critical,keyCertSign,cRLSign"})));
  signed_leaf(dir, "server", "IP:127.0.0.1");
  signed_leaf(dir, "other-host", "IP:127.0.0.2");
  openssl_cmd(dir, join({"req", "-x509", "-new"},
                        join(kEcKey, {"-keyout", "self-signed.key", "-out", "self-signed.pem", "-days", "2", "-subj",
                                      "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"})));
  return {dir / "ca.pem",         dir / "server.pem",      dir / "server.key",     dir / "other-host.pem",
          dir / "other-host.key", dir / "self-signed.pem", dir / "self-signed.key"};
}

TlsProxy::TlsProxy(const std::filesystem::path &cert, const std::filesystem::path &key, int backend_port)
    : backend_port_(backend_port) {
  // SSL_write to a client that already hung up (it refused the certificate) must be an error, not a signal
  // that kills the test process.
  signal(SIGPIPE, SIG_IGN);
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed");
  ctx_ = ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("cannot load " + cert.string() + " / " + key.string());
  }
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
    throw std::runtime_error("the TLS proxy cannot listen on 127.0.0.1");
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TlsProxy::~TlsProxy() {
  if (stop_pipe_[1] >= 0) (void)!write(stop_pipe_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto &t : connections_) t.join();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  for (int fd : stop_pipe_)
    if (fd >= 0) close(fd);
  SSL_CTX_free(static_cast<SSL_CTX *>(ctx_));
}

std::string TlsProxy::url(const std::string &path) const {
  return "https://127.0.0.1:" + std::to_string(port_) + path;
}

void TlsProxy::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, fd] { relay(fd); });
  }
}

void TlsProxy::relay(int client_fd) {
  set_timeouts(client_fd, 20);  // a client that stops mid-handshake or mid-record cannot hang the proxy
  SSL *ssl = SSL_new(static_cast<SSL_CTX *>(ctx_));
  SSL_set_fd(ssl, client_fd);
  int backend = -1;
  if (SSL_accept(ssl) != 1) {
    ++failed_;  // e.g. the client refused the certificate and sent an alert
  } else {
    ++done_;
    backend = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(backend_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (backend >= 0 && connect(backend, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
      set_timeouts(backend, 20);
      char buf[16384];
      bool open = true;
      while (open) {
        if (SSL_pending(ssl) == 0) {
          pollfd fds[3] = {{client_fd, POLLIN, 0}, {backend, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
          if (poll(fds, 3, 1000) < 0) continue;
          if (fds[2].revents) break;
          if (fds[1].revents) {
            ssize_t n = read(backend, buf, sizeof buf);
            if (n <= 0 || SSL_write(ssl, buf, static_cast<int>(n)) <= 0) break;
          }
          if (!fds[0].revents) continue;
        }
        int n = SSL_read(ssl, buf, sizeof buf);
        open = n > 0 && write_all(backend, buf, static_cast<size_t>(n));
      }
    }
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  if (backend >= 0) close(backend);
  close(client_fd);
}

}  // namespace qwen::test
