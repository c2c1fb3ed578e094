// Network and server faults, process level: the real `qwen` against the fake
// provider. Each case checks the exit status from the README's table, that the
// failure is said in one line ("qwen: error: ..."; retries add their own
// "retrying" lines), and that answer text already printed stays printed.
//
// Already covered elsewhere (tests/e2e/headless_chat_test.cpp): 429 retried
// then answered, 429 beyond the retries (6), a Retry-After over the limit (6),
// 500s then recovery (0), persistent 500s (7), HTML with 200 (7), a stream cut
// mid-body (7), a stalled stream (7), events that are not JSON (7), a refused
// connection (7), a 404 (3). Here: what those leave open.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-faults-test-key-5150";
const std::string kQuestion = "a question long enough that the answer streams in many pieces";
const std::string kAnswer = "Hello from the fake provider. You said: " + kQuestion;

void network_config(const TempDir &home, const std::string &extra = {}, long retry_base_ms = 20) {
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = " + std::to_string(retry_base_ms) +
                                      "\nretry_max_wait_ms = 3000\n" + extra);
}

QwenRunOptions openai_env(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
  return o;
}

// stderr holds exactly one error line (and only "retrying" lines besides); returns it.
std::string the_error_line(const std::string &err) {
  std::string error;
  for (const auto &line : lines_of(err)) {
    if (line.rfind("qwen: error: ", 0) == 0) {
      CHECK(error.empty());  // only one
      error = line;
    } else {
      CHECK(line.find("retrying in") != std::string::npos);
    }
  }
  CHECK_FALSE(error.empty());
  return error;
}

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

// A loopback port with nobody listening (bound, then released).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// A server that accepts connections into its backlog and never reads or answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("faults: a cut stream keeps the text, adds the newline, says so in one line (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "cut"});
  TempDir home;
  network_config(home);
  auto r = run_qwen(home, {"-p", kQuestion}, openai_env(p));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 7);
  REQUIRE(r.out.size() > 8);
  CHECK(kAnswer.rfind(r.out.substr(0, r.out.size() - 1), 0) == 0);  // a prefix of the answer...
  CHECK(r.out.size() - 1 < kAnswer.size());                         // ...and not all of it
  CHECK(r.out.back() == '\n');
  auto error = the_error_line(r.err);
  CHECK(contains(error, "the answer was cut off"));
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("faults: a cut stream in json and stream-json keeps the partial answer with the error (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "cut", "--fault", "cut"});
  TempDir home;
  network_config(home);
  auto json = run_qwen(home, {"-p", kQuestion, "--output-format", "json"}, openai_env(p));
  INFO("json stdout: " << json.out << "\nstderr: " << json.err);
  CHECK(json.exit_code == 7);
  auto j = nlohmann::json::parse(json.out);
  const std::string partial = j["response"];
  CHECK(partial.size() >= 4);
  CHECK(kAnswer.rfind(partial, 0) == 0);
  CHECK(j["error"]["code"] == 7);
  CHECK(contains(j["error"]["message"], "cut off"));
  CHECK(contains(the_error_line(json.err), "cut off"));

  auto stream = run_qwen(home, {"-p", kQuestion, "--output-format", "stream-json"}, openai_env(p));
  INFO("stream-json stdout: " << stream.out << "\nstderr: " << stream.err);
  CHECK(stream.exit_code == 7);
  std::string text;
  nlohmann::json last;
  for (const auto &line : lines_of(stream.out)) {
    last = nlohmann::json::parse(line);
    if (last["type"] == "delta") text += last["text"].get<std::string>();
  }
  CHECK(text.size() >= 4);
  CHECK(kAnswer.rfind(text, 0) == 0);
  CHECK(last["type"] == "error");
  CHECK(last["exit_code"] == 7);
}

TEST_CASE("faults: a stall after the first words ends with the idle timeout, the words stay (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  network_config(home, "idle_timeout_ms = 1500\n");
  auto r = run_qwen(home, {"-p", kQuestion}, openai_env(p));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out == "Hell\n");  // the one delta the stall sent, then the newline
  auto error = the_error_line(r.err);
  CHECK(contains(error, "cut off"));
  CHECK(contains(error, "idle timeout"));
  CHECK(p.stat("chat_requests") == 1);  // shown text is never retried (it would be printed twice)
}

TEST_CASE("faults: a slow stream is not an idle one: each byte resets the idle timer (0)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:400"});
  TempDir home;
  network_config(home, "idle_timeout_ms = 2500\n");
  auto r = run_qwen(home, {"-p", "slow"}, openai_env(p));  // ~15 events 400 ms apart: ~6 s in all
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: slow\n");
  CHECK(r.err.empty());
}

TEST_CASE("faults: request_timeout_ms ends a long stream, keeping what arrived (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  network_config(home, "request_timeout_ms = 2000\n");
  auto r = run_qwen(home, {"-p", kQuestion}, openai_env(p));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 7);
  REQUIRE(r.out.size() > 4);
  CHECK(kAnswer.rfind(r.out.substr(0, r.out.size() - 1), 0) == 0);
  CHECK(r.out.size() - 1 < kAnswer.size());
  auto error = the_error_line(r.err);
  CHECK(contains(error, "cut off"));
  CHECK(contains(error, "timed out after"));
}

TEST_CASE("faults: a connection closed without an answer is retried and the answer arrives (0)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "close", "--fault", "close"});
  TempDir home;
  network_config(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hi\n");
  CHECK(lines_of(r.err).size() == 2);  // one "retrying" line per closed connection
  for (const auto &line : lines_of(r.err)) CHECK(contains(line, "retrying in"));
  CHECK(p.stat("chat_requests") == 3);
}

TEST_CASE("faults: connections closed every time: exit 7 after the bounded retries, in one line", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "close", "--fault", "close", "--fault", "close"});
  TempDir home;
  network_config(home, "max_retries = 2\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out.empty());
  auto error = the_error_line(r.err);
  CHECK(contains(error, "giving up after 3 attempts"));
  CHECK(contains(error, p.base_url() + "/chat/completions"));
  CHECK(p.stat("chat_requests") == 3);
}

TEST_CASE("faults: a refused connection, then the server comes up: the retry succeeds (0)", "[faults]") {
  const int port = free_port();
  TempDir home;
  network_config(home, "max_retries = 8\n", 500);  // backoff 0.5, 1, 2, 3, 3... s: at most ~20 s in all
  ProcessOptions o;
  o.args = {QWEN_TEST_BIN, "-p", "hi"};
  o.env = base_env(home.path());
  o.env["OPENAI_API_KEY"] = kKey;
  o.env["OPENAI_BASE_URL"] = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  o.cwd = home.path().string();
  BackgroundProcess qwen(o);
  if (!qwen.wait_for_output("retrying in", std::chrono::seconds(30))) {  // the first attempt was refused
    auto early = qwen.wait(std::chrono::seconds(1));
    FAIL("no retry: exit " << early.exit_code << "\nstdout: " << early.out << "\nstderr: " << early.err);
  }
  FakeProvider p({"--api-key", kKey, "--port", std::to_string(port)});
  auto r = qwen.wait(std::chrono::seconds(60));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hi\n");
  CHECK(contains(r.err, "Couldn't connect"));
}

TEST_CASE("faults: a server that accepts and never answers ends with the idle timeout (7)", "[faults]") {
  SilentServer silent;
  TempDir home;
  network_config(home, "max_retries = 1\nidle_timeout_ms = 1000\n");
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", silent.base_url()}};
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, o);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "giving up after 2 attempts"));
  CHECK(contains(error, "idle timeout"));
}

TEST_CASE("faults: an HTML page with 200 is one line, not retried, nothing printed (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "html"});
  TempDir home;
  network_config(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out.empty());
  CHECK(lines_of(r.err).size() == 1);
  CHECK(contains(the_error_line(r.err), "web page (HTML)"));
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("faults: events that are not JSON are one line and not retried (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "garbage"});
  TempDir home;
  network_config(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(contains(the_error_line(r.err), "not valid JSON"));
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("faults: persistent 500s are said once, with the server's message and the URL (7)", "[faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500", "--fault", "500", "--fault", "500"});
  TempDir home;
  network_config(home, "max_retries = 2\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(lines_of(r.err).size() == 3);  // two "retrying" lines, one error
  auto error = the_error_line(r.err);
  CHECK(contains(error, "giving up after 3 attempts"));
  CHECK(contains(error, "HTTP 500"));
  CHECK(contains(error, "Internal error"));
}

TEST_CASE("faults: the OAuth server refusing connections: exit 7 naming it, nothing written", "[faults][oauth]") {
  const int port = free_port();
  TempDir home;
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", "http://127.0.0.1:" + std::to_string(port)}};
  auto r = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(contains(the_error_line(r.err), "127.0.0.1:" + std::to_string(port) + "/api/v1/oauth2/device/code"));
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / "oauth_creds.json"));
}

TEST_CASE("faults: the API refusing connections with a valid OAuth login: exit 7, the login kept", "[faults][oauth]") {
  FakeProvider p;
  TempDir home;
  network_config(home, "max_retries = 1\n");
  const int port = free_port();
  const std::string creds = "{\n  \"access_token\": \"faults-access-token-0123456789\",\n  \"refresh_token\": "
                            "\"faults-refresh-token-0123456789\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": "
                            "\"http://127.0.0.1:" +
                            std::to_string(port) + "\",\n  \"expiry_date\": 99999999999999\n}";
  auto path = home.write(".qwen/oauth_creds.json", creds);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, o);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(contains(the_error_line(r.err), "giving up after 2 attempts"));
  CHECK(read_file(path) == creds);
  CHECK(p.stat("refresh_requests") == 0);  // a network failure is not a reason to refresh
}

TEST_CASE("faults: the OAuth server down when the token needs a refresh: exit 7, the login kept, no lock",
          "[faults][oauth]") {
  const int port = free_port();
  TempDir home;
  network_config(home, "max_retries = 1\n");
  const std::string creds = "{\n  \"access_token\": \"faults-expired-access-0123456789\",\n  \"refresh_token\": "
                            "\"faults-refresh-down-0123456789\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": "
                            "\"http://127.0.0.1:" +
                            std::to_string(port) + "\",\n  \"expiry_date\": 1000,\n  \"issuer\": \"http://127.0.0.1:" +
                            std::to_string(port) + "\"\n}";
  auto path = home.write(".qwen/oauth_creds.json", creds);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", "http://127.0.0.1:" + std::to_string(port)}};
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, o);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out.empty());
  CHECK(contains(the_error_line(r.err), "127.0.0.1:" + std::to_string(port) + "/api/v1/oauth2/token"));
  CHECK(read_file(path) == creds);
  std::vector<std::string> left;
  for (const auto &e : std::filesystem::directory_iterator(home.path() / ".qwen"))
    left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"config.toml", "oauth_creds.json"});
}
