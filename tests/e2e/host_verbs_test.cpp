// The session verbs and the thread-safe cancel added in plugin ABI 1.2, through the real ABI: the script
// fixture front-end drives them as an editor's front-end (several conversations, sign-in buttons, a cancel
// from its reader thread) would.
#include <catch2/catch.hpp>

#include <qwen/plugin.h>

#include <chrono>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-host-verbs-key-5858";

QwenRunOptions script_env(const FakeProvider &p, std::map<std::string, std::string> extra = {}) {
  const std::string fixtures = QWEN_TEST_FIXTURE_PLUGIN_DIR;
  QwenRunOptions o;
  o.env = {{"QWEN_PLUGIN_PATH", fixtures + "/script:" + fixtures + "/env_key"},
           {"OPENAI_API_KEY", kKey},
           {"OPENAI_BASE_URL", p.base_url()}};
  for (auto &[k, v] : extra) o.env[k] = v;
  return o;
}

ProcessResult script(const TempDir &home, const FakeProvider &p, const std::string &steps,
                     std::map<std::string, std::string> extra = {}) {
  return run_qwen(home, {"--frontend", "script", "--auth-type", "openai", "-p", steps}, script_env(p, std::move(extra)));
}

bool has(const std::string &out, const std::string &text) {
  return out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("conversations: each keeps its own history and model, and the current one cannot be closed",
          "[verbs][sessions]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = script(home, p,
                  "say one; session.new; model.set second-model; say two; session.select 1; say three; "
                  "session.close 1; session.close 2; session.select 2; session.select 99; session.close 99; say four");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "session.new -> 0\n  session=2\n"));
  CHECK(has(r.out, "session.close -> " + std::to_string(QWEN_ERR_INVALID_ARGUMENT) + " conversation '1' is the current one"));
  CHECK(has(r.out, "session.close -> 0\n"));
  CHECK(has(r.out, "session.select -> " + std::to_string(QWEN_ERR_INVALID_ARGUMENT) + " no conversation '2'"));
  CHECK(has(r.out, "session.select -> " + std::to_string(QWEN_ERR_INVALID_ARGUMENT) + " no conversation '99'"));
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 4);
  CHECK(bodies[1]["messages"].size() == 1);  // "two" starts a conversation of its own
  CHECK(bodies[1]["model"] == "second-model");
  REQUIRE(bodies[2]["messages"].size() == 3);  // "three" follows "one" and its answer
  CHECK(bodies[2]["messages"][0]["content"] == "one");
  CHECK(bodies[2]["model"] != "second-model");
  CHECK(bodies[3]["messages"].size() == 5);  // "four": still conversation 1
}

TEST_CASE("conversations are bounded: an editor that never closes them cannot grow the process forever",
          "[verbs][sessions]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  std::string steps;
  for (int i = 0; i < 260; ++i) steps += "session.new;";
  auto r = script(home, p, steps);
  CHECK(has(r.out, "session=256\n"));
  CHECK_FALSE(has(r.out, "session=257\n"));
  CHECK(has(r.out, "too many conversations open (256)"));
}

TEST_CASE("auth.describe tells a front-end how each method signs in, from the plugin's own words", "[verbs][describe]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = script(home, p, "auth.describe openai; auth.describe qwen-oauth; auth.describe envkey; auth.describe nosuch; "
                           "auth.describe ../../etc/passwd",
                  {{"FIXTURE_TOKEN", "fixture-token-describe-1"}});
  INFO(r.out << r.err);
  CHECK(has(r.out, "auth.describe -> 0\n  name=OpenAI-compatible API key\n"));
  CHECK(has(r.out, "  login=asks\n  env=OPENAI_API_KEY\n  env=OPENAI_BASE_URL\n  env=OPENAI_MODEL\n"
                   "  setup_url=https://platform.openai.com/api-keys\n  configured=environment\n"));
  CHECK(has(r.out, "  name=Qwen OAuth\n"));
  CHECK(has(r.out, "  login=browser\n  setup_url=https://chat.qwen.ai\n  configured=\n"));
  CHECK(has(r.out, "  name=Env key fixture\n  description=A fixture configured by FIXTURE_TOKEN\n  login=none\n"
                   "  env=FIXTURE_TOKEN\n  env=FIXTURE_BASE_URL\n  setup_url=https://fixture.invalid/keys\n"
                   "  configured=environment\n"));
  CHECK(has(r.out, "auth.describe -> " + std::to_string(QWEN_ERR_INVALID_ARGUMENT) + " no sign-in method plugin 'nosuch'"));
  CHECK(has(r.out, "is not a plugin id"));  // a path is not an id: nothing is opened
}

TEST_CASE("auth.logout of a method that keeps no login forgets nothing, and says so", "[verbs][logout]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = script(home, p, "auth.logout envkey");
  INFO(r.out << r.err);
  CHECK(has(r.out, "auth.logout -> 0\n  forgotten=no\n"));
}

TEST_CASE("models.list: the selected method's models for a front-end", "[verbs][models]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = script(home, p, "models.list; auth.select envkey; models.list", {{"FIXTURE_TOKEN", "fixture-token-models-2"}});
  INFO(r.out << r.err);
  CHECK(has(r.out, "models.list -> 0\n  fake-model=\n"));
  CHECK(has(r.out, "models.list -> 0\n  fixture-large=the large one\n  fixture-small=\n"));
}

TEST_CASE("cancel_turn from another thread ends a turn on a silent server at once, and the next turn is not cancelled",
          "[verbs][cancel]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  const auto started = std::chrono::steady_clock::now();
  // The idle timeout (60 s by default) is what would end the turn without the cancel.
  auto r = script(home, p, "cancel_in 300; say wait for me; say again");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  INFO(r.out << r.err);
  CHECK(has(r.out, "error " + std::to_string(QWEN_ERR_CANCELLED) + ": cancelled\n"));
  CHECK(has(r.out, "answer: Hello from the fake provider. You said: again\n"));
  CHECK(r.exit_code == 0);
  CHECK(elapsed < std::chrono::seconds(20));
}

TEST_CASE("browser.check says whether a login could open a browser here", "[verbs][browser]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto r = script(home, p, "browser.check");  // the tests' environment has NO_BROWSER=1
  CHECK(has(r.out, "browser.check -> " + std::to_string(QWEN_ERR_UNSUPPORTED) +
                       " no browser can be opened here: NO_BROWSER is set"));
}
