// The host's session commands through the real ABI (the script fixture
// front-end drives them): switching the sign-in method keeps the
// conversation and is remembered in config.toml; /model, /clear, /stats.
#include <catch2/catch.hpp>

#include <qwen/plugin.h>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-session-key-424242";

QwenRunOptions script_env(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"QWEN_PLUGIN_PATH", std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/script"},
           {"OPENAI_API_KEY", kKey},
           {"OPENAI_BASE_URL", p.base_url()}};
  return o;
}

}  // namespace

TEST_CASE("switching the method keeps the conversation, and the choice is remembered without losing comments",
          "[session]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml",
             "# my own notes\nfrontend = \"script\"\nauth = \"initerror-not-used\"\n\n"
             "[network]\nmax_retries = 0 # keep\n");
  auto o = script_env(p);
  // --frontend: -p alone is the headless pipe front-end whatever config.toml says.
  auto r = run_qwen(home,
                    {"--frontend", "script", "--auth-type", "openai", "-p",
                     "say first; auth.select openai; say second; auth.list"},
                    o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("answer: Hello from the fake provider. You said: first") != std::string::npos);
  CHECK(r.out.find("auth.select -> 0") != std::string::npos);
  CHECK(r.out.find("answer: Hello from the fake provider. You said: second") != std::string::npos);
  CHECK(r.out.find("  openai=OpenAI-compatible API key\tselected\tavailable") != std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  REQUIRE(bodies[1]["messages"].size() == 3);  // first question, first answer, second question
  CHECK(bodies[1]["messages"][0]["content"] == "first");
  CHECK(bodies[1]["messages"][1]["role"] == "assistant");
  CHECK(read_file(home.path() / ".qwen/config.toml") ==
        "# my own notes\nfrontend = \"script\"\nauth = \"openai\"\n\n[network]\nmax_retries = 0 # keep\n");
}

TEST_CASE("selecting a method that does not exist fails and changes nothing", "[session]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "frontend = \"script\"\n");
  auto r = run_qwen(home, {"--frontend", "script", "--auth-type", "openai", "-p", "auth.select nosuch; say still here"},
                    script_env(p));
  CHECK(r.out.find("auth.select -> " + std::to_string(QWEN_ERR_CONFIG) + " no sign-in method plugin 'nosuch'") !=
        std::string::npos);
  CHECK(r.out.find("answer: Hello from the fake provider. You said: still here") != std::string::npos);
  CHECK(read_file(home.path() / ".qwen/config.toml") == "frontend = \"script\"\n");
}

TEST_CASE("model.set changes the model of later turns, session.clear forgets the history", "[session]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = run_qwen(home,
                    {"--frontend", "script", "--auth-type", "openai", "-p",
                     "model.get; say one; model.set other-model; model.get; say two; session.clear; say three; "
                     "session.stats"},
                    script_env(p));
  INFO(r.out << r.err);
  CHECK(r.out.find("model.get -> 0\n  model=qwen3-coder-plus") != std::string::npos);
  CHECK(r.out.find("model.get -> 0\n  model=other-model") != std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 3);
  CHECK(bodies[0]["model"] == "qwen3-coder-plus");
  CHECK(bodies[1]["model"] == "other-model");
  CHECK(bodies[1]["messages"].size() == 3);
  CHECK(bodies[2]["messages"].size() == 1);
  CHECK(r.out.find("  turns=3") != std::string::npos);
  CHECK(r.out.find("  requests=3") != std::string::npos);
  CHECK(r.out.find("  auth.method=openai") != std::string::npos);
  CHECK(r.out.find(kKey) == std::string::npos);
}

TEST_CASE("a failed turn leaves the history as it was", "[session]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  auto r = run_qwen(home, {"--frontend", "script", "--auth-type", "openai", "-p", "say lost; say kept"}, script_env(p));
  CHECK(r.out.find("error " + std::to_string(QWEN_ERR_NETWORK)) != std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[1]["messages"].size() == 1);
  CHECK(bodies[1]["messages"][0]["content"] == "kept");
}

TEST_CASE("unknown verbs are refused, auth plugins cannot use front-end services", "[session]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = run_qwen(home, {"--frontend", "script", "--auth-type", "openai", "-p", "no.such.verb"}, script_env(p));
  CHECK(r.out.find("no.such.verb -> " + std::to_string(QWEN_ERR_UNSUPPORTED) + " unknown command") !=
        std::string::npos);
}
