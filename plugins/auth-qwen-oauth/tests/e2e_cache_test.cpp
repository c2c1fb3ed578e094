// Cached credentials in headless runs: Qwen Code's file used as it is, the
// headers the real client sends, and the messages when there is no usable login.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {
const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};
}

TEST_CASE("a valid file written by Qwen Code is used headless, without a refresh", "[cache]") {
  FakeProvider p;
  TempDir home;
  const std::string text = creds_json(p, "qwen-code-access-token-1", "qwen-code-refresh-1", now_ms() + 3600 * 1000);
  write_creds(home, text);
  auto r = run_qwen(home, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hi\n");
  CHECK(p.stat("refresh_requests") == 0);
  CHECK(read_file(creds_path(home)) == text);  // untouched
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  const auto &h = reqs[0]["headers"];
  CHECK(h["authorization"] == "Bearer qwen-code-access-token-1");
  CHECK(h["x-dashscope-authtype"] == "qwen-oauth");
  CHECK(h["x-dashscope-cachecontrol"] == "enable");
  CHECK(contains(h.value("user-agent", ""), "QwenCode/"));
  CHECK(h["x-dashscope-useragent"] == h["user-agent"]);
  CHECK(nlohmann::json::parse(reqs[0]["body"].get<std::string>())["model"] == "coder-model");
  CHECK_FALSE(contains(r.err, "qwen-code-access-token-1"));
}

TEST_CASE("the model comes from [plugins.qwen-oauth] model when set", "[cache]") {
  FakeProvider p;
  TempDir home;
  home.write(".qwen/config.toml", "[plugins.qwen-oauth]\nmodel = \"vision-model\"\n");
  write_creds(home, creds_json(p, "access-token-model-test", "r", now_ms() + 3600 * 1000));
  auto r = run_qwen(home, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.chat_bodies().at(0)["model"] == "vision-model");
}

TEST_CASE("no credentials, headless: exit 4 and say how to sign in or use a key", "[cache]") {
  FakeProvider p;
  TempDir home;
  auto r = run_qwen(home, kChat, oauth_env(p));
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "qwen auth login"));
  CHECK(contains(r.err, "OPENAI_API_KEY"));
  CHECK(p.stat("device_code_requests") == 0);  // never a device flow in a headless run
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("a damaged file is reported by name and left in place", "[cache]") {
  FakeProvider p;
  TempDir home;
  const std::string damaged = "{\"access_token\": \"abc\", \"refresh_to";
  write_creds(home, damaged);
  auto r = run_qwen(home, kChat, oauth_env(p));
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, creds_path(home).string()));
  CHECK(read_file(creds_path(home)) == damaged);
  CHECK(p.stat("refresh_requests") == 0);
}

TEST_CASE("the OAuth server can come from config.toml, the environment wins over it", "[cache]") {
  FakeProvider p;
  TempDir home;
  p.post("/__control/seed-refresh-token", "refresh-from-config-test");
  home.write(".qwen/config.toml", "[plugins.qwen-oauth]\nbase_url = \"" + p.root_url() + "\"\n");
  write_creds(home, creds_json(p, "expired-access-token", "refresh-from-config-test", now_ms() - 1000));
  auto r = run_qwen(home, kChat);  // no QWEN_OAUTH_BASE_URL
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);

  FakeProvider other;  // a login that came from `other`: refreshed there when the environment names it
  write_creds(home, creds_json(p, "expired-access-token", "whatever", now_ms() - 1000, {}, other.root_url()));
  auto env_wins = run_qwen(home, kChat, oauth_env(other));
  CHECK(other.stat("refresh_requests") == 1);  // invalid_grant there, but it was asked, not p
  CHECK(p.stat("refresh_requests") == 1);
  CHECK(env_wins.exit_code == 4);
}

TEST_CASE("a resource_url of plain http on another machine is refused before the token is sent", "[cache]") {
  TempDir home;
  write_creds(home, "{\"access_token\":\"clear-text-access-token\",\"refresh_token\":\"r\",\"token_type\":\"Bearer\","
                    "\"resource_url\":\"http://portal.example.com\",\"expiry_date\":" +
                        std::to_string(now_ms() + 3600 * 1000) + "}");
  QwenRunOptions o;
  o.no_network = true;  // were the check missing, the request would go nowhere
  auto r = run_qwen(home, kChat, o);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "plain http on another machine (http://portal.example.com/v1)"));
  CHECK(contains(r.err, "allow_insecure_http"));
  CHECK_FALSE(contains(r.err, "clear-text-access-token"));
}

TEST_CASE("a credentials file left readable by others (Qwen Code < 0.24) is made private and the user told",
          "[cache]") {
  FakeProvider p;
  TempDir home;
  const std::string text = creds_json(p, "shared-access-token-1", "shared-refresh-1", now_ms() + 3600 * 1000);
  auto path = write_creds(home, text);
  REQUIRE(chmod(path.c_str(), 0644) == 0);
  auto r = run_qwen(home, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "was readable by other users (mode 0644); its mode is now 0600"));
  CHECK(file_mode(path) == 0600);
  CHECK(read_file(path) == text);
}

TEST_CASE("a cached qwen.ai login is still used after the free tier ended, and the user is told once how to switch",
          "[cache][free-tier]") {
  TempDir home;
  // A login from the real chat.qwen.ai (no issuer recorded: Qwen Code's file), still fresh. The run has no
  // network at all: the request to the default API fails, but only after the login was used.
  write_creds(home, "{\"access_token\":\"soft-cutoff-access-token\",\"refresh_token\":\"r\",\"token_type\":\"Bearer\","
                    "\"resource_url\":\"portal.qwen.ai\",\"expiry_date\":" +
                        std::to_string(now_ms() + 3600 * 1000) + "}");
  home.write(".qwen/config.toml", "[network]\nmax_retries = 1\nretry_base_ms = 50\n");
  QwenRunOptions o;
  o.no_network = true;
  auto r = run_qwen(home, kChat, o);
  INFO(r.err);
  CHECK(r.exit_code == 7);  // network
  const std::string notice = "qwen.ai ended the free Qwen OAuth tier on 2026-04-15";
  REQUIRE(contains(r.err, notice));
  CHECK(r.err.find(notice) == r.err.rfind(notice));  // once, though the request was retried
  CHECK(contains(r.err, "/auth"));
  CHECK_FALSE(contains(r.err, "soft-cutoff-access-token"));

  // A login with another server (here the fake one) is not qwen.ai's: nothing to say.
  FakeProvider p;
  write_creds(home, creds_json(p, "fake-server-access-token", "fake-server-refresh", now_ms() + 3600 * 1000));
  auto other = run_qwen(home, kChat, oauth_env(p));
  CHECK(other.exit_code == 0);
  CHECK_FALSE(contains(other.err, notice));
}
