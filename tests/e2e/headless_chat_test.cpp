// The headless chat path end to end: the real `qwen` with the openai and
// pipe plugins, talking HTTP over loopback to the project's fake provider.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-e2e-secret-key-0042";

// A HOME with fast retries, so fault tests take milliseconds.
void fast_network(const TempDir &home, const std::string &extra = {}) {
  home.write(".qwen/config.toml",
             "[network]\nretry_base_ms = 20\nretry_max_wait_ms = 3000\nidle_timeout_ms = 1500\n" + extra);
}

QwenRunOptions openai_env(const FakeProvider &p, const std::string &key = kKey) {
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
  return o;
}

}  // namespace

TEST_CASE("qwen -p streams the answer from an OpenAI-compatible server", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hello there"}, openai_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hello there\n");
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["headers"]["authorization"] == std::string("Bearer ") + kKey);
  auto body = nlohmann::json::parse(reqs[0]["body"].get<std::string>());
  CHECK(body["model"] == "fake-model");
  CHECK(body["stream"] == true);
  CHECK(body["stream_options"]["include_usage"] == true);
  CHECK(body["messages"][0]["role"] == "user");
  CHECK(body["messages"][0]["content"] == "hello there");
}

TEST_CASE("piped input is the prompt, or comes before -p with a blank line", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  o.stdin_text = "piped text\n";
  auto only_piped = run_qwen(home, {}, o);
  CHECK(only_piped.exit_code == 0);
  CHECK(only_piped.out.find("You said: piped text") != std::string::npos);
  auto both = run_qwen(home, {"-p", "the question"}, o);
  CHECK(both.exit_code == 0);
  CHECK(both.out.find("You said: piped text\n\nthe question") != std::string::npos);
}

TEST_CASE("no prompt at all is bad input (3)", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = run_qwen(home, {}, openai_env(p));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no prompt") != std::string::npos);
}

TEST_CASE("output format json prints one object with response, model and usage", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi", "--output-format", "json"}, openai_env(p));
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["response"] == "Hello from the fake provider. You said: hi");
  CHECK(j["model"] == "fake-model");
  CHECK(j["usage"]["total_tokens"].get<int>() > 0);
  CHECK_FALSE(j.contains("error"));
}

TEST_CASE("output format stream-json prints one event per line", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi", "--output-format", "stream-json"}, openai_env(p));
  CHECK(r.exit_code == 0);
  std::vector<std::string> types;
  std::string text;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t nl = r.out.find('\n', start);
    auto j = nlohmann::json::parse(r.out.substr(start, nl - start));
    types.push_back(j["type"]);
    if (j["type"] == "delta") text += j["text"].get<std::string>();
    start = nl + 1;
  }
  REQUIRE(types.size() >= 4);
  CHECK(types.front() == "turn_start");
  CHECK(types.back() == "turn_end");
  CHECK(std::count(types.begin(), types.end(), "usage") == 1);
  CHECK(text == "Hello from the fake provider. You said: hi");
}

TEST_CASE("no API key in a headless run: exit 4 naming what to set", "[chat][auth]") {
  TempDir home;
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  for (const char *word : {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", ".qwen/.env"})
    CHECK(r.err.find(word) != std::string::npos);
}

TEST_CASE("nothing configured at all: exit 4 naming OPENAI_API_KEY", "[chat][auth]") {
  // The default method is qwen-oauth without a login; if its plugin is not installed the host
  // says the same thing. Either way the user learns what to set.
  TempDir home;
  auto r = run_qwen(home, {"-p", "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("OPENAI_API_KEY") != std::string::npos);
}

TEST_CASE("a wrong key: one refresh, then exit 5 with the server's message, the key is never printed", "[chat][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi", "--debug"}, openai_env(p, "sk-wrong-key-999999"));
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("HTTP 401") != std::string::npos);
  CHECK(r.err.find("Invalid API key") != std::string::npos);
  CHECK(r.err.find("sk-wrong-key-999999") == std::string::npos);
  CHECK(r.out.find("sk-wrong-key-999999") == std::string::npos);
  CHECK(p.stat("chat_requests") == 2);  // the first try and the one after the refresh
}

TEST_CASE("429 with Retry-After is retried, then succeeds", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "429:1"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("retrying in 1 s") != std::string::npos);
  CHECK(p.stat("chat_requests") == 2);
}

TEST_CASE("429 beyond the retries: exit 6 naming the rate limit", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "429", "--fault", "429", "--fault", "429"});
  TempDir home;
  fast_network(home, "max_retries = 2\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("rate limited") != std::string::npos);
  CHECK(p.stat("chat_requests") == 3);
}

TEST_CASE("a Retry-After longer than the limit is reported, not waited for", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "429:3600"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("3600 s") != std::string::npos);
}

TEST_CASE("500s are retried with backoff and the answer arrives", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500", "--fault", "500"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hi") != std::string::npos);
  CHECK(p.stat("chat_requests") == 3);
}

TEST_CASE("persistent 500s: exit 7 after the bounded retries", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500", "--fault", "500", "--fault", "500", "--fault", "500"});
  TempDir home;
  fast_network(home, "max_retries = 1\n");
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("HTTP 500") != std::string::npos);
  CHECK(p.stat("chat_requests") == 2);
}

TEST_CASE("an HTML page with 200 is a clear error, not a JSON parse error", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "html"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("web page (HTML)") != std::string::npos);
}

TEST_CASE("a stream cut in the middle keeps the text printed and reports the error", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "cut"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "a fairly long question so the answer is long"}, openai_env(p));
  CHECK(r.exit_code == 7);
  CHECK(r.out.rfind("Hello", 0) == 0);  // the first half arrived and stayed
  CHECK(r.err.find("cut off") != std::string::npos);
  CHECK(p.stat("chat_requests") == 1);  // text was shown: no silent retry that would print it twice
}

TEST_CASE("a stalled stream ends with the idle timeout", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("idle timeout") != std::string::npos);
}

TEST_CASE("events that are not JSON are a clear error", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "garbage"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("not valid JSON") != std::string::npos);
}

TEST_CASE("a refused connection is retried then reported as a network failure", "[chat][faults]") {
  TempDir home;
  fast_network(home, "max_retries = 1\n");
  QwenRunOptions o;
  o.env = {{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}};
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, o);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("giving up after 2 attempts") != std::string::npos);
}

TEST_CASE("a 404 from a wrong base URL is reported as a configuration problem", "[chat][faults]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  o.env["OPENAI_BASE_URL"] = p.root_url() + "/wrong";
  auto r = run_qwen(home, {"-p", "hi"}, o);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("HTTP 404") != std::string::npos);
}

TEST_CASE("flags beat the environment for key, base URL and model", "[chat]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", "sk-env-key-wrong-0000"},
           {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
           {"OPENAI_MODEL", "env-model"}};
  auto r =
      run_qwen(home, {"-p", "hi", "--openai-api-key", kKey, "--openai-base-url", p.base_url(), "-m", "flag-model"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(p.chat_bodies()[0]["model"] == "flag-model");
}

TEST_CASE("qwen auth status shows the source of each value and never the key", "[chat][auth]") {
  TempDir home;
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", "https://example.invalid/v1"}};
  auto r = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("method: openai") != std::string::npos);
  CHECK(r.out.find("base_url: https://example.invalid/v1 from environment") != std::string::npos);
  CHECK(r.out.find("model: qwen3-coder-plus from default") != std::string::npos);
  CHECK(r.out.find("sk-…0042 from environment") != std::string::npos);
  CHECK(r.out.find(kKey) == std::string::npos);
}

TEST_CASE("a config.toml syntax error names file, line and column and exits 3", "[config]") {
  TempDir home;
  home.write(".qwen/config.toml", "frontend = \"pipe\"\nauth = = broken\n");
  auto r = run_qwen(home, {"-p", "hi"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find((home.path() / ".qwen/config.toml").string() + ":2:") != std::string::npos);
}

TEST_CASE("a wrongly typed config value names the key", "[config]") {
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = \"three\"\n");
  auto r = run_qwen(home, {"-p", "hi"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("network.max_retries") != std::string::npos);
}

TEST_CASE("a project .qwen/config.toml overrides the user's, key by key", "[config]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "auth = \"nosuch\"\n[plugins.openai]\nmodel = \"user-model\"\n");
  home.write("proj/.qwen/config.toml", "auth = \"openai\"\n[network]\nmax_retries = 0\n");
  home.write("proj/sub/dir/.keep", "");
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
  o.cwd = (home.path() / "proj/sub/dir").string();
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(p.chat_bodies()[0]["model"] == "user-model");
}
