// Parsing slash commands and the /stats screen.
#include <catch2/catch.hpp>

#include "answer_view.hpp"
#include "slash_commands.hpp"
#include "ui_requests.hpp"

using namespace tty_frontend;

TEST_CASE("slash commands parse into a name and an argument, other text is a question", "[tty]") {
  auto c = parse_slash_command("  /model   qwen3-coder-plus  ");
  REQUIRE(c.has_value());
  CHECK(c->name == "model");
  CHECK(c->arg == "qwen3-coder-plus");
  CHECK(parse_slash_command("/quit")->arg.empty());
  CHECK_FALSE(parse_slash_command("what does /model do?").has_value());
  CHECK_FALSE(parse_slash_command("/").has_value());
  CHECK_FALSE(parse_slash_command("//comment").has_value());
}

TEST_CASE("/stats shows tokens, requests and the day's Qwen OAuth count", "[tty]") {
  std::string s = format_stats({{"turns", "2"},
                                {"requests", "3"},
                                {"prompt_tokens", "20"},
                                {"completion_tokens", "10"},
                                {"total_tokens", "30"},
                                {"auth.method", "qwen-oauth"},
                                {"auth.name", "Qwen OAuth"},
                                {"auth.requests_today", "3 of 2,000 today (UTC)"}});
  CHECK(s.find("requests   3\n") != std::string::npos);
  CHECK(s.find("tokens     30 (prompt 20, completion 10)\n") != std::string::npos);
  CHECK(s.find("Sign-in:     Qwen OAuth (qwen-oauth)\n") != std::string::npos);
  CHECK(s.find("Qwen OAuth requests: 3 of 2,000 today (UTC)\n") != std::string::npos);
  CHECK(format_stats({{"auth.method", "openai"}}).find("Qwen OAuth requests") == std::string::npos);
}

TEST_CASE("/help lists every command", "[tty]") {
  std::string h = help_text();
  for (const char *name : {"/help", "/auth", "/model", "/clear", "/stats", "/quit"})
    CHECK(h.find(std::string("  ") + name) != std::string::npos);
}

TEST_CASE("failed turns say what to do next", "[tty]") {
  CHECK(describe_failure(QWEN_ERR_CANCELLED, "cancelled") == "[answer cancelled]");
  CHECK(describe_failure(QWEN_ERR_AUTH_REQUIRED, "no key").find("/auth") != std::string::npos);
  CHECK(describe_failure(QWEN_ERR_NETWORK, "down") == "error: down");
}

TEST_CASE("the device-code text has the URL, the code and the expiry", "[tty]") {
  std::string t = format_device_code("", "http://h/authorize?user_code=AB-CD", "AB-CD", 300);
  CHECK(t.find("  http://h/authorize?user_code=AB-CD\n") != std::string::npos);
  CHECK(t.find("  Code: AB-CD\n") != std::string::npos);
  CHECK(t.find("expires in 5 min)") != std::string::npos);
  // Under a minute in seconds, not "1 min" for 10 s.
  CHECK(format_device_code("", "http://h/", "AB-CD", 45).find("expires in 45 s)") != std::string::npos);
  CHECK(format_device_code("", "http://h/", "AB-CD", 90).find("expires in 1 min 30 s)") != std::string::npos);
}
