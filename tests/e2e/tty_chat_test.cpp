// The tty front-end in a real pseudo-terminal (tmux), against the fake
// provider: answers streamed to the screen, Ctrl-C that stops an answer and
// leaves the session usable, the ways out (Ctrl-D, Ctrl-C twice, /quit) with
// the terminal left sane, history kept across runs, multi-line input, and the
// slash commands with Tab completion.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "support/fake_provider.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-tty-terminal-key-31337";

std::map<std::string, std::string> key_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
}

// The prompt the front-end shows when it waits for a question.
constexpr const char *kPrompt = "\n>";

}  // namespace

TEST_CASE("tty: an answer with an API key streams to the screen, Ctrl-D leaves with the terminal sane",
          "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key; model qwen3-coder-plus."));
  t.type_line("what is a pseudo-terminal?");
  REQUIRE(t.wait_for("Hello from the fake provider. You said: what is a pseudo-terminal?"));
  REQUIRE(t.wait_for(kPrompt, 5s, 2));
  INFO(t.transcript());
  CHECK(t.transcript().find(kKey) == std::string::npos);
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0]["messages"][0]["content"] == "what is a pseudo-terminal?");
}

TEST_CASE("tty: Ctrl-C stops a streaming answer at once, and the next question is answered", "[tty][terminal]") {
  // 300 ms between chunks: the whole answer would take about 4 s.
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("tell me a long story");
  REQUIRE(t.wait_for("Hello"));  // the first deltas are on the screen before the answer is complete
  CHECK(t.transcript().find("You said: tell me a long story") == std::string::npos);
  const auto pressed = std::chrono::steady_clock::now();
  t.press("C-c");
  REQUIRE(t.wait_for("[answer cancelled]", 5s));
  CHECK(std::chrono::steady_clock::now() - pressed < 2s);
  REQUIRE(t.wait_for(kPrompt, 5s, 2));
  // The rest of the slow answer never reaches the screen.
  std::this_thread::sleep_for(1s);
  CHECK(t.transcript().find("You said: tell me a long story") == std::string::npos);

  t.type_line("and a short one");
  REQUIRE(t.wait_for("You said: and a short one"));
  INFO(t.transcript());
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  // The cancelled turn is not part of the conversation.
  REQUIRE(bodies[1]["messages"].size() == 1);
  CHECK(bodies[1]["messages"][0]["content"] == "and a short one");
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
}

TEST_CASE("tty: Ctrl-C again right after stopping an answer leaves", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("a slow answer");
  REQUIRE(t.wait_for("Hello"));
  t.press("C-c");
  REQUIRE(t.wait_for("[answer cancelled]", 5s));
  t.press("C-c");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
  CHECK(t.transcript().find("press Ctrl-C again") == std::string::npos);  // no second warning needed
}

TEST_CASE("tty: Ctrl-C twice during an answer leaves", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("a slow answer");
  REQUIRE(t.wait_for("Hello"));
  t.press("C-c");
  t.press("C-c");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
  CHECK(t.transcript().find("[answer cancelled]") != std::string::npos);
}

TEST_CASE("tty: SIGTERM during an answer stops it and ends qwen by SIGTERM", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("a slow answer");
  REQUIRE(t.wait_for("Hello"));
  t.signal_program(SIGTERM);
  REQUIRE(t.wait_for_exit(5s));
  CHECK(t.exit_status() == 128 + SIGTERM);
  CHECK(t.terminal_is_sane());
  CHECK(t.transcript().find("[answer cancelled]") != std::string::npos);
}

TEST_CASE("tty: keys typed during an answer are not mixed into it and wait at the next prompt", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:150"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("first");
  REQUIRE(t.wait_for("Hello"));
  t.type("typed ahead");
  REQUIRE(t.wait_for("You said: first"));
  REQUIRE(t.wait_for("> typed ahead"));
  CHECK(t.transcript().find("Hello from the fake provider. You said: first\n> typed ahead") != std::string::npos);
  t.press("Enter");
  REQUIRE(t.wait_for("You said: typed ahead"));
  CHECK(p.chat_bodies().size() == 2);
}

TEST_CASE("tty: Ctrl-C on a line drops it, twice at an empty prompt leaves", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type("never sent");
  REQUIRE(t.wait_for("> never sent"));
  t.press("C-c");
  REQUIRE(t.wait_for("> never sent^C"));
  t.press("C-c");
  REQUIRE(t.wait_for("press Ctrl-C again to leave"));
  CHECK_FALSE(t.exit_status().has_value());
  t.press("C-c");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("tty: SIGTERM at the prompt ends qwen by SIGTERM with the terminal sane", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type("half typed");  // libedit has the terminal in raw mode now
  REQUIRE(t.wait_for("> half typed"));
  t.signal_program(SIGTERM);
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 128 + SIGTERM);
  CHECK(t.terminal_is_sane());
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("tty: a trailing backslash continues the message, a paste is sent whole", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("first line\\");
  REQUIRE(t.wait_for("\n."));  // the continuation prompt
  t.type_line("second line");
  REQUIRE(t.wait_for("You said: first line\nsecond line"));
  REQUIRE(t.wait_for(kPrompt, 5s, 2));
  // Several lines in one write, as a terminal delivers a paste.
  t.type("pasted one\rpasted two\rpasted three\r");
  REQUIRE(t.wait_for("You said: pasted one\npasted two\npasted three"));
  INFO(t.transcript());
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[0]["messages"][0]["content"] == "first line\nsecond line");
  CHECK(bodies[1]["messages"].back()["content"] == "pasted one\npasted two\npasted three");
}

TEST_CASE("tty: UTF-8 is typed, edited and sent as typed", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type("h\u00e9llo \u4f60\u597dX");
  t.press("BSpace");  // one key removes one character, not one byte
  t.press("Enter");
  REQUIRE(t.wait_for("You said: h\u00e9llo \u4f60\u597d"));
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0]["messages"][0]["content"] == "h\u00e9llo \u4f60\u597d");
}

TEST_CASE("tty: the history is saved in the qwen home and recalled with Up in the next run", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  {
    TerminalSession t(qwen_terminal(home, {}, key_env(p)));
    REQUIRE(t.wait_for("Signed in with"));
    t.type_line("remember this question");
    REQUIRE(t.wait_for("You said: remember this question"));
    REQUIRE(t.wait_for(kPrompt, 5s, 2));
    t.press("C-d");
    REQUIRE(t.wait_for_exit());
  }
  const auto file = home.path() / ".qwen" / "tty_history";
  REQUIRE(std::filesystem::exists(file));
  CHECK(read_file(file).find("remember\\040this\\040question") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // what the user typed is theirs alone

  TerminalSession again(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(again.wait_for("Signed in with"));
  again.press("Up");
  REQUIRE(again.wait_for("> remember this question"));
  again.press("C-c");
  REQUIRE(again.wait_for("> remember this question^C"));
  // Ctrl-R searches the history backwards, as in a shell.
  again.press("C-r");
  again.type("this q");
  REQUIRE(again.wait_for("bck:this q"));
  again.press("Enter");
  REQUIRE(again.wait_for("You said: remember this question"));
  CHECK(p.chat_bodies().size() == 2);
}

TEST_CASE("tty: slash commands complete with Tab and reach the session", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type("/");
  t.press("Tab");  // several commands match: they are listed, and the line is shown again
  REQUIRE(t.wait_for("/help  /auth  /model  /clear  /stats  /copy  /quit  /exit"));
  t.press("C-c");
  t.type("/he");
  t.press("Tab");
  REQUIRE(t.wait_for("> /help"));
  t.press("Enter");
  REQUIRE(t.wait_for("Commands (Tab completes them):"));
  CHECK(t.transcript().find("  /stats") != std::string::npos);

  t.type("/mo");
  t.press("Tab");
  t.type("other-model");
  t.press("Enter");
  REQUIRE(t.wait_for("Model set to other-model for this session."));
  t.type_line("/model");
  REQUIRE(t.wait_for("Model: other-model"));

  t.type_line("a question");
  REQUIRE(t.wait_for("You said: a question"));
  t.type("/auth o");
  t.press("Tab");
  REQUIRE(t.wait_for("> /auth openai"));
  t.press("C-c");

  t.type_line("/stats");
  REQUIRE(t.wait_for("This session:"));
  REQUIRE(t.wait_for("  requests   1"));
  REQUIRE(t.wait_for("Sign-in:     OpenAI-compatible API key (openai)"));
  t.type_line("/nonsense");
  REQUIRE(t.wait_for("Unknown command /nonsense (type /help for the list)."));

  t.type_line("/clear");
  REQUIRE(t.wait_for("Conversation cleared."));
  CHECK(t.screen().find("You said: a question") == std::string::npos);  // the screen was cleared
  t.type_line("after clearing");
  REQUIRE(t.wait_for("You said: after clearing"));
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[0]["model"] == "other-model");
  CHECK(bodies[1]["messages"].size() == 1);  // /clear forgot the first turn
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
}

TEST_CASE("tty: /model lists the method's models and Tab completes their names", "[tty][terminal][models]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type("/model fa");
  t.press("Tab");  // the fake provider's GET /v1/models has one model: completed whole
  REQUIRE(t.wait_for("> /model fake-model"));
  t.press("Enter");
  REQUIRE(t.wait_for("Model set to fake-model for this session."));
  t.type_line("/model");
  REQUIRE(t.wait_for("Models (/model NAME uses one; Tab completes):"));
  REQUIRE(t.wait_for("  * fake-model"));
  // The list was read once for this method: Tab and /model did not ask the server each time.
  CHECK(p.logged_requests("/v1/models").size() == 1);
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
}
