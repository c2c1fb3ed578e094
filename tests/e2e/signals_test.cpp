// SIGINT and SIGTERM while `qwen` works: during a streamed answer, during a
// retry's wait, during an OAuth sign-in's wait and during a token refresh. Each
// must end the process promptly with the documented status (2 for SIGINT, the
// user's cancel; 143 = 128 + SIGTERM), keep what was already printed, and leave
// nothing half-written in ~/.qwen (no credentials from a cancelled login, no
// temporary file, no lock file).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char *kKey = "sk-signals-test-key-4242";
// Generous for a loaded 2-core machine; a hang is still caught well before CTest's own limit.
constexpr auto kPrompt = std::chrono::seconds(10);

ProcessOptions qwen_in(const TempDir &home, const std::vector<std::string> &args,
                       const std::map<std::string, std::string> &env) {
  ProcessOptions o;
  o.args = {QWEN_TEST_BIN};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  for (const auto &[k, v] : env) o.env[k] = v;
  o.cwd = home.path().string();
  return o;
}

std::map<std::string, std::string> openai_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
}

bool eventually(const std::function<bool()> &condition, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// Everything under ~/.qwen, relative, except the files the test itself wrote.
std::vector<std::string> qwen_dir_files(const TempDir &home) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(home.path() / ".qwen", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (!it->is_directory()) out.push_back(std::filesystem::relative(it->path(), home.path() / ".qwen").string());
  std::sort(out.begin(), out.end());
  return out;
}

size_t count_lines(const std::string &s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string last_line(const std::string &s) {
  if (s.empty()) return {};
  size_t end = s.back() == '\n' ? s.size() - 1 : s.size();
  size_t start = s.rfind('\n', end - 1);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
}

struct Signalled {
  ProcessResult result;
  std::chrono::milliseconds took{};  // from the signal to the exit
};

Signalled signal_and_wait(BackgroundProcess &qwen, int sig) {
  auto sent = Clock::now();
  qwen.signal(sig);
  Signalled s;
  s.result = qwen.wait(std::chrono::milliseconds(kPrompt));
  s.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
  return s;
}

const std::string kLongQuestion = "please answer with a long text, so that it streams for a good while";

}  // namespace

TEST_CASE("signals: SIGINT, SIGTERM or SIGHUP during a streamed answer ends it at once and keeps the printed text",
          "[signals]") {
  const int sig = GENERATE(SIGINT, SIGTERM, SIGHUP);
  const int expected = sig == SIGINT ? 2 : 128 + sig;  // SIGTERM and SIGHUP: the process ends by that signal
  CAPTURE(sig);
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  BackgroundProcess qwen(qwen_in(home, {"-p", kLongQuestion}, openai_env(p)));
  REQUIRE(qwen.wait_for_output("Hello fr", std::chrono::seconds(30)));  // two deltas arrived
  auto s = signal_and_wait(qwen, sig);
  INFO("stdout: " << s.result.out << "\nstderr: " << s.result.err);
  CHECK_FALSE(s.result.timed_out);
  CHECK(s.result.exit_code == expected);
  CHECK(s.took < kPrompt);
  CHECK(s.result.out.rfind("Hello fr", 0) == 0);  // the text streamed so far is kept...
  CHECK(s.result.out.size() < std::string("Hello from the fake provider. You said: ").size() + kLongQuestion.size());
  CHECK(s.result.out.back() == '\n');  // ...and ended with a newline, so the shell prompt starts on its own line
  CHECK(count_lines(s.result.err) == 1);
  CHECK(s.result.err == "qwen: error: cancelled\n");
  CHECK(p.stat("chat_requests") == 1);  // no retry of a cancelled turn
}

TEST_CASE("signals: a stream-json answer cut by SIGINT ends with an error event, json keeps the partial text",
          "[signals]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300", "--fault", "slow:300"});
  TempDir home;
  SECTION("stream-json") {
    BackgroundProcess qwen(qwen_in(home, {"-p", kLongQuestion, "--output-format", "stream-json"}, openai_env(p)));
    REQUIRE(qwen.wait_for_output("\"delta\"", std::chrono::seconds(30)));
    auto s = signal_and_wait(qwen, SIGINT);
    INFO("stdout: " << s.result.out << "\nstderr: " << s.result.err);
    CHECK(s.result.exit_code == 2);
    std::vector<nlohmann::json> events;
    size_t start = 0;
    while (start < s.result.out.size()) {
      size_t nl = s.result.out.find('\n', start);
      REQUIRE(nl != std::string::npos);  // every event is a whole line
      events.push_back(nlohmann::json::parse(s.result.out.substr(start, nl - start)));
      start = nl + 1;
    }
    REQUIRE(events.size() >= 3);
    CHECK(events.front()["type"] == "turn_start");
    CHECK(events[1]["type"] == "delta");
    CHECK(events.back()["type"] == "error");
    CHECK(events.back()["exit_code"] == 2);
    CHECK(events.back()["status"] == "cancelled");
  }
  SECTION("json") {
    BackgroundProcess qwen(qwen_in(home, {"-p", kLongQuestion, "--output-format", "json"}, openai_env(p)));
    REQUIRE(eventually([&] { return p.stat("chat_requests") == 1; }, std::chrono::seconds(30)));
    // json prints nothing before the end, so there is no output to wait for: give the first deltas (300 ms
    // apart) time to arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto s = signal_and_wait(qwen, SIGINT);
    INFO("stdout: " << s.result.out << "\nstderr: " << s.result.err);
    CHECK(s.result.exit_code == 2);
    auto j = nlohmann::json::parse(s.result.out);
    CHECK(j["error"]["code"] == 2);
    CHECK(j["response"].get<std::string>().rfind("Hell", 0) == 0);
  }
}

TEST_CASE("signals: SIGINT during a retry's wait ends it at once with 2", "[signals]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 60000\nretry_max_wait_ms = 60000\n");
  BackgroundProcess qwen(qwen_in(home, {"-p", "hi"}, openai_env(p)));
  REQUIRE(qwen.wait_for_output("retrying in 60 s", std::chrono::seconds(30)));
  auto s = signal_and_wait(qwen, SIGINT);
  INFO("stderr: " << s.result.err);
  CHECK(s.result.exit_code == 2);
  CHECK(s.took < kPrompt);
  CHECK(s.result.out.empty());
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("signals: SIGINT or SIGTERM while waiting for a sign-in's approval writes nothing", "[signals][oauth]") {
  const int sig = GENERATE(SIGINT, SIGTERM);
  CAPTURE(sig);
  FakeProvider p({"--interval", "1"});
  TempDir home;
  BackgroundProcess login(
      qwen_in(home, {"auth", "login", "--auth-type", "qwen-oauth"}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(login.wait_for_output("/authorize?user_code=", std::chrono::seconds(30)));
  REQUIRE(eventually([&] { return p.stat("token_polls") >= 1; }, std::chrono::seconds(30)));
  auto s = signal_and_wait(login, sig);
  INFO("stdout: " << s.result.out << "\nstderr: " << s.result.err);
  CHECK_FALSE(s.result.timed_out);
  CHECK(s.result.exit_code == (sig == SIGINT ? 2 : 128 + SIGTERM));
  CHECK(s.took < kPrompt);
  CHECK(s.result.err.find("/authorize?user_code=") != std::string::npos);  // what was shown stays
  const std::string last = last_line(s.result.err);
  CHECK(last.rfind("qwen: error: ", 0) == 0);  // one line says why it ended
  CHECK(last.find("cancelled") != std::string::npos);
  CHECK(qwen_dir_files(home).empty());  // no creds, temp or lock file
  // The approval comes too late: nobody is polling any more.
  const long polls = p.stat("token_polls");
  p.post("/__control/approve-all");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(p.stat("token_polls") == polls);
}

TEST_CASE("signals: SIGINT, SIGTERM or SIGHUP during a token refresh leave the old credentials intact and no lock",
          "[signals][oauth]") {
  FakeProvider p({"--oauth-mode", "refresh-slow:20000"});
  TempDir home;
  const std::string refresh = "signals-refresh-token-0123456789";
  p.post("/__control/seed-refresh-token", refresh);
  const std::string creds = "{\n  \"access_token\": \"signals-expired-access-0123456789\",\n  \"refresh_token\": \"" +
                            refresh + "\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": \"" + p.root_url() +
                            "\",\n  \"expiry_date\": 1000,\n  \"issuer\": \"" + p.root_url() + "\"\n}";
  auto path = home.write(".qwen/oauth_creds.json", creds);
  chmod(path.c_str(), 0600);
  const int sig = GENERATE(SIGINT, SIGTERM, SIGHUP);
  CAPTURE(sig);
  BackgroundProcess qwen(
      qwen_in(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(eventually([&] { return p.stat("refresh_requests") >= 1; }, std::chrono::seconds(30)));
  auto s = signal_and_wait(qwen, sig);
  INFO("stdout: " << s.result.out << "\nstderr: " << s.result.err);
  CHECK(s.result.exit_code == (sig == SIGINT ? 2 : 128 + sig));
  CHECK(s.took < kPrompt);
  CHECK(read_file(path) == creds);  // the old file, byte for byte
  CHECK(qwen_dir_files(home) == std::vector<std::string>{"oauth_creds.json"});
}
