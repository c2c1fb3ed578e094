// The .env parser: every rule of dotenv that Qwen Code users rely on, and bad input.
#include <catch2/catch.hpp>

#include "config/dotenv.hpp"

using qwen::config::parse_dotenv;
using qwen::config::kMaxListedDotenvWarnings;

namespace {

std::string value_of(const qwen::config::DotenvParse &p, const std::string &key) {
  std::string v = "<unset>";
  for (const auto &e : p.entries)
    if (e.key == key) v = e.value;
  return v;
}

}  // namespace

TEST_CASE("plain, exported, spaced and empty assignments") {
  auto p = parse_dotenv("A=1\nexport B=two\n  C  =  three  \nD=\nE= \n");
  CHECK(p.warnings.empty());
  CHECK(value_of(p, "A") == "1");
  CHECK(value_of(p, "B") == "two");
  CHECK(value_of(p, "C") == "three");
  CHECK(value_of(p, "D").empty());
  CHECK(value_of(p, "E").empty());
}

TEST_CASE("comments: whole lines, and an unquoted # ends the value") {
  auto p =
      parse_dotenv("# a comment\n   # indented\nA=value # trailing\nB=abc#def\nC='keep # this'\nD=\"and # this\"\n");
  CHECK(p.warnings.empty());
  CHECK(value_of(p, "A") == "value");
  CHECK(value_of(p, "B") == "abc");
  CHECK(value_of(p, "C") == "keep # this");
  CHECK(value_of(p, "D") == "and # this");
  CHECK(p.entries.size() == 4);
}

TEST_CASE("single quotes and backticks are literal, double quotes expand escapes and may span lines") {
  auto p = parse_dotenv("S='a\\nb'\nT=`x\\ny`\nD=\"a\\nb\\tc \\\"q\\\" \\\\\"\nM=\"line1\nline2\"\nAFTER=ok\n");
  CHECK(p.warnings.empty());
  CHECK(value_of(p, "S") == "a\\nb");
  CHECK(value_of(p, "T") == "x\\ny");
  CHECK(value_of(p, "D") == "a\nb\tc \"q\" \\");
  CHECK(value_of(p, "M") == "line1\nline2");
  CHECK(value_of(p, "AFTER") == "ok");
  for (const auto &e : p.entries)
    if (e.key == "AFTER") CHECK(e.line == 6);
}

TEST_CASE("CRLF line ends and a UTF-8 BOM") {
  auto p = parse_dotenv("\xEF\xBB\xBFKEY=v1\r\nOTHER=\"x\"\r\nLAST=z\r");
  CHECK(p.warnings.empty());
  CHECK(value_of(p, "KEY") == "v1");
  CHECK(value_of(p, "OTHER") == "x");
  CHECK(value_of(p, "LAST") == "z");
}

TEST_CASE("a repeated key appears twice (the last wins when applied)") {
  auto p = parse_dotenv("K=1\nK=2\n");
  REQUIRE(p.entries.size() == 2);
  CHECK(p.entries[1].value == "2");
}

TEST_CASE("malformed lines are warnings with line numbers, never values, and parsing goes on") {
  auto p = parse_dotenv("GOOD=1\nthis is not an assignment\n=novalue\nBAD KEY=x\nQ=\"secret-unterminated\nNEXT=2\n");
  CHECK(value_of(p, "GOOD") == "1");
  CHECK(value_of(p, "NEXT") == "2");
  CHECK(value_of(p, "Q") == "<unset>");
  REQUIRE(p.warnings.size() == 4);
  CHECK(p.warnings[0].line == 2);
  CHECK(p.warnings[1].line == 3);
  CHECK(p.warnings[2].line == 4);
  CHECK(p.warnings[3].line == 5);
  for (const auto &w : p.warnings) CHECK(w.message.find("secret-unterminated") == std::string::npos);
}

TEST_CASE("a file of thousands of bad lines lists the first few warnings and counts the rest") {
  std::string text = "GOOD=1\n";
  for (int i = 0; i < 3000; ++i) text += "\x01\xff binary \x7f\n";
  text += "LAST=2\n";
  auto p = parse_dotenv(text);
  CHECK(value_of(p, "GOOD") == "1");
  CHECK(value_of(p, "LAST") == "2");  // parsing went on to the end
  REQUIRE(p.warnings.size() == kMaxListedDotenvWarnings + 1);
  for (size_t i = 0; i < kMaxListedDotenvWarnings; ++i) CHECK(p.warnings[i].line == static_cast<int>(i) + 2);
  CHECK(p.warnings.back().line == static_cast<int>(kMaxListedDotenvWarnings) + 2);
  CHECK(p.warnings.back().message ==
        std::to_string(3000 - kMaxListedDotenvWarnings) + " more problems from this line on are not listed (is this a "
                                                          ".env file?)");
  // Exactly the limit: nothing is left out, so no count.
  std::string five;
  for (size_t i = 0; i < kMaxListedDotenvWarnings; ++i) five += "bad line\n";
  CHECK(parse_dotenv(five).warnings.size() == kMaxListedDotenvWarnings);
}

TEST_CASE("text after a closing quote is a warning") {
  auto p = parse_dotenv("A='x' junk\n");
  CHECK(value_of(p, "A") == "x");
  CHECK(p.warnings.size() == 1);
}

TEST_CASE("keys may hold dots and dashes") {
  auto p = parse_dotenv("my.key-name_1=v\n");
  CHECK(value_of(p, "my.key-name_1") == "v");
}

TEST_CASE("hostile input: NULs, binary, huge lines, lone quotes") {
  std::string nul("A=x\0y\nB=2\n", 11);
  auto p = parse_dotenv(nul);
  CHECK(value_of(p, "B") == "2");
  std::string huge = "BIG=" + std::string(10u << 20, 'z') + "\nAFTER=1\n";
  auto h = parse_dotenv(huge);
  CHECK(value_of(h, "BIG").size() == (10u << 20));
  CHECK(value_of(h, "AFTER") == "1");
  for (const char *s : {"\"", "'", "`", "A=\"", "A='", "export", "export ", "=", "\xff\xfe\x00", "A=\"\\"}) {
    auto r = parse_dotenv(s);
    SUCCEED(r.entries.size());
  }
}
