// Tab completion and line continuation, without a terminal.
#include <catch2/catch.hpp>

#include "line_editor.hpp"
#include "slash_commands.hpp"

using namespace tty_frontend;

TEST_CASE("a unique match completes the word and adds a space", "[tty]") {
  auto c = complete_word("/mo", slash_completions("/mo", {}));
  CHECK(c.unique);
  CHECK(c.insert == "del");
}

TEST_CASE("several matches complete their common part and are listed", "[tty]") {
  auto c = complete_word("/auth q", {"qwen-oauth", "qwen-other", "openai"});
  CHECK_FALSE(c.unique);
  CHECK(c.insert == "wen-o");
  CHECK(c.matches == std::vector<std::string>{"qwen-oauth", "qwen-other"});
}

TEST_CASE("method ids complete after /auth, nothing after other commands or in plain text", "[tty]") {
  CHECK(slash_completions("/auth ", {"openai"}) == std::vector<std::string>{"openai"});
  CHECK(slash_completions("/auth openai ", {"openai"}).empty());
  CHECK(slash_completions("/model ", {"openai"}).empty());
  CHECK(slash_completions("/model ", {"openai"}, {"fake-model", "qwen-max"}) ==
        std::vector<std::string>{"fake-model", "qwen-max"});
  CHECK(slash_completions("/model fake-model ", {}, {"fake-model"}).empty());
  CHECK(slash_completions("/auth ", {"openai"}, {"fake-model"}) == std::vector<std::string>{"openai"});
  CHECK(slash_completions("hello /", {"openai"}).empty());
  auto names = slash_completions("/", {});
  CHECK(std::find(names.begin(), names.end(), "/stats") != names.end());
}

TEST_CASE("no match completes nothing", "[tty]") {
  auto c = complete_word("/zz", slash_completions("/zz", {}));
  CHECK(c.matches.empty());
  CHECK(c.insert.empty());
}

TEST_CASE("an odd number of trailing backslashes continues the message", "[tty]") {
  CHECK(continues_on_next_line("first line \\"));
  CHECK_FALSE(continues_on_next_line("a literal \\\\"));
  CHECK_FALSE(continues_on_next_line("plain"));
  CHECK_FALSE(continues_on_next_line(""));
}
