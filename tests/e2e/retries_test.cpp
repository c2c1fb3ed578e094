// Retries, waits and the words for them, process level: the real `qwen` against the fake provider
// (issue 12, items 5, 8, 9 and 10). Each case is a defect a user met:
//  - a 10-digit Retry-After was taken as absent and retried at once (a 9-digit one was reported);
//  - on a 5xx a long Retry-After was slept through instead of reported;
//  - max_retries = 50 became 20 without a word; a huge retry_base_ms overflowed into a negative wait;
//  - a server trickling SSE keep-alive comments held `qwen -p` forever (they reset the idle timer);
//  - "retrying in 0 s", "giving up after 1 attempts", a 3xx without its Location, "...; retry after";
//  - a server's error message with line breaks broke the one error line.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-retries-test-key-6021";

void network_config(const TempDir &home, const std::string &lines) {
  home.write(".qwen/config.toml", "[network]\n" + lines);
}

QwenRunOptions openai_env(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
  return o;
}

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

// stderr holds exactly one "qwen: error:" line (and "retrying" lines besides); returns it.
std::string the_error_line(const std::string &err) {
  std::string error;
  for (const auto &line : lines_of(err)) {
    if (line.rfind("qwen: error: ", 0) == 0) {
      CHECK(error.empty());
      error = line;
    } else {
      CHECK(contains(line, "; retrying "));
    }
  }
  CHECK_FALSE(error.empty());
  return error;
}

long seconds_since(std::chrono::steady_clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

TEST_CASE("retries: a server trickling keep-alive comments is ended by the total bound, not retried (7)",
          "[retries]") {
  // A comment every 200 ms keeps a 1 s idle timer from ever firing: only request_timeout_ms ends it.
  FakeProvider p({"--api-key", kKey, "--fault", "trickle:200", "--fault", "trickle:200"});
  TempDir home;
  network_config(home, "idle_timeout_ms = 1000\nrequest_timeout_ms = 1500\nretry_base_ms = 10\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out.empty());
  CHECK(seconds_since(start) < 10);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "timed out after 1.5 s"));
  CHECK(contains(error, "request_timeout_ms = 1500"));
  CHECK(contains(error, p.base_url() + "/chat/completions"));
  CHECK(lines_of(r.err).size() == 1);  // the time is up: no retry
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("retries: a retry that would pass the total bound is not started (7)", "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500", "--fault", "500"});
  TempDir home;
  network_config(home, "retry_base_ms = 5000\nrequest_timeout_ms = 3000\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(seconds_since(start) < 3);  // not slept through
  auto error = the_error_line(r.err);
  CHECK(contains(error, "giving up after 1 attempt: HTTP 500: Internal error"));
  CHECK(contains(error, "a retry in 5 s would pass request_timeout_ms = 3000"));
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("retries: a 10-digit Retry-After on a 429 is reported with the time, not retried at once (6)",
          "[retries]") {
  for (const std::string seconds : {"999999999", "1234567890", "99999999999999999"}) {
    FakeProvider p({"--api-key", kKey, "--fault", "429:" + seconds});
    TempDir home;
    network_config(home, "retry_base_ms = 10\n");
    auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
    INFO("Retry-After: " << seconds << "\nstderr: " << r.err);
    CHECK(r.exit_code == 6);
    auto error = the_error_line(r.err);
    CHECK(contains(error, "rate limited by the server (HTTP 429): Rate limit exceeded; the server asks to wait "));
    CHECK(contains(error, " days) before retrying"));
    CHECK(p.stat("chat_requests") == 1);
  }
}

TEST_CASE("retries: a long Retry-After on a 5xx is reported, not waited for (7)", "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500:3600", "--fault", "500:3600"});
  TempDir home;
  network_config(home, "retry_base_ms = 10\nretry_max_wait_ms = 2000\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(seconds_since(start) < 3);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "HTTP 500: Internal error; the server asks to wait 3600 s (60 min) before retrying"));
  CHECK(lines_of(r.err).size() == 1);
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("retries: a short Retry-After on a 5xx is honoured, and a sub-second wait is not \"0 s\" (0)",
          "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500:1", "--fault", "500"});
  TempDir home;
  network_config(home, "retry_base_ms = 200\n");  // the second retry waits 2 x 200 ms
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  auto lines = lines_of(r.err);
  REQUIRE(lines.size() == 2);
  CHECK(contains(lines[0], "HTTP 500: Internal error; retrying in 1 s"));  // the server's Retry-After
  CHECK(contains(lines[1], "HTTP 500: Internal error; retrying in 0.4 s"));
  CHECK_FALSE(contains(r.err, "in 0 s"));
  CHECK(p.stat("chat_requests") == 3);
}

TEST_CASE("retries: max_retries = 0 gives up after 1 attempt, in those words (7)", "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500"});
  TempDir home;
  network_config(home, "max_retries = 0\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "giving up after 1 attempt: "));
  CHECK_FALSE(contains(error, "1 attempts"));
}

TEST_CASE("retries: a 429 with Retry-After after the last retry is one sentence, not the old dot before retry after (6)",
          "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "429:1", "--fault", "429:1"});
  TempDir home;
  network_config(home, "max_retries = 1\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 6);
  auto error = the_error_line(r.err);
  CHECK(error == "qwen: error: rate limited by the server (HTTP 429): Rate limit exceeded; the server asks to wait 1 s "
                 "before retrying");
  CHECK(p.stat("chat_requests") == 2);
}

TEST_CASE("retries: qwen-oauth's own 429 words are not followed by the host's own retry clause (6)",
          "[retries][oauth]") {
  FakeProvider p({"--fault", "429:3600"});
  TempDir home;
  network_config(home, "retry_base_ms = 10\n");
  const std::string creds = "{\n  \"access_token\": \"retries-access-token-0123456789\",\n  \"refresh_token\": "
                            "\"retries-refresh-token-0123456789\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": "
                            "\"" + p.root_url() + "\",\n  \"expiry_date\": 99999999999999\n}";
  auto path = home.write(".qwen/oauth_creds.json", creds);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, o);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 6);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "free quota"));
  CHECK(contains(error, "retry in 60 min"));  // the plugin's hint, once
  CHECK_FALSE(contains(error, ".;"));
  CHECK_FALSE(contains(error, "before retrying"));
}

TEST_CASE("retries: a redirect is reported with where it points, resolved, never followed (3)", "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "redirect"});
  TempDir home;
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 3);
  auto error = the_error_line(r.err);
  CHECK(contains(error, "redirected the request (HTTP 301) to " + p.root_url() + "/moved/v1/chat/completions"));
  CHECK(contains(error, "set the base URL to " + p.root_url() + "/moved/v1"));
  CHECK(p.stat("chat_requests") == 1);  // not followed
}

TEST_CASE("retries: a redirect without a Location, or with control bytes in it, is one clean line (3)",
          "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "redirect:", "--fault", "redirect:http://127.0.0.1:1/%1B[2Jx%07"});
  TempDir home;
  auto none = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << none.err);
  CHECK(none.exit_code == 3);
  CHECK(contains(the_error_line(none.err), "(HTTP 301) without saying where (no Location header)"));

  auto hostile = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << hostile.err);
  CHECK(hostile.exit_code == 3);
  auto error = the_error_line(hostile.err);
  CHECK(contains(error, "redirected the request (HTTP 301) to http://127.0.0.1:1/"));
  CHECK(error.find('\x1b') == std::string::npos);
  CHECK(error.find('\x07') == std::string::npos);
  CHECK(p.stat("chat_requests") == 2);
}

TEST_CASE("retries: a server's error message with line breaks is folded into the one error line (7)",
          "[retries]") {
  FakeProvider p({"--api-key", kKey, "--fault", "error:503:Service%20down.%0A%0ATry%20later%0D%0A%20%20please%0A"});
  TempDir home;
  network_config(home, "max_retries = 0\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 7);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(contains(the_error_line(r.err), "HTTP 503: Service down. Try later please ("));
}

TEST_CASE("retries: [network] numbers out of range are exit 3 naming file:line, not silently capped",
          "[retries][config]") {
  struct Case {
    const char *line;
    const char *key;
  };
  for (auto c : {Case{"max_retries = 50", "network.max_retries"},
                 Case{"retry_base_ms = 100000000000000", "network.retry_base_ms"},
                 Case{"idle_timeout_ms = -1", "network.idle_timeout_ms"},
                 Case{"request_timeout_ms = 99999999999", "network.request_timeout_ms"}}) {
    FakeProvider p({"--api-key", kKey});
    TempDir home;
    network_config(home, std::string("\n") + c.line + "\n");
    auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
    INFO(c.line << "\nstderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "config.toml:3:"));
    CHECK(contains(r.err, std::string("`") + c.key + "` must be an integer from "));
    CHECK(p.stat("chat_requests") == 0);
  }
}
