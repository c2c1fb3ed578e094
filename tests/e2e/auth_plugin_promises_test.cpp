// What plugin.h promises an auth plugin, checked through fixture plugins the way a third party builds them:
// the envkey fixture (C++ SDK, ABI 1.2: its own environment, no login, no logout, its own 401/429 words, a
// model list) and a plain C plugin built against the frozen 1.0 header (none of the members appended since).
#include <catch2/catch.hpp>

#include <qwen/plugin.h>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kFixtureToken = "fixture-token-7d1c0ffee5";
constexpr const char *kOpenAiKey = "sk-promises-openai-key-3131";

std::string fixture_dirs() {
  const std::string root = QWEN_TEST_FIXTURE_PLUGIN_DIR;
  return root + "/env_key:" + root + "/good_auth_1_0";
}

QwenRunOptions fixture_env(std::map<std::string, std::string> extra = {}) {
  QwenRunOptions o;
  o.env = {{"QWEN_PLUGIN_PATH", fixture_dirs()}};
  for (auto &[k, v] : extra) o.env[k] = v;
  return o;
}

std::string line_with(const std::string &out, const std::string &prefix) {
  for (const auto &l : lines_of(out))
    if (l.rfind(prefix, 0) == 0) return l;
  return {};
}

}  // namespace

TEST_CASE("the environment picks the method: a third party's variables select it without any flag or config",
          "[promises][choice]") {
  FakeProvider p({"--api-key", kFixtureToken, "--api-key", kOpenAiKey});
  TempDir home;
  auto r = run_qwen(home, {"-p", "who answers"},
                    fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"FIXTURE_BASE_URL", p.base_url()}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: who answers\n");
  auto requests = p.logged_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["headers"]["authorization"] == std::string("Bearer ") + kFixtureToken);

  // Its priority (200) is above the built-in openai's (100): with both configured, the fixture answers.
  r = run_qwen(home, {"auth", "status"},
               fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"OPENAI_API_KEY", kOpenAiKey}}));
  CHECK(line_with(r.out, "method: ") == "method: envkey");
  // A flag still wins over the environment.
  r = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, fixture_env({{"FIXTURE_TOKEN", kFixtureToken}}));
  CHECK(line_with(r.out, "method: ") == "method: openai");
}

TEST_CASE("the seed's order for the built-in methods: OPENAI_API_KEY means openai, nothing means qwen-oauth, "
          "default_auth changes the default",
          "[promises][choice]") {
  TempDir home;
  auto r = run_qwen(home, {"auth", "status"}, with_env({{"OPENAI_API_KEY", kOpenAiKey}}));
  INFO(r.out << r.err);
  CHECK(line_with(r.out, "method: ") == "method: openai");
  r = run_qwen(home, {"auth", "status"});
  CHECK(line_with(r.out, "method: ") == "method: qwen-oauth");
  home.write(".qwen/config.toml", "default_auth = \"openai\"\n");
  r = run_qwen(home, {"auth", "status"});
  CHECK(line_with(r.out, "method: ") == "method: openai");
  // A value that is not a plugin id is refused before any file is opened.
  home.write(".qwen/config.toml", "default_auth = \"../../tmp/evil\"\n");
  r = run_qwen(home, {"auth", "status"});
  CHECK(r.exit_code == QWEN_EXIT_BAD_INPUT);
  CHECK(r.err.find("default_auth") != std::string::npos);
}

TEST_CASE("a method without a login: `qwen auth login` says what to set and exits 4, not 1", "[promises][login]") {
  TempDir home;
  auto r = run_qwen(home, {"auth", "login", "--auth-type", "envkey"}, fixture_env());
  INFO(r.out << r.err);
  CHECK(r.exit_code == QWEN_EXIT_AUTH_REQUIRED);
  CHECK(r.err.find("set FIXTURE_TOKEN, FIXTURE_BASE_URL") != std::string::npos);
  CHECK(r.err.find("https://fixture.invalid/keys") != std::string::npos);
  CHECK(r.err.find("not a name") == std::string::npos);  // a plugin's text that is no variable name is dropped
  // A 1.0 plugin says nothing of its variables: the words name its config table instead.
  r = run_qwen(home, {"auth", "login", "--auth-type", "fixture"}, fixture_env());
  CHECK(r.exit_code == QWEN_EXIT_AUTH_REQUIRED);
  CHECK(r.err.find("[plugins.fixture]") != std::string::npos);
  // `qwen auth ID` (Qwen Code's verb form) is the same sign-in for a third party's method.
  auto verb = run_qwen(home, {"auth", "envkey"}, fixture_env());
  CHECK(verb.exit_code == QWEN_EXIT_AUTH_REQUIRED);
  CHECK(verb.err.find("set FIXTURE_TOKEN, FIXTURE_BASE_URL") != std::string::npos);
}

TEST_CASE("a method without a logout is not said to be signed out", "[promises][logout]") {
  TempDir home;
  auto r = run_qwen(home, {"auth", "logout", "--auth-type", "envkey"}, fixture_env({{"FIXTURE_TOKEN", kFixtureToken}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Env key fixture keeps no login to forget: nothing was removed.\n");
  CHECK(r.out.find("Signed out") == std::string::npos);
}

TEST_CASE("status: the host names the method once, the plugin's repeats are dropped, the account is shown",
          "[promises][status]") {
  TempDir home;
  auto r = run_qwen(home, {"auth", "status", "--auth-type", "envkey"}, fixture_env({{"FIXTURE_TOKEN", kFixtureToken}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(lines_of(r.out) ==
        std::vector<std::string>{"method: envkey", "name: Env key fixture", "signed_in: yes", "account: fixture-user",
                                 "state: configured"});
}

TEST_CASE("`qwen plugins` shows an auth method's one-line description", "[promises][plugins]") {
  TempDir home;
  auto r = run_qwen(home, {"plugins"}, fixture_env());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("A fixture configured by FIXTURE_TOKEN") != std::string::npos);
  CHECK(r.out.find("Sign in with a qwen.ai account in the browser") != std::string::npos);
}

TEST_CASE("refused credentials: a 1.2 plugin's advice replaces the host's, a 1.0 plugin keeps the host's words",
          "[promises][errors]") {
  FakeProvider p({"--api-key", "sk-the-only-accepted-key-000"});
  TempDir home;
  auto r = run_qwen(home, {"-p", "hello"},
                    fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"FIXTURE_BASE_URL", p.base_url()}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == QWEN_EXIT_AUTH_REJECTED);
  CHECK(r.err.find("the server refused the credentials of 'envkey' (HTTP 401)") != std::string::npos);
  CHECK(r.err.find("Ask the fixture's admin for a new token.") != std::string::npos);
  CHECK(r.err.find("Check the API key") == std::string::npos);
  CHECK(p.chat_bodies().size() == 2);  // one refresh, then the answer

  r = run_qwen(home, {"-p", "hello", "--auth-type", "fixture"},
               fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"FIXTURE_BASE_URL", p.base_url()}}));
  CHECK(r.exit_code == QWEN_EXIT_AUTH_REJECTED);
  CHECK(r.err.find("Check the API key") != std::string::npos);
}

TEST_CASE("rate limited: a 1.2 plugin's 429 words are the whole message, not quoted inside the host's",
          "[promises][errors]") {
  FakeProvider p({"--api-key", kFixtureToken, "--fault", "429"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  auto r = run_qwen(home, {"-p", "hello"},
                    fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"FIXTURE_BASE_URL", p.base_url()}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == QWEN_EXIT_RATE_LIMITED);
  CHECK(r.err.find("The fixture's quota is spent until tomorrow.") != std::string::npos);
  CHECK(r.err.find("rate limited by the server") == std::string::npos);
}

TEST_CASE("a plain C auth plugin built against ABI 1.0 still signs in and answers through the 1.2 host",
          "[promises][abi]") {
  FakeProvider p({"--api-key", kFixtureToken});
  TempDir home;
  auto r = run_qwen(home, {"-p", "old plugin", "--auth-type", "fixture"},
                    fixture_env({{"FIXTURE_TOKEN", kFixtureToken}, {"FIXTURE_BASE_URL", p.base_url()}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: old plugin\n");
  // It says nothing of its environment: it is never picked by it.
  r = run_qwen(home, {"auth", "status"}, fixture_env({{"FIXTURE_BASE_URL", p.base_url()}}));
  CHECK(line_with(r.out, "method: ") == "method: qwen-oauth");
}

TEST_CASE("`qwen models`: a plugin's own list, the provider's GET /models, json output, and their failures",
          "[promises][models]") {
  FakeProvider p({"--api-key", kOpenAiKey});
  TempDir home;
  // The fixture's static list; an id holding an escape sequence is dropped, not printed.
  auto r = run_qwen(home, {"models"}, fixture_env({{"FIXTURE_TOKEN", kFixtureToken}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(lines_of(r.out) == std::vector<std::string>{"  fixture-large  the large one", "  fixture-small"});
  CHECK(p.logged_requests("/v1/models").empty());

  // openai reads the provider's list with its key; the current model is marked.
  const std::map<std::string, std::string> openai = {
      {"OPENAI_API_KEY", kOpenAiKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
  r = run_qwen(home, {"models"}, with_env(openai));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "* fake-model\n");
  auto listed = p.logged_requests("/v1/models");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["headers"]["authorization"] == std::string("Bearer ") + kOpenAiKey);

  r = run_qwen(home, {"models", "--output-format", "json"}, with_env(openai));
  CHECK(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["type"] == "models");
  CHECK(doc["method"] == "openai");
  REQUIRE(doc["models"].size() == 1);
  CHECK(doc["models"][0]["id"] == "fake-model");
  CHECK(doc["models"][0]["current"] == true);

  // A refused key is exit 5, and the key is not in what is said.
  auto wrong = openai;
  wrong["OPENAI_API_KEY"] = "sk-wrong-key-for-the-list-9999";
  r = run_qwen(home, {"models"}, with_env(wrong));
  CHECK(r.exit_code == QWEN_EXIT_AUTH_REJECTED);
  CHECK(r.err.find("GET " + p.base_url() + "/models") != std::string::npos);
  CHECK(r.err.find("sk-wrong-key-for-the-list-9999") == std::string::npos);
  // A server that has no such list (404 JSON) is a clear error, not a crash or an empty list.
  auto elsewhere = openai;
  elsewhere["OPENAI_BASE_URL"] = p.root_url() + "/nowhere";
  r = run_qwen(home, {"models"}, with_env(elsewhere));
  CHECK(r.exit_code == QWEN_EXIT_NETWORK);
  CHECK(r.err.find("HTTP 404") != std::string::npos);
}
