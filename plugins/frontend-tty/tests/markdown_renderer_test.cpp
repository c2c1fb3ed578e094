// The Markdown renderer: each element laid out, wrapping at the width, and
// the model's control characters never reaching the terminal (in text, code
// blocks, link URLs, entities), with and without colour.
#include <catch2/catch.hpp>

#include <clocale>
#include <sstream>
#include <vector>

#include "markdown_renderer.hpp"

using namespace tty_frontend;

#include "sgr_text.hpp"

using tty_frontend::test::only_sgr;
using tty_frontend::test::strip_sgr;

namespace {

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const RenderOptions kPlain{60, false};
const RenderOptions kColour{60, true};

}  // namespace

TEST_CASE("markdown: a heading is shown without its '#', bold on a colour terminal", "[markdown]") {
  const std::string plain = render_markdown("# Title here\n\nbody\n", kPlain);
  CHECK(plain.find('#') == std::string::npos);
  CHECK(lines_of(plain)[0] == "Title here");
  CHECK(lines_of(plain)[1] == "══════════");  // without colour a heading is underlined
  const std::string colour = render_markdown("## Sub\n", kColour);
  CHECK(colour.find("\x1b[1;") != std::string::npos);
  CHECK(colour.find('#') == std::string::npos);
}

TEST_CASE("markdown: a fenced code block is set apart under its language tag, its lines as written", "[markdown]") {
  const std::string out = render_markdown("Look:\n\n```python\ndef f(x):\n    return  x * 2\n```\n", kPlain);
  const auto lines = lines_of(out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "Look:");
  CHECK(lines[1].empty());
  CHECK(lines[2] == "── python ──");
  CHECK(lines[3] == "  def f(x):");
  CHECK(lines[4] == "      return  x * 2");  // blanks inside code are kept
  CHECK(render_markdown("```\nx\n```\n", kPlain).find("── code ──") != std::string::npos);
}

TEST_CASE("markdown: a fenced block in a known language has syntax colours, its lines and widths unchanged",
          "[markdown]") {
  const std::string code = "import os\n\ndef f(x):\n    # twice x\n\treturn x * 2  \"\"\"doc\"\"\" \u00e9\u4e2d\n";
  const std::string md = "Look:\n\n```python\n" + code + "```\n";
  const std::string plain = render_markdown(md, kPlain);
  CHECK(plain.find('\x1b') == std::string::npos);  // colour off: no attributes at all
  const std::string one_colour = render_markdown("```\n" + code + "```\n", kColour);
  CHECK(one_colour.find("\x1b[36mdef f(x):\x1b[0m") != std::string::npos);  // no tag: the one code colour
  CHECK(render_markdown("```klingon\n" + code + "```\n", kColour).find("\x1b[36mdef f(x):\x1b[0m") !=
        std::string::npos);  // a language the library does not know: the same

  const std::string coloured = render_markdown(md, kColour);
  CHECK(coloured.find("\x1b[1;34mdef\x1b[0m") != std::string::npos);  // esc.style: a keyword blue and bold
  CHECK(coloured.find("\x1b[36m# twice x\x1b[0m") != std::string::npos);  // a comment cyan
  // The plain rendering's lines (the rule, the two-space indent, the code), each as wide.
  const auto c = lines_of(coloured), p = lines_of(plain);
  REQUIRE(c.size() == p.size());
  for (size_t i = 0; i < c.size(); ++i) {
    INFO(c[i]);
    CHECK(strip_sgr(c[i]) == p[i]);
    CHECK(display_width(c[i]) == display_width(p[i]));
  }
}

TEST_CASE("markdown: emphasis, strong and inline code", "[markdown]") {
  const std::string colour = render_markdown("a *b* **c** `d`\n", kColour);
  CHECK(colour.find("\x1b[3mb\x1b[0m") != std::string::npos);
  CHECK(colour.find("\x1b[1mc\x1b[0m") != std::string::npos);
  CHECK(colour.find("\x1b[36md\x1b[0m") != std::string::npos);
  CHECK(render_markdown("a *b* **c** `d`\n", kPlain) == "a b c `d`\n");
}

TEST_CASE("markdown: the words of one styled phrase share one SGR, each wrapped line complete in itself",
          "[markdown]") {
  const std::string colour = render_markdown("a **strong text here** and `two words`\n", kColour);
  CHECK(colour.find("\x1b[1mstrong text here\x1b[0m") != std::string::npos);
  CHECK(colour.find("\x1b[36mtwo words\x1b[0m") != std::string::npos);
  // Wrapped between its words, the phrase is closed at the line's end and opened again on the next.
  const std::string narrow = render_markdown("**aaaa bbbb cccc dddd eeee ffff**\n", RenderOptions{12, true});
  for (const std::string &line : lines_of(narrow)) {
    INFO(line);
    CHECK(line.rfind("\x1b[1m", 0) == 0);
    CHECK(line.size() >= 4);
    CHECK(line.compare(line.size() - 4, 4, "\x1b[0m") == 0);
  }
  CHECK(display_width(narrow.substr(0, narrow.find('\n'))) <= 12);
}

TEST_CASE("markdown: a block quote after another block starts with its text, not an empty quoted line",
          "[markdown]") {
  const std::string out = render_markdown("Before.\n\n> quoted\n", kPlain);
  CHECK(out == "Before.\n\n│ quoted\n");
  const std::string nested = render_markdown("- item\n\n> first\n>\n> second\n", kPlain);
  CHECK(nested.find("\n\n│ first\n│\n│ second\n") != std::string::npos);
}

TEST_CASE("markdown: lists, nested lists, task lists and block quotes", "[markdown]") {
  const std::string out = render_markdown("- one\n- two\n  - inner\n\n3. third\n4. fourth\n\n- [x] done\n\n> quoted\n> text\n",
                                          kPlain);
  const auto lines = lines_of(out);
  CHECK(lines[0] == "• one");
  CHECK(lines[1] == "• two");
  CHECK(lines[2] == "  • inner");
  CHECK(out.find("3. third\n4. fourth\n") != std::string::npos);
  CHECK(out.find("• [x] done\n") != std::string::npos);
  CHECK(out.find("│ quoted\n│ text\n") != std::string::npos);  // the model's line ends are kept
}

TEST_CASE("markdown: a link is followed by its URL, an autolink shown once", "[markdown]") {
  CHECK(render_markdown("see [the docs](https://example.com/docs)\n", kPlain) ==
        "see the docs (https://example.com/docs)\n");
  CHECK(render_markdown("see <https://example.com/x>\n", kPlain) == "see https://example.com/x\n");
}

TEST_CASE("markdown: a table's columns are aligned, with its alignment", "[markdown]") {
  const std::string out =
      render_markdown("| Name | Qty |\n|:-----|----:|\n| apple | 3 |\n| kiwi | 12 |\n", kPlain);
  const auto lines = lines_of(out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "Name  │ Qty");
  CHECK(lines[1] == "──────┼────");
  CHECK(lines[2] == "apple │   3");
  CHECK(lines[3] == "kiwi  │  12");
}

TEST_CASE("markdown: paragraphs wrap at the width, wide characters counted as two columns", "[markdown]") {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  CHECK(display_width("日本語") == 6);
  CHECK(display_width("é") == 1);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "word" + std::to_string(i) + " 日本 ";
  for (int width : {20, 33, 80}) {
    const std::string out = render_markdown(text + "\n", RenderOptions{width, true});
    for (const auto &line : lines_of(out)) CHECK(display_width(line) <= width);
    CHECK(lines_of(out).size() > 1);
  }
  // Quoted and listed text wraps inside its prefix.
  for (const auto &line : lines_of(render_markdown("> - " + text + "\n", RenderOptions{24, false})))
    CHECK(display_width(line) <= 24);
}

TEST_CASE("markdown: hostile text never reaches the terminal raw: text, code blocks, URLs, entities", "[markdown]") {
  const std::vector<std::string> hostile = {
      "title \x1b]0;pwned\x07 here\n",
      "```sh\x1b[2J\nrm -rf \x1b[31m/\x1b]8;;http://evil\x1b\\ \x9b" "31m \xc2\x9b" "2J\n```\n",
      "[click](http://a.example/\x1b[2J) and <http://b.example/\x1b]52;c;ZXZpbA==\x07>\n",
      "[x](http://c.example/&#27;[2J \"t\x1b[1m\") &#27;[2J &#x9b;2J &#0; `\x1b[5m`\n",
      "| a\x1b[2J | b |\n|---|---|\n| \x07 | \x1b]0;x\x07 |\n",
      "<div>\x1b[2J</div>\n\n# \x1b[2Jheading\n\n> \x1b[H quote\n",
      "```python\nx = '\x1b]52;c;ZXZpbA==\x07'  # \x1b[2J \x9b" "31m \xc2\x9b" "2J \xff\n```\n",  // coloured
  };
  for (const auto &text : hostile) {
    for (const RenderOptions &o : {kPlain, kColour}) {
      const std::string out = render_markdown(text, o);
      INFO(out);
      CHECK(only_sgr(out));
      if (!o.colour) CHECK(out.find('\x1b') == std::string::npos);
    }
  }
  CHECK(render_markdown("&#27;[2J\n", kPlain) == "^[[2J\n");
}

TEST_CASE("markdown: /copy code finds the last fenced code block, as written", "[markdown]") {
  const CodeBlock none = last_code_block("no code\n\n    indented is not fenced\n");
  CHECK_FALSE(none.found);
  const CodeBlock code = last_code_block("```c\nint a;\n```\ntext\n~~~python\nprint( 1 )\nx\n~~~\nafter\n");
  CHECK(code.found);
  CHECK(code.language == "python");
  CHECK(code.text == "print( 1 )\nx\n");
}
