// A server's control characters never reach a terminal as control sequences:
// in an answer's deltas and in an error message they are shown ("^[]0;pwned^G"),
// not run (the title stays, the screen is not cleared), by both front-ends;
// into a pipe, `--output-format text` still gives the answer's exact bytes.
#include <catch2/catch.hpp>

#include <chrono>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-terminal-controls-key-2600";
// Set the window title, clear the screen, ring the bell.
const std::string kHostile = "before \x1b]0;pwned\x07 middle \x1b[2J after\x1b[31m red\x07";
const std::string kShown = "before ^[]0;pwned^G middle ^[[2J after^[[31m red^G";

std::map<std::string, std::string> key_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
}

}  // namespace

TEST_CASE("into a pipe, --output-format text gives the answer's bytes exactly, escape sequences included",
          "[chat][terminal]") {
  FakeProvider p({"--api-key", kKey, "--reply", kHostile});
  TempDir home;
  auto r = run_qwen(home, {"-p", "hi"}, with_env(key_env(p)));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kHostile + "\n");
}

TEST_CASE("headless on a terminal: escape sequences in the answer and in a server's error are shown, not run",
          "[chat][terminal]") {
  // The reply streams in deltas of 4 characters: each sequence is cut across deltas.
  FakeProvider p({"--api-key", kKey, "--reply", kHostile});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {"-p", "hi"}, key_env(p)));
  REQUIRE(t.wait_for_exit());
  // (Once the program is gone, tmux scrolls its screen into the history: the transcript is what is left. A
  // sequence the terminal ran leaves no "^[" behind, so the visible forms there are the proof.)
  INFO(t.transcript());
  CHECK(t.exit_status() == 0);
  CHECK(t.transcript().find(kShown) != std::string::npos);

  // The server's error message, on stderr (a terminal too).
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  p.post("/__control/fault", "error:500:%1B]0;pwned%07broken%1B[2J");
  TerminalSession e(qwen_terminal(home, {"-p", "hi"}, key_env(p)));
  REQUIRE(e.wait_for_exit());
  INFO(e.transcript());
  CHECK(e.exit_status() == 7);
  CHECK(e.transcript().find("^[]0;pwned^Gbroken^[[2J") != std::string::npos);
}

TEST_CASE("tty: escape sequences in the answer are shown, not run", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--reply", kHostile});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("say something hostile");
  REQUIRE(t.wait_for(kShown));
  INFO(t.transcript());
  CHECK(t.screen().find("Signed in with") != std::string::npos);  // the screen was not cleared
  CHECK(t.screen().find(kShown) != std::string::npos);
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.terminal_is_sane());
}
