// The streamed rendering: the first token is written at once (raw, made
// safe), a block is rendered when it completes (a code block at its closing
// fence, a table at its end), a tail too tall to erase stays raw, and a
// resize changes the width of the blocks that follow.
#include <catch2/catch.hpp>

#include "markdown_stream.hpp"

using namespace tty_frontend;

namespace {

ScreenSize fixed() { return {60, 40}; }

size_t count(const std::string &s, const std::string &needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("markdown stream: the first token is written at once, made safe", "[markdown]") {
  MarkdownStream m(false, fixed);
  CHECK(m.feed("Hel") == "Hel");
  CHECK(m.feed("lo \x1b]0;x\x07") == "lo ^[]0;x^G");
  const std::string rest = m.finish();
  CHECK(rest.find("Hello ^[]0;x^G\n") != std::string::npos);  // rendered in its place
  CHECK(m.raw() == "Hello \x1b]0;x\x07");
}

TEST_CASE("markdown stream: a code block is rendered at its closing fence, not before", "[markdown]") {
  MarkdownStream m(false, fixed);
  std::string out;
  const std::string answer = "Intro line.\n\n```python\nprint(1)\n\nprint(2)\n```\nAfter.\n";
  size_t fence_end = answer.find("```\n", 12) + 4;
  for (size_t i = 0; i < answer.size(); ++i) {
    out += m.feed(answer.substr(i, 1));
    if (i + 1 < fence_end) {
      CHECK(out.find("── python ──") == std::string::npos);
    }
    if (i + 1 == fence_end) CHECK(out.find("── python ──\n  print(1)\n  \n  print(2)\n") != std::string::npos);
  }
  out += m.finish();
  CHECK(out.find("Intro line.\n") != std::string::npos);
  CHECK(out.back() == '\n');
  CHECK(m.raw() == answer);
}

TEST_CASE("markdown stream: a table is aligned once it has arrived whole", "[markdown]") {
  MarkdownStream m(false, fixed);
  std::string out = m.feed("| a | b |\n|---|---|\n| long cell | x |\n");
  CHECK(out.find("│") == std::string::npos);  // still raw: more rows may come
  out += m.feed("| y | z |\n\nNext");
  CHECK(out.find("long cell │ x\n") != std::string::npos);
  CHECK(out.find("y         │ z\n") != std::string::npos);
}

TEST_CASE("markdown stream: the raw tail is erased by its rows before the block replaces it", "[markdown]") {
  MarkdownStream m(false, [] { return ScreenSize{10, 40}; });
  std::string out = m.feed("aaaaaaaaaaaaaaa\nbb\n");  // 15 columns: 2 rows, then 1 row, the cursor on the 4th
  out = m.feed("\nc");
  CHECK(out.rfind("\r\x1b[3A\x1b[J", 0) == 0);
  CHECK(count(out, "\x1b[J") == 1);
}

TEST_CASE("markdown stream: a tail taller than the screen stays raw instead of being shown twice", "[markdown]") {
  MarkdownStream m(false, [] { return ScreenSize{40, 5}; });
  std::string out;
  for (int i = 0; i < 8; ++i) out += m.feed("line " + std::to_string(i) + " of a long paragraph\n");
  out += m.feed("\n# Next\n");
  out += m.finish();
  CHECK(count(out, "line 0 of a long paragraph") == 1);
  CHECK(out.find("Next\n") != std::string::npos);
}

TEST_CASE("markdown stream: after a resize the next blocks are laid out at the new width", "[markdown]") {
  int columns = 80;
  MarkdownStream m(false, [&columns] { return ScreenSize{columns, 40}; });
  std::string words;
  for (int i = 0; i < 30; ++i) words += "word" + std::to_string(i) + " ";
  std::string out = m.feed(words + "\n\n");
  columns = 30;
  out = m.feed(words + "\n\nx");
  // The second paragraph, rendered in place of its raw tail once "x" showed it complete.
  const size_t start = out.rfind("\x1b[J");
  REQUIRE(start != std::string::npos);
  std::string rendered = out.substr(start + 4, out.size() - 1 - (start + 4));
  CHECK(rendered.rfind("word0 word1", 0) == 0);
  CHECK(rendered.find("word29\n") != std::string::npos);
  size_t line_start = 0;
  while (line_start < rendered.size()) {
    size_t nl = rendered.find('\n', line_start);
    if (nl == std::string::npos) nl = rendered.size();
    CHECK(nl - line_start <= 30);
    line_start = nl + 1;
  }
}

TEST_CASE("markdown stream: a code block inside a list item does not end the item", "[markdown]") {
  // The closing fence of a block of its own completes it; inside a list item, text of the same item follows.
  MarkdownStream m(false, fixed);
  const std::string answer = "1. a\n\n   ```sh\n   echo\n\n   echo again\n   ```\n   after the code, same item\n2. b\n\nEnd.\n";
  std::string out;
  for (size_t i = 0; i < answer.size(); ++i) out += m.feed(answer.substr(i, 1));
  out += m.finish();
  // The list is rendered once, whole: the item's text keeps its indent and the second item its number.
  CHECK(count(out, "── sh ──") == 1);
  CHECK(out.find("\n   after the code, same item\n2. b\n") != std::string::npos);
  CHECK(out.find("\nafter the code") == std::string::npos);
  CHECK(out.find("     echo again\n") != std::string::npos);
}
