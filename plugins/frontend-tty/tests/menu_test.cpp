// The numbered choice: numbers, ids, the default, and refused items.
#include <catch2/catch.hpp>

#include "menu.hpp"
#include "session_client.hpp"
#include "sign_in.hpp"

using namespace tty_frontend;

namespace {
std::vector<MenuItem> items() {
  return {{"qwen-oauth", "Qwen OAuth", "(recommended)", true, ""},
          {"openai", "OpenAI-compatible API key", "", true, ""},
          {"gone", "Gone", "(unavailable: ended)", false, ""}};
}
}  // namespace

TEST_CASE("an answer picks by number, by id, or the default when empty", "[tty]") {
  CHECK(pick_menu_item("2", items(), "qwen-oauth") == std::optional<std::string>("openai"));
  CHECK(pick_menu_item(" openai ", items(), "qwen-oauth") == std::optional<std::string>("openai"));
  CHECK(pick_menu_item("", items(), "qwen-oauth") == std::optional<std::string>("qwen-oauth"));
  CHECK_FALSE(pick_menu_item("", items(), "").has_value());
  CHECK_FALSE(pick_menu_item("4", items(), "qwen-oauth").has_value());
  CHECK_FALSE(pick_menu_item("0", items(), "qwen-oauth").has_value());
  CHECK_FALSE(pick_menu_item("nosuch", items(), "qwen-oauth").has_value());
  CHECK_FALSE(pick_menu_item("3", items(), "qwen-oauth").has_value());  // listed, but unavailable
}

TEST_CASE("the menu lists every item with its number and one marker per fact, the default named by the question",
          "[tty]") {
  std::string text = format_menu("How do you want to sign in?", items());
  CHECK(text.find("  1. Qwen OAuth  (recommended)\n") != std::string::npos);
  CHECK(text.find("[default]") == std::string::npos);
  CHECK(text.find("  2. OpenAI-compatible API key\n") != std::string::npos);
  CHECK(text.find("  3. Gone  (unavailable: ended)\n") != std::string::npos);
}

TEST_CASE("auth.list answers become methods, Qwen OAuth listed first", "[tty]") {
  auto methods = parse_auth_list({{"openai", "OpenAI-compatible API key\tselected\tavailable"},
                                  {"other", "Other\t\tunavailable: the service ended"},
                                  {"qwen-oauth", "Qwen OAuth\t\tavailable"}});
  REQUIRE(methods.size() == 3);
  CHECK(methods[0].selected);
  CHECK_FALSE(methods[1].available);
  CHECK(methods[1].unavailable_reason == "the service ended");
  auto menu = sign_in_menu(methods);
  REQUIRE(menu.size() == 3);
  CHECK(menu[0].id == "qwen-oauth");
  CHECK(menu[0].note == "(recommended)");
  CHECK(menu[1].note == "(current)");
  CHECK_FALSE(menu[2].enabled);
}

TEST_CASE("a method's description from auth.list is shown in the sign-in choice, and a 1.1 host's three fields still parse",
          "[tty]") {
  auto methods = parse_auth_list({{"acme", "Acme Cloud\t\tavailable\tAcme's client credentials"},
                                  {"openai", "OpenAI-compatible API key\tselected\tavailable"}});
  REQUIRE(methods.size() == 2);
  CHECK(methods[0].description == "Acme's client credentials");
  CHECK(methods[1].description.empty());
  CHECK(methods[1].selected);
  auto menu = sign_in_menu(methods);
  REQUIRE(menu.size() == 2);
  CHECK(menu[0].label == "Acme Cloud");
  CHECK(menu[0].detail == "Acme's client credentials");
  const std::string text = format_menu("Sign-in methods:", menu);
  CHECK(text.find("  1. Acme Cloud\n     Acme's client credentials\n  2. OpenAI-compatible API key  (current)\n") !=
        std::string::npos);
  // A description is a plugin's text: an escape sequence in it is shown, not obeyed.
  CHECK(format_menu("t", {{"x", "X", "", true, "red\x1b[31m"}}).find("\x1b") == std::string::npos);
  // A method the environment configures says it needs nothing more.
  methods[1].ready = true;
  CHECK(sign_in_menu(methods)[1].note == "(current) (ready: set in the environment)");
}

TEST_CASE("auth.accounts answers become logins: active and signed in read from their own fields", "[tty]") {
  auto logins = parse_auth_accounts({{"default", "yes\tno"}, {"work", "no\tyes"}, {"odd", "maybe"}});
  REQUIRE(logins.size() == 3);
  CHECK(logins[0].name == "default");
  CHECK(logins[0].active);
  CHECK_FALSE(logins[0].signed_in);
  CHECK_FALSE(logins[1].active);
  CHECK(logins[1].signed_in);
  CHECK_FALSE(logins[2].active);  // a value that is not the host's shape is neither
  CHECK_FALSE(logins[2].signed_in);
}
