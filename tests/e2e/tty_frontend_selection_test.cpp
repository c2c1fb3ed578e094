// On a terminal the tty front-end is the default, but configuration wins:
// `frontend = "pipe"` or `--frontend pipe` runs the headless one, and a third
// party's front-end (the SDK's example, built as shipped) is chosen the same way.
// A -p run is headless whatever config.toml says (tests/e2e/headless_choice_test.cpp).
#include <catch2/catch.hpp>

#include "support/fake_provider.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-tty-selection-key-2718";

std::map<std::string, std::string> env_for(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
}

std::string shout_dir() {
  return std::string(QWEN_TEST_BINARY_DIR) + "/tests/tty-fixtures/shout";
}

}  // namespace

TEST_CASE("tty: on a terminal with no configuration the interactive front-end runs", "[tty][terminal][frontend]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, env_for(p)));
  REQUIRE(t.wait_for("/help lists the commands"));
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
}

TEST_CASE("tty: frontend = \"pipe\" or --frontend pipe runs the headless front-end even on a terminal",
          "[tty][terminal][frontend]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  {
    TerminalSession t(qwen_terminal(home, {"--frontend", "pipe", "-p", "by flag"}, env_for(p)));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript() == "Hello from the fake provider. You said: by flag");  // no banner, no prompt
  }
  home.write(".qwen/config.toml", "frontend = \"pipe\"\n");
  {
    TerminalSession t(qwen_terminal(home, {"-p", "by config"}, env_for(p)));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript() == "Hello from the fake provider. You said: by config");
  }
  {
    // Without a prompt the headless front-end says what it needs instead of opening a session.
    TerminalSession t(qwen_terminal(home, {}, env_for(p)));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 3);
    CHECK(t.transcript().find("no prompt") != std::string::npos);
    CHECK(t.transcript().find("/help") == std::string::npos);
  }
  CHECK(p.chat_bodies().size() == 2);
}

TEST_CASE("tty: a third party's front-end is selected on a terminal by flag and by config.toml",
          "[tty][terminal][frontend]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto env = env_for(p);
  env["QWEN_PLUGIN_PATH"] = shout_dir();
  {
    TerminalSession t(qwen_terminal(home, {"--frontend", "shout", "-p", "quiet words"}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript().find("HELLO FROM THE FAKE PROVIDER. YOU SAID: QUIET WORDS") != std::string::npos);
  }
  home.write(".qwen/config.toml", "# the user's choice\nfrontend = \"shout\"\n");
  {
    // config.toml chooses the front-end of a run without -p (shout then says "hello")...
    TerminalSession t(qwen_terminal(home, {}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript().find("YOU SAID: HELLO") != std::string::npos);
    CHECK(t.transcript().find("/help") == std::string::npos);
  }
  {
    // ...while -p is headless whatever config.toml says: the pipe front-end answers the prompt.
    TerminalSession t(qwen_terminal(home, {"-p", "from config"}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript() == "Hello from the fake provider. You said: from config");
  }
}
