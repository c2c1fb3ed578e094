#include "support/fake_provider.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace qwen::test {
namespace {

std::string http_call(int port, const std::string &method, const std::string &target, const std::string &body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot create a socket");
  // A hung fake provider must fail the test, not hang it (the destructor calls this too).
  timeval limit{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to the fake provider");
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (size_t off = 0; off < req.size();) {
    ssize_t w = write(fd, req.data() + off, req.size() - off);
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
  std::string resp;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  auto split = resp.find("\r\n\r\n");
  return split == std::string::npos ? std::string() : resp.substr(split + 4);
}

}  // namespace

FakeProvider::FakeProvider(const std::vector<std::string> &args) {
  char templ[] = "/tmp/qwen-fake-log-XXXXXX";
  int fd = mkstemp(templ);
  if (fd >= 0) close(fd);
  log_path_ = templ;
  ProcessOptions o;
  o.args = {QWEN_TEST_FAKE_PROVIDER, "--port", "0", "--idle-exit", "300", "--log", log_path_};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = {{"PATH", "/usr/bin:/bin"}};
  process_ = std::make_unique<BackgroundProcess>(o);
  std::string line = process_->wait_for_line("listening", std::chrono::milliseconds(15000));
  std::smatch m;
  static const std::regex re("listening 127\\.0\\.0\\.1:(\\d+)");
  if (!std::regex_search(line, m, re)) {
    auto r = process_->wait(std::chrono::milliseconds(1000));
    throw std::runtime_error("the fake provider did not start: " + r.err);
  }
  port_ = std::stoi(m[1]);
}

FakeProvider::~FakeProvider() {
  try {
    http_call(port_, "POST", "/__control/shutdown", "");
  } catch (...) {
  }
  process_->wait(std::chrono::milliseconds(3000));
  // Kept for the secrets sweep: the log shows every secret a test's clients sent.
  if (auto saved = test_output_path("requests"); !saved.empty()) {
    std::error_code ec;
    std::filesystem::copy_file(log_path_, saved.string() + ".jsonl", ec);
  }
  unlink(log_path_.c_str());
}

std::string FakeProvider::base_url() const {
  return root_url() + "/v1";
}
std::string FakeProvider::root_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}
std::string FakeProvider::post(const std::string &target, const std::string &body) const {
  return http_call(port_, "POST", target, body);
}
std::string FakeProvider::get(const std::string &target) const {
  return http_call(port_, "GET", target, "");
}

long FakeProvider::stat(const std::string &name) const {
  std::string body = get("/__control/stats");
  std::smatch m;
  std::regex re("\"" + name + "\"\\s*:\\s*(\\d+)");
  if (!std::regex_search(body, m, re)) throw std::runtime_error("no counter " + name + " in " + body);
  return std::stol(m[1]);
}

std::string FakeProvider::request_log() const {
  return read_file(log_path_);
}

std::vector<nlohmann::json> FakeProvider::logged_requests(const std::string &target) const {
  std::vector<nlohmann::json> out;
  std::istringstream log(request_log());
  std::string line;
  while (std::getline(log, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("target", "") == target) out.push_back(std::move(j));
  }
  return out;
}

std::vector<nlohmann::json> FakeProvider::chat_bodies() const {
  std::vector<nlohmann::json> out;
  for (const auto &r : logged_requests()) out.push_back(nlohmann::json::parse(r["body"].get<std::string>()));
  return out;
}

}  // namespace qwen::test
