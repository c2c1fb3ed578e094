// Code block colours (GNU source-highlight): a known language coloured, the text and its width intact, an
// unknown language or an oversized block plain, and a stranger's control bytes shown, never sent.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include <qwen/sdk/terminal_text.hpp>

#include "code_highlight.hpp"
#include "markdown_renderer.hpp"

using namespace tty_frontend;

#include "sgr_text.hpp"

using tty_frontend::test::only_sgr;
using tty_frontend::test::strip_sgr;

namespace {

bool only_sgr_tabs(const std::string &text) { return only_sgr(text, /*tabs=*/true); }

}  // namespace

TEST_CASE("code colours: a python keyword is coloured, the text intact, one line per line", "[highlight]") {
  for (const char *tag : {"python", "py", "Python"}) {
    const auto lines = highlight_code("def f(x):\n    return x * 2", tag);
    REQUIRE(lines);
    REQUIRE(lines->size() == 2);
    CHECK((*lines)[0].find("\x1b[") != std::string::npos);
    CHECK((*lines)[0].find("def") != std::string::npos);
    CHECK((*lines)[0].find("def") > (*lines)[0].find("\x1b["));  // the keyword after an SGR
    CHECK(strip_sgr((*lines)[0]) == "def f(x):");
    CHECK(strip_sgr((*lines)[1]) == "    return x * 2");
  }
  for (const char *tag : {"cpp", "c++", "js", "sh", "bash", "json", "diff"}) {
    INFO(tag);
    const auto lines = highlight_code("if (x) { return \"a\"; } // c\n# hash", tag);
    REQUIRE(lines);
    CHECK(lines->size() == 2);
  }
}

TEST_CASE("code colours: an unknown language, no tag or a tag that is a path are plain", "[highlight]") {
  CHECK_FALSE(highlight_code("def f(x): pass", ""));
  CHECK_FALSE(highlight_code("def f(x): pass", "no-such-language"));
  CHECK_FALSE(highlight_code("def f(x): pass", "../../../../etc/passwd"));
  CHECK_FALSE(highlight_code("def f(x): pass", "python.lang"));
  CHECK_FALSE(highlight_code("plain text", "txt"));  // the library's "no highlighting"
}

TEST_CASE("code colours: a stranger's control bytes in a known language are shown, never sent", "[highlight]") {
  const std::string hostile =
      "x = \"\x1b]52;c;aGk=\x07\"  # OSC 52\n"
      "print('\x1b[2J\x1b[H')\n"
      "bell = '\x07' ; c1 = '\xc2\x9b' ; raw = '\x9b' ; bad = '\xff\xfe'\n"
      "s = \"\x1b\\\" + '\r'";
  const auto lines = highlight_code(hostile, "python");
  REQUIRE(lines);
  REQUIRE(lines->size() == 4);
  std::string all;
  for (const auto &l : *lines) all += l + "\n";
  CHECK(only_sgr_tabs(all));
  CHECK(all.find("^[]52;c;aGk=^G") != std::string::npos);
  CHECK(all.find("^[[2J^[[H") != std::string::npos);
  CHECK(all.find("\\u009b") != std::string::npos);
  CHECK(all.find("\\x9b") != std::string::npos);
  CHECK(all.find("\xff\xfe") != std::string::npos);  // not UTF-8, not a control: kept for the terminal to replace

  // Through the renderer, fenced: the same, and the rule's tag made safe too.
  const std::string out =
      render_markdown(std::string("```python\n") + hostile + "```\n```py\x1b]0;t\x07\nx\n```\n", RenderOptions{80, true});
  CHECK(only_sgr_tabs(out));
  CHECK(out.find("^[]52;c;aGk=^G") != std::string::npos);
}

TEST_CASE("code colours: a huge block or a very long line is plain (and returns)", "[highlight]") {
  std::string big;
  while (big.size() <= 300 * 1024) big += "def f(x):\n    return x * 2\n";
  CHECK_FALSE(highlight_code(big, "python"));
  CHECK_FALSE(highlight_code("x = '" + std::string(100000, 'a') + "'", "python"));
  CHECK_FALSE(highlight_code("x = '" + std::string(300, 'a') + "'\ny = 1", "python"));  // one line over 256 bytes
  CHECK_FALSE(highlight_code("x = '" + std::string(130, '\x1b') + "'", "python"));  // 136 bytes, 266 once made safe
  CHECK_FALSE(highlight_code(std::string(100000, '('), "cpp"));
  const std::string md = "```python\n" + big + "```\n";
  const std::string out = render_markdown(md, RenderOptions{80, true});
  CHECK(out.find("\x1b[36mdef f(x):\x1b[0m") != std::string::npos);  // the one code colour
  CHECK(out.find("\x1b[1;34m") == std::string::npos);
}

TEST_CASE("code colours: crafted slow code is given up within the time budget and shown plain", "[highlight]") {
  // 128 '/' on a line take the library ~13 ms in `sh`: 200 such lines would take seconds.
  std::string slow;
  for (int i = 0; i < 200; ++i) slow += std::string(128, '/') + "\n";
  slow.pop_back();
  for (int i = 0; i < 3; ++i) CHECK_FALSE(highlight_code(slow, "sh"));
  // Honest code offered earns the time back: colours again (and the tests after this one have theirs).
  std::string honest;
  while (honest.size() < 64 * 1024) honest += "def f(x):\n    return [i * 2 for i in range(x)]  # twice\n";
  honest.pop_back();
  bool again = false;
  for (int i = 0; i < 50 && !again; ++i) {
    (void)highlight_code(honest, "python");
    again = highlight_code("def f(x): pass", "python").has_value();
  }
  CHECK(again);
}

// Not run by CTest (hidden): the cost, for the record. `qwen_tty_unit_tests "[.bench]" -s`
TEST_CASE("code colours: cost per MB of python and of a language's first use", "[.bench]") {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto t0 = clock::now();
  REQUIRE(highlight_code("x = 1", "python"));
  const double first_python = ms(clock::now() - t0);
  t0 = clock::now();
  REQUIRE(highlight_code("x = 1", "cpp"));
  const double first_cpp = ms(clock::now() - t0);
  std::string block;
  while (block.size() < 100 * 1024)
    block += "def f(x, y=2):\n    \"\"\"Twice x.\"\"\"\n    # a comment\n    return [i * y for i in range(x)] + 'a'\n";
  block.pop_back();
  t0 = clock::now();
  for (int i = 0; i < 10; ++i) REQUIRE(highlight_code(block, "python"));
  const double per_mb = ms(clock::now() - t0) / (10.0 * static_cast<double>(block.size()) / (1 << 20));
  std::printf("first use: python %.1f ms, cpp %.1f ms; python: %.0f ms per MB\n", first_python, first_cpp, per_mb);

  // bench/tty_render.py's answer: ~1 MB of Markdown, a 2-line python block per section.
  std::string answer;
  for (int n = 0; answer.size() < (1u << 20); ++n) {
    const std::string k = std::to_string(n);
    answer += "## Section " + k + "\n\nA paragraph with *emphasis*, **strong text**, `inline code` and [a link]"
              "(https://example.com/" + k + "). It goes on for a while so that it has to be wrapped at the terminal's "
              "width, like a model's answer usually does when it explains something at length.\n\n- first point of " +
              k + "\n- second point, with `code`\n  - a nested point\n\n> a quoted remark\n\n```python\ndef f" + k +
              "(x):\n    return x * " + k + "\n```\n\n| name | value |\n|:-----|------:|\n| alpha | " + k +
              " |\n| beta | 42 |\n\n";
  }
  std::string untagged = answer;
  for (size_t at = 0; (at = untagged.find("```python", at)) != std::string::npos;) untagged.replace(at, 9, "```");
  t0 = clock::now();
  const std::string coloured = render_markdown(answer, RenderOptions{120, true});
  const double with = ms(clock::now() - t0);
  t0 = clock::now();
  const std::string one_colour = render_markdown(untagged, RenderOptions{120, true});
  const double without = ms(clock::now() - t0);
  std::printf("bench answer (%zu bytes) rendered in one piece: %.0f ms with code colours, %.0f ms without\n",
              answer.size(), with, without);
}
