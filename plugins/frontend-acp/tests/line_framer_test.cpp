// ACP's framing: one message per line, whatever way the bytes arrive.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "line_framer.hpp"

namespace {

struct Collected {
  std::vector<std::string> lines;
  int too_long = 0;
  acp::LineFramer framer;
  explicit Collected(std::size_t cap = acp::kMaxLineBytes)
      : framer([this](std::string &&l, bool long_line) { long_line ? ++too_long : (lines.push_back(l), 0); }, cap) {}
};

}  // namespace

TEST_CASE("framing: lines split at newline, however the bytes are cut", "[acp][framing]") {
  const std::string input = "{\"a\":1}\n{\"b\":2}\r\n\n  \n{\"c\":3}";
  for (std::size_t step = 1; step <= input.size(); ++step) {
    Collected c;
    for (std::size_t i = 0; i < input.size(); i += step)
      c.framer.feed(input.data() + i, std::min(step, input.size() - i));
    c.framer.finish();
    INFO("step " << step);
    CHECK(c.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
    CHECK(c.too_long == 0);
  }
}

TEST_CASE("framing: an over-long line is reported once and the next line is read", "[acp][framing]") {
  Collected c(16);
  std::string big(100, 'x');
  c.framer.feed(big.data(), 40);
  c.framer.feed(big.data(), 60);
  c.framer.feed("\n{\"ok\":1}\n", 10);
  CHECK(c.too_long == 1);
  CHECK(c.lines == std::vector<std::string>{"{\"ok\":1}"});
  // Exactly at the cap is still a line.
  Collected d(4);
  d.framer.feed("abcd\nabcde\nz\n", 13);
  CHECK(d.lines == std::vector<std::string>{"abcd", "z"});
  CHECK(d.too_long == 1);
}

TEST_CASE("framing: a 50 MB line costs no 50 MB buffer", "[acp][framing]") {
  Collected c;
  std::string chunk(1 << 20, 'y');
  for (int i = 0; i < 50; ++i) c.framer.feed(chunk.data(), chunk.size());
  c.framer.feed("\n{}\n", 4);
  CHECK(c.too_long == 1);
  CHECK(c.lines == std::vector<std::string>{"{}"});
}
