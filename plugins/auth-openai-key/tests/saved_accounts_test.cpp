// openai_accounts.json: the base URL and model each account's sign-in kept.
#include <catch2/catch.hpp>

#include "saved_accounts.hpp"

using namespace openai_key;

TEST_CASE("saved accounts: written and read back, the default account under \"default\"") {
  SavedAccounts a{{saved_account_name(""), {"https://a.example/v1", "m1"}}, {"work", {"http://127.0.0.1:9/v1", ""}}};
  auto back = parse_saved_accounts(format_saved_accounts(a));
  REQUIRE(back);
  CHECK(back->size() == 2);
  CHECK(back->at("default").base_url == "https://a.example/v1");
  CHECK(back->at("default").model == "m1");
  CHECK(back->at("work").model.empty());
  CHECK(format_saved_accounts(a).find("api_key") == std::string::npos);
}

TEST_CASE("saved accounts: hostile or damaged text is refused or skipped, never half-read") {
  CHECK_FALSE(parse_saved_accounts("[1,2]"));
  CHECK_FALSE(parse_saved_accounts("{\"default\": {\"base_url\": "));
  auto odd = parse_saved_accounts(R"({"default": "x", "work": {"base_url": 5, "model": "m"}, "x": {}})");
  REQUIRE(odd);
  CHECK(odd->size() == 1);
  CHECK(odd->at("work").base_url.empty());
  CHECK(odd->at("work").model == "m");
}
