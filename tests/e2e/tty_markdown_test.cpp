// Answers rendered from their Markdown in the tty front-end, in a real
// pseudo-terminal (tmux) against the fake provider: each element laid out on
// the screen, colour only where wanted (none with NO_COLOR), the model's
// escape sequences shown and never run, a resize during an answer, the
// spinner before a slow first token and a retry in its line, /copy through
// OSC 52; and the same answer through -p and --output-format text byte for
// byte as the server sent it.
#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-tty-markdown-key-4242";

std::map<std::string, std::string> key_env(const FakeProvider &p, std::map<std::string, std::string> more = {}) {
  more["OPENAI_API_KEY"] = kKey;
  more["OPENAI_BASE_URL"] = p.base_url();
  return more;
}

// One of each element the renderer knows.
const std::string kAnswer =
    "# Release notes\n"
    "\n"
    "Some *emphasis*, **strong** and `inline code`. See [the guide](https://example.com/guide).\n"
    "\n"
    "- first item\n"
    "- second item\n"
    "\n"
    "> a quoted line\n"
    "\n"
    "```python\n"
    "print(\"hi\")\n"
    "```\n"
    "\n"
    "| Name | Qty |\n"
    "|:-----|----:|\n"
    "| apple | 3 |\n"
    "| kiwi | 12 |\n"
    "\n"
    "Done.\n";

// Escape sequences from the model in text, a code block and a link URL: setting the title, clearing the
// screen, colouring, writing the clipboard.
const std::string kHostile =
    "Hostile \x1b[31mred\x1b[0m text\n"
    "\n"
    "```sh\n"
    "echo \x1b[2J\x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07\n"
    "```\n"
    "\n"
    "[x](<http://a.example/\x1b[32m>) end\n";

std::vector<std::string> lines(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool has_line(const std::string &screen, const std::string &line) {
  for (const auto &l : lines(screen))
    if (l == line) return true;
  return false;
}

}  // namespace

TEST_CASE("tty markdown: each element of an answer is rendered on the screen", "[tty][terminal][markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", kAnswer});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("notes please");
  REQUIRE(t.wait_for("Done."));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  const std::string screen = t.screen();
  INFO(screen);
  CHECK(has_line(screen, "Release notes"));  // the heading without its '#'
  CHECK(screen.find("# Release") == std::string::npos);
  CHECK(has_line(screen, "Some emphasis, strong and inline code. See the guide (https://example.com/guide)."));
  CHECK(has_line(screen, "• first item"));
  CHECK(has_line(screen, "• second item"));
  CHECK(has_line(screen, "│ a quoted line"));
  CHECK(has_line(screen, "── python ──"));  // the code block's language tag
  CHECK(has_line(screen, "  print(\"hi\")"));
  CHECK(screen.find("```") == std::string::npos);
  CHECK(has_line(screen, "Name  │ Qty"));  // the table's columns aligned, Qty to the right
  CHECK(has_line(screen, "apple │   3"));
  CHECK(has_line(screen, "kiwi  │  12"));
  // On a terminal that wants colour, attributes: the heading bold, the inline code coloured.
  const std::string attributes = t.screen_with_attributes();
  CHECK(attributes.find("\x1b[1m") != std::string::npos);
  CHECK(attributes.find("\x1b[36m") != std::string::npos);
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.terminal_is_sane());
}

TEST_CASE("tty markdown: with NO_COLOR (any value) no attributes, and the model's escapes are shown, not run",
          "[tty][terminal][markdown]") {
  for (const std::string no_colour : {"1", ""}) {
    FakeProvider p({"--api-key", kKey, "--reply", kAnswer + "\n" + kHostile});
    TempDir home;
    TerminalSession t(qwen_terminal(home, {}, key_env(p, {{"NO_COLOR", no_colour}})));
    REQUIRE(t.wait_for("Signed in with"));
    t.type_line("notes please");
    REQUIRE(t.wait_for(" end"));
    REQUIRE(t.wait_for("\n>", 5s, 2));
    const std::string attributes = t.screen_with_attributes();
    INFO(attributes);
    CHECK(attributes.find('\x1b') == std::string::npos);  // nothing coloured: neither ours nor the model's
    const std::string screen = t.screen();
    CHECK(has_line(screen, "Release notes"));
    CHECK(has_line(screen, "═════════════"));  // without colour the heading is underlined instead
    CHECK(screen.find("Hostile ^[[31mred^[[0m text") != std::string::npos);
    CHECK(screen.find("echo ^[[2J^[]0;pwned^G ^[]52;c;ZXZpbA==^G") != std::string::npos);
    CHECK(screen.find("http://a.example/^[[32m") != std::string::npos);
    CHECK(t.clipboard().find("evil") == std::string::npos);
    t.type_line("/quit");
    REQUIRE(t.wait_for_exit());
  }
}

TEST_CASE("tty markdown: a python block has syntax colours on a colour terminal, its text and escapes shown",
          "[tty][terminal][markdown]") {
  const std::string answer =
      "Here:\n"
      "\n"
      "```python\n"
      "def greet(name):\n"
      "    return \"hi \x1b]52;c;ZXZpbA==\x07\x1b[2J\" + name  # \xc2\x9b" "31m\n"
      "```\n"
      "\n"
      "Bye.\n";
  FakeProvider p({"--api-key", kKey, "--reply", answer});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("code please");
  REQUIRE(t.wait_for("Bye."));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  const std::string screen = t.screen();
  INFO(screen);
  CHECK(has_line(screen, "── python ──"));
  CHECK(has_line(screen, "  def greet(name):"));  // the text intact, at the block's indent
  CHECK(has_line(screen, "      return \"hi ^[]52;c;ZXZpbA==^G^[[2J\" + name  # \\u009b31m"));
  CHECK(t.clipboard().find("ZXZpbA") == std::string::npos);  // the model's OSC 52 was not run
  // The keyword line in colours of its own (tmux says them again in its own SGR): 'def' blue, not the one
  // code colour (cyan) a block without a language gets.
  std::string keyword_row;
  for (const auto &row : lines(t.screen_with_attributes()))
    if (row.find("greet") != std::string::npos) keyword_row = row;
  INFO(keyword_row);
  CHECK(keyword_row.find("34mdef") != std::string::npos);
  CHECK(keyword_row.find("\x1b[36m") == std::string::npos);
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.terminal_is_sane());
}

TEST_CASE("tty markdown: -p and --output-format text keep the answer byte for byte", "[markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", kAnswer + "\n" + kHostile});
  TempDir home;
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"-p", "q"}, std::vector<std::string>{"-p", "q", "--output-format", "text"}}) {
    auto r = run_qwen(home, args, with_env(key_env(p)));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == kAnswer + "\n" + kHostile);
  }
}

TEST_CASE("tty markdown: after a resize during an answer the rest is wrapped at the new width",
          "[tty][terminal][markdown]") {
  std::string answer, last;
  for (int paragraph = 0; paragraph < 4; ++paragraph) {
    std::string words;
    for (int w = 0; w < 24; ++w) words += "p" + std::to_string(paragraph) + "word" + std::to_string(w) + " ";
    words.pop_back();
    answer += words + "\n\n";
    last = words;
  }
  answer += "End.";
  FakeProvider p({"--api-key", kKey, "--reply", answer, "--fault", "slow:15"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("long one");
  REQUIRE(t.wait_for("p0word3 "));
  t.resize(50, 40);
  REQUIRE(t.wait_for("End."));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  const auto rows = lines(t.screen());
  INFO(t.screen());
  // The last paragraph: on lines no wider than 50 columns, each word whole, in order.
  std::string joined;
  bool in_last = false;
  for (const auto &row : rows) {
    if (row.rfind("p3word0 ", 0) == 0) in_last = true;
    if (!in_last) continue;
    if (row.empty()) break;
    CHECK(row.size() <= 50);
    joined += (joined.empty() ? "" : " ") + row;
  }
  CHECK(joined == last);
  // Shown once: the raw tail was replaced, not left above the rendered paragraph.
  CHECK(TerminalSession::count(t.transcript(), "p3word0 ") == 1);
}

TEST_CASE("tty markdown: a spinner with the seconds waits for a slow first token, and is gone after it",
          "[tty][terminal][markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", "Done now.", "--fault", "slow:1500"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("slowly");
  REQUIRE(t.wait_for("(Ctrl-C cancels)", 5s));
  CHECK(t.screen().find("waiting for the answer, ") != std::string::npos);
  REQUIRE(t.wait_for("Done now.", 20s));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  INFO(t.screen());
  CHECK(t.screen().find("Ctrl-C cancels") == std::string::npos);
  CHECK(t.screen().find("waiting for the answer") == std::string::npos);
}

TEST_CASE("tty markdown: a rate-limited request says so in the spinner's line, then the answer replaces it",
          "[tty][terminal][markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", "After the wait.", "--fault", "429:2"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("hello");
  REQUIRE(t.wait_for("rate limited, retrying in 2 s", 5s));
  REQUIRE(t.wait_for("After the wait.", 10s));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  INFO(t.screen());
  CHECK(t.screen().find("rate limited") == std::string::npos);
}

TEST_CASE("tty markdown: no spinner when the output is not a terminal", "[markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", "# Piped\n\nanswer", "--fault", "slow:300"});
  TempDir home;
  QwenRunOptions o = with_env(key_env(p));
  o.stdin_text = "question\n";
  auto r = run_qwen(home, {"--frontend", "tty"}, o);
  INFO(r.out);
  CHECK(r.out.find("Ctrl-C cancels") == std::string::npos);
  CHECK(r.out.find("# Piped\n\nanswer") != std::string::npos);  // raw, as the model wrote it
}

TEST_CASE("tty markdown: /copy puts the raw answer on the clipboard with OSC 52, /copy code its code block",
          "[tty][terminal][markdown]") {
  FakeProvider p({"--api-key", kKey, "--reply", kAnswer});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, key_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("/copy");
  REQUIRE(t.wait_for("Nothing to copy yet"));
  t.type_line("notes please");
  REQUIRE(t.wait_for("Done."));
  REQUIRE(t.wait_for("\n>", 5s, 3));
  t.type_line("/copy code");
  REQUIRE(t.wait_for("Copied the last code block (python, 1 line) to the clipboard."));
  CHECK(t.clipboard() == "print(\"hi\")\n");
  t.type_line("/copy");
  REQUIRE(t.wait_for("Copied the last answer ("));
  for (int i = 0; i < 50 && t.clipboard() != kAnswer; ++i) std::this_thread::sleep_for(20ms);
  CHECK(t.clipboard() == kAnswer);
}
