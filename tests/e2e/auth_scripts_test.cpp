// `qwen auth status` and `qwen auth token` as a script uses them (gh's conventions): the exit status says
// whether sign-in is needed, without a request; --json is one object with no secret; the token alone on
// stdout, good for curl.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {
// Printed on purpose by `qwen auth token` (tests/e2e/secrets_sweep_test.cpp allows exactly this one).
constexpr const char *kPrintedToken = "auth-token-printed-on-purpose-0123";
}  // namespace

TEST_CASE("auth status: exit 0 when the selected method is usable, 4 when sign-in is needed", "[auth-status]") {
  TempDir home;
  // Nothing configured: the default, Qwen OAuth, has no login. Offline: the answer needs no request.
  QwenRunOptions offline;
  offline.no_network = true;
  auto none = run_qwen(home, {"auth", "status"}, offline);
  INFO(none.out << none.err);
  CHECK(none.exit_code == 4);
  CHECK(none.out.find("signed_in: no\n") != std::string::npos);
  // A key in the environment: usable.
  auto key = run_qwen(home, {"auth", "status"}, with_env({{"OPENAI_API_KEY", "sk-status-key-0123456789"}}));
  CHECK(key.exit_code == 0);
  CHECK(key.out.find("method: openai\n") == 0);
  CHECK(key.out.find("signed_in: yes\n") != std::string::npos);
  CHECK(key.out.find("sk-status-key-0123456789") == std::string::npos);
  // An expired Qwen OAuth token with a refresh token counts as usable, decided without the network.
  home.write(".qwen/oauth_creds.json",
             "{\"access_token\": \"status-access-0123456789\", \"refresh_token\": \"status-refresh-0123456789\", "
             "\"token_type\": \"Bearer\", \"expiry_date\": 1000}");
  auto stale = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, offline);
  INFO(stale.out << stale.err);
  CHECK(stale.exit_code == 0);
  // Without a refresh token it is not.
  home.write(".qwen/oauth_creds.json",
             "{\"access_token\": \"status-access-0123456789\", \"token_type\": \"Bearer\", \"expiry_date\": 1000}");
  CHECK(run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, offline).exit_code == 4);
  // A damaged credentials file is not usable either, and says so.
  home.write(".qwen/oauth_creds.json", "{ not json");
  auto damaged = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, offline);
  CHECK(damaged.exit_code == 4);
  CHECK(damaged.out.find("credentials unusable") != std::string::npos);
}

TEST_CASE("auth status --json and --all: one JSON object, every method, the selected one marked, no secret",
          "[auth-status]") {
  TempDir home;
  const auto env = with_env({{"OPENAI_API_KEY", "sk-json-status-key-0123456789"}});
  auto r = run_qwen(home, {"auth", "status", "--all", "--json"}, env);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("sk-json-status-key-0123456789") == std::string::npos);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["selected"] == "openai");
  CHECK(j["signed_in"] == true);
  REQUIRE(j["methods"].is_array());
  std::map<std::string, bool> selected, signed_in;
  for (const auto &m : j["methods"]) {
    selected[m["method"]] = m["selected"];
    signed_in[m["method"]] = m["signed_in"];
    CHECK(m["details"].is_object());
  }
  CHECK(selected == std::map<std::string, bool>{{"coding-plan", false}, {"openai", true}, {"qwen-oauth", false}});
  CHECK(signed_in["openai"]);
  CHECK_FALSE(signed_in["qwen-oauth"]);
  // --output-format json is the same object; the text form marks the selected method.
  auto same = run_qwen(home, {"auth", "status", "--output-format", "json"}, env);
  CHECK(nlohmann::json::parse(same.out)["selected"] == "openai");
  auto text = run_qwen(home, {"auth", "status", "--all"}, env);
  CHECK(text.out.find("method: openai  (selected)\n") != std::string::npos);
  CHECK(text.out.find("method: qwen-oauth\n") != std::string::npos);
}

TEST_CASE("auth token prints the token alone, and curl gets an answer with it", "[auth-token]") {
  FakeProvider p({"--api-key", kPrintedToken});
  TempDir home;
  const auto env = with_env({{"OPENAI_API_KEY", kPrintedToken}, {"OPENAI_BASE_URL", p.base_url()}});
  auto r = run_qwen(home, {"auth", "token"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == std::string(kPrintedToken) + "\n");
  CHECK(r.err.empty());
  const std::string token = r.out.substr(0, r.out.size() - 1);
  ProcessOptions curl;
  curl.args = {"/usr/bin/curl", "-sS", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
               "-d", R"({"model":"m","messages":[{"role":"user","content":"hi"}]})", p.base_url() + "/chat/completions"};
  auto answer = run_process(curl);
  INFO(answer.err);
  CHECK(answer.exit_code == 0);
  CHECK(answer.out.find("Hello from the fake provider") != std::string::npos);
  CHECK(answer.out.find("Invalid API key") == std::string::npos);
}

TEST_CASE("auth token with no credentials prints nothing on stdout and exits 4", "[auth-token]") {
  TempDir home;
  QwenRunOptions offline;
  offline.no_network = true;
  auto r = run_qwen(home, {"auth", "token"}, offline);
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK_FALSE(r.err.empty());
  // A keyless local server has no token to print: said, not an empty line.
  auto keyless = run_qwen(home, {"auth", "token", "--auth-type", "openai"},
                          with_env({{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}}));
  CHECK(keyless.exit_code == 4);
  CHECK(keyless.out.empty());
  CHECK(keyless.err.find("uses no token") != std::string::npos);
}
