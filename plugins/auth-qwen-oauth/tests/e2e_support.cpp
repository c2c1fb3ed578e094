#include "e2e_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include <thread>

namespace qwen_oauth_e2e {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string creds_json(const FakeProvider &p, const std::string &access, const std::string &refresh, int64_t expiry_ms,
                       const std::string &extra, const std::optional<std::string> &issuer) {
  const std::string from = issuer.value_or(p.root_url());
  return "{\n" + extra + "  \"access_token\": \"" + access + "\",\n  \"refresh_token\": \"" + refresh +
         "\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": \"" + p.root_url() +
         "\",\n  \"expiry_date\": " + std::to_string(expiry_ms) +
         (from.empty() ? "" : ",\n  \"issuer\": \"" + from + "\"") + "\n}";
}

std::filesystem::path creds_path(const TempDir &home) { return home.path() / ".qwen" / "oauth_creds.json"; }
std::filesystem::path lock_path(const TempDir &home) { return home.path() / ".qwen" / "oauth_creds.lock"; }

std::filesystem::path write_creds(const TempDir &home, const std::string &text) {
  auto path = home.write(".qwen/oauth_creds.json", text);
  chmod(path.c_str(), 0600);
  return path;
}

void fast_network(const TempDir &home, const std::string &extra) {
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 20\nretry_max_wait_ms = 3000\nidle_timeout_ms = 3000\n" +
                                      extra);
}

QwenRunOptions oauth_env(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  o.timeout = std::chrono::milliseconds(30000);
  return o;
}

std::string write_approving_browser(const TempDir &home) {
  auto path = home.write("bin/approve-browser", "#!/bin/sh\nexec curl -s -o /dev/null \"$1\"\n");
  chmod(path.c_str(), 0755);
  return path.string();
}

unsigned file_mode(const std::filesystem::path &path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

bool file_exists(const std::filesystem::path &path) { return ::access(path.c_str(), F_OK) == 0; }

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

ProcessOptions qwen_process(const TempDir &home, const std::vector<std::string> &args, const QwenRunOptions &o) {
  ProcessOptions p;
  p.args.push_back(QWEN_TEST_BIN);
  p.args.insert(p.args.end(), args.begin(), args.end());
  p.env = base_env(home.path());
  for (const auto &[k, v] : o.env) p.env[k] = v;
  p.stdin_text = o.stdin_text;
  p.cwd = home.path().string();
  p.timeout = o.timeout;
  return p;
}

bool eventually(const std::function<bool()> &condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

AttackerListener::AttackerListener() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
  socklen_t len = sizeof a;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&a), &len) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.2");
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

AttackerListener::~AttackerListener() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string AttackerListener::root_url() const { return "http://127.0.0.2:" + std::to_string(port_); }

std::string AttackerListener::received() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return received_;
}

void AttackerListener::serve() {
  static const std::string kBody = R"({"error":"invalid_grant","error_description":"refresh token revoked"})";
  static const std::string kAnswer = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + kBody;
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    // Whatever arrives within a moment (a request is small), then the answer.
    char buf[4096];
    for (;;) {
      pollfd c{fd, POLLIN, 0};
      if (::poll(&c, 1, 300) <= 0) break;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard<std::mutex> guard(mutex_);
      received_.append(buf, static_cast<size_t>(n));
    }
    ssize_t written = ::write(fd, kAnswer.data(), kAnswer.size());
    (void)written;
    ::close(fd);
  }
}

}  // namespace qwen_oauth_e2e
