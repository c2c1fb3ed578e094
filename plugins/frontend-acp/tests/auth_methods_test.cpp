// authMethods come from whatever auth plugins the host found, described by the plugins themselves.
#include <catch2/catch.hpp>

#include "auth_methods.hpp"

using acp::Pairs;

namespace {

// A host with three methods: a device flow, a key that is asked for, and a third party's environment-only one.
qwen_status fake_host(const std::string &verb, const std::string &arg, Pairs *out, std::string *) {
  if (verb == "auth.list") {
    out->push_back({"openai", "OpenAI-compatible\t\tavailable\tAn API key"});
    out->push_back({"qwen-oauth", "Qwen OAuth\tselected\tavailable\tSign in with qwen.ai"});
    out->push_back({"acme", "Acme\t\tunavailable: the service ended\tAcme's login"});
    return QWEN_OK;
  }
  if (verb == "auth.describe" && arg == "openai") {
    *out = {{"name", "OpenAI-compatible"},
            {"login", "asks"},
            {"env", "OPENAI_API_KEY"},
            {"env", "OPENAI_BASE_URL"},
            {"setup_url", "https://example.test/keys"}};
    return QWEN_OK;
  }
  if (verb == "auth.describe" && arg == "qwen-oauth") {
    *out = {{"name", "Qwen OAuth"}, {"login", "browser"}};
    return QWEN_OK;
  }
  if (verb == "auth.describe" && arg == "acme") {
    *out = {{"name", "Acme"}, {"login", "none"}, {"env", "ACME_TOKEN"}};
    return QWEN_OK;
  }
  return QWEN_ERR_UNSUPPORTED;
}

}  // namespace

TEST_CASE("authMethods: agent, terminal when the client can, the environment in words", "[acp][auth]") {
  auto methods = acp::read_auth_methods(fake_host);
  REQUIRE(methods.size() == 3);
  auto with_terminal = acp::auth_methods_json(methods, true);
  CHECK(with_terminal[0]["type"] == "terminal");
  CHECK(with_terminal[0]["args"] == nlohmann::json::array({"auth", "login", "--auth-type", "openai"}));
  CHECK(with_terminal[0]["_meta"]["qwen"]["env"] == nlohmann::json::array({"OPENAI_API_KEY", "OPENAI_BASE_URL"}));
  CHECK_FALSE(with_terminal[1].contains("type"));  // agent: the schema's default
  CHECK(with_terminal[1]["name"] == "Qwen OAuth");
  CHECK(with_terminal[2]["description"].get<std::string>().find("ACME_TOKEN") != std::string::npos);
  CHECK(with_terminal[2]["description"].get<std::string>().find("the service ended") != std::string::npos);
  auto without = acp::auth_methods_json(methods, false);
  CHECK_FALSE(without[0].contains("type"));
  CHECK(without[0]["description"].get<std::string>().find("Set OPENAI_API_KEY") != std::string::npos);
  CHECK(without[0]["description"].get<std::string>().find("https://example.test/keys") != std::string::npos);
}

TEST_CASE("authMethods: a host that cannot list methods gives none, not a made-up list", "[acp][auth]") {
  auto none = acp::read_auth_methods(
      [](const std::string &, const std::string &, Pairs *, std::string *) { return QWEN_ERR_UNSUPPORTED; });
  CHECK(none.empty());
  CHECK(acp::auth_methods_json(none, true) == nlohmann::json::array());
}
