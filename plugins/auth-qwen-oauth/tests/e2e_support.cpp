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

namespace {

std::string invalid_grant_answer() {
  const std::string body = R"({"error":"invalid_grant","error_description":"refresh token revoked"})";
  return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

AttackerListener::AttackerListener() : ConnectionCounter("127.0.0.2", invalid_grant_answer()) {}

}  // namespace qwen_oauth_e2e
