// Signing in from the editor: authMethods built from the installed auth plugins (a third party's too),
// authenticate running a plugin's login, the device flow where no browser can be opened, and logout.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "e2e/acp_child.hpp"
#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
using nlohmann::json;
using Ms = std::chrono::milliseconds;

namespace {

std::string acme_dir() {
  return std::string(QWEN_TEST_BINARY_DIR) + "/tests/acp-fixtures/acme";
}

json method(const json &init, const std::string &id) {
  for (const auto &m : init["result"]["authMethods"])
    if (m["id"] == id) return m;
  return nullptr;
}

}  // namespace

TEST_CASE("acp auth: authMethods are the installed plugins, a third party's with its own words", "[acp]") {
  FakeProvider p;
  TempDir home;
  AcpChild acp(home, {{"QWEN_PLUGIN_PATH", acme_dir()}, {"QWEN_OAUTH_BASE_URL", p.root_url()}});
  auto with_terminal = acp.request("initialize", acp_initialize_params(true));
  INFO(with_terminal.dump());
  auto oauth = method(with_terminal, "qwen-oauth");
  auto openai = method(with_terminal, "openai");
  auto acme = method(with_terminal, "acme-fixture");
  REQUIRE(oauth.is_object());
  REQUIRE(openai.is_object());
  REQUIRE(acme.is_object());
  CHECK_FALSE(oauth.contains("type"));  // agent: qwen runs the device flow
  CHECK(openai["type"] == "terminal");
  CHECK(openai["args"] == json::array({"auth", "login", "--auth-type", "openai"}));
  CHECK(openai["_meta"]["qwen"]["env"][0] == "OPENAI_API_KEY");
  CHECK(acme["name"] == "Acme Cloud (fixture)");
  CHECK(acme["description"].get<std::string>().find("Acme Cloud account") != std::string::npos);
  CHECK(acme["_meta"]["qwen"]["env"] == json::array({"ACME_FIXTURE_TOKEN", "ACME_FIXTURE_BASE_URL"}));
  CHECK(acme["_meta"]["qwen"]["setupUrl"] == "https://acme.example/keys");
  // A client without terminal auth gets openai as a method described by its variables.
  auto plain = acp.request("initialize", acp_initialize_params(false));
  auto openai_plain = method(plain, "openai");
  CHECK_FALSE(openai_plain.contains("type"));
  CHECK(openai_plain["description"].get<std::string>().find("OPENAI_API_KEY") != std::string::npos);
  // The terminal method is the client's to run, not authenticate's.
  acp.request("initialize", acp_initialize_params(true));
  CHECK(acp.request("authenticate", {{"methodId", "openai"}})["error"]["code"] == -32602);
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp auth: authenticate runs a third party's own login, then its sessions use its server", "[acp]") {
  FakeProvider p;
  TempDir home;
  AcpChild acp(home, {{"QWEN_PLUGIN_PATH", acme_dir()}, {"ACME_FIXTURE_BASE_URL", p.base_url()}});
  REQUIRE(acp.request("initialize", acp_initialize_params()).contains("result"));
  auto before = acp.request("authenticate", {{"methodId", "acme-fixture"}});
  INFO(before.dump());
  CHECK(before.contains("result"));
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()));
  INFO(made.dump());
  REQUIRE(made.contains("result"));
  std::string sid = made["result"]["sessionId"];
  auto done = acp.request("session/prompt", acp_prompt_params(sid, "via acme"));
  CHECK(done["result"]["stopReason"] == "end_turn");
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["headers"]["authorization"] == "Bearer acme-fixture-token");
  // logout forgets it: the next prompt needs a sign-in again.
  CHECK(acp.request("logout", json::object()).contains("result"));
  auto after = acp.request("session/prompt", acp_prompt_params(sid, "still?"));
  INFO(after.dump());
  CHECK(after["error"]["code"] == -32000);
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp auth: with no browser here, authenticate answers the link and code, and the login completes", "[acp]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  // base_env sets NO_BROWSER=1: no browser can be started.
  AcpChild acp(home, {{"QWEN_OAUTH_BASE_URL", p.root_url()}});
  REQUIRE(acp.request("initialize", acp_initialize_params()).contains("result"));
  CHECK(acp.request("session/new", acp_new_session_params(home.path().string()))["error"]["code"] == -32000);
  auto shown = acp.request("authenticate", {{"methodId", "qwen-oauth"}});
  INFO(shown.dump());
  REQUIRE(shown.contains("error"));
  CHECK(shown["error"]["code"] == -32000);
  std::string code = shown["error"]["data"]["userCode"];
  std::string url = shown["error"]["data"]["verificationUri"];
  std::string words = shown["error"]["message"];
  CHECK(words.find(code) != std::string::npos);
  CHECK(words.find(url) != std::string::npos);
  CHECK(words.find('\n') == std::string::npos);
  CHECK(url.rfind(p.root_url(), 0) == 0);
  // The person approves in a browser elsewhere; the login, still polling, completes.
  CHECK(p.get("/authorize?user_code=" + code).find("approved") != std::string::npos);
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()), Ms(20000));
  INFO(made.dump());
  REQUIRE(made.contains("result"));
  auto done = acp.request("session/prompt", acp_prompt_params(made["result"]["sessionId"], "signed in"));
  CHECK(done["result"]["stopReason"] == "end_turn");
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp auth: a key method without terminal auth is configured by the environment, never asked for", "[acp]") {
  FakeProvider p({"--api-key", "sk-acp-auth-env-0042"});
  TempDir home;
  AcpChild bare(home, {});
  REQUIRE(bare.request("initialize", acp_initialize_params(false)).contains("result"));
  auto refused = bare.request("authenticate", {{"methodId", "openai"}});
  INFO(refused.dump());
  CHECK(refused["error"]["code"] == -32000);
  CHECK(refused["error"]["message"].get<std::string>().find("OPENAI_API_KEY") != std::string::npos);
  CHECK(bare.wait().exit_code == 0);

  AcpChild keyed(
      home,
      {{"OPENAI_API_KEY", "sk-acp-auth-env-0042"}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}});
  REQUIRE(keyed.request("initialize", acp_initialize_params(false)).contains("result"));
  auto ok = keyed.request("authenticate", {{"methodId", "openai"}});
  INFO(ok.dump());
  CHECK(ok["result"].is_object());
  CHECK(keyed.request("session/new", acp_new_session_params(home.path().string())).contains("result"));
  CHECK(keyed.wait().exit_code == 0);
}
