// Credentials stay with their origin, end to end: a refresh token goes only to
// the OAuth server that issued it, whatever the environment, a project's files
// or the URL's spelling say; the user's login survives byte for byte; and the
// credentials file's mode is never changed through a link.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {

const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};

// An expired login, as Qwen Code wrote it (no issuer: https://chat.qwen.ai) or from `issuer`.
std::string expired_login(const FakeProvider &p, const TempDir &home, const std::string &refresh,
                          const std::optional<std::string> &issuer) {
  p.post("/__control/seed-refresh-token", refresh);
  const std::string text = creds_json(p, "expired-access-" + refresh, refresh, now_ms() - 60 * 1000, {}, issuer);
  write_creds(home, text);
  return text;
}

}  // namespace

TEST_CASE("QWEN_OAUTH_BASE_URL at another server: no refresh token is sent there and the login survives",
          "[origin][hostile]") {
  FakeProvider p;
  AttackerListener attacker;
  TempDir home;
  const std::string refresh = "origin-refresh-token-0123456789";
  const std::string text = expired_login(p, home, refresh, std::string(""));  // Qwen Code's file
  // The attacker's address written every way that must still be recognised as the attacker.
  const std::string port = std::to_string(attacker.port());
  for (const std::string &url : {attacker.root_url(), "HTTP://127.0.0.2:" + port, "http://127.0.0.1@127.0.0.2:" + port,
                                "http://chat.qwen.ai:443@127.0.0.2:" + port + "/",
                                "http://user:attacker-pw@127.0.0.2:" + port}) {
    CAPTURE(url);
    auto r = run_qwen(home, kChat, with_env({{"QWEN_OAUTH_BASE_URL", url}}));
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "issued by https://chat.qwen.ai"));
    CHECK(contains(r.err, "QWEN_OAUTH_BASE_URL"));
    CHECK(contains(r.err, "qwen auth login"));
    CHECK_FALSE(contains(r.err, "attacker-pw"));
    CHECK_FALSE(contains(r.out + r.err, refresh));
    CHECK(read_file(creds_path(home)) == text);
    CHECK_FALSE(file_exists(lock_path(home)));
  }
  CHECK(attacker.connections() == 0);
  CHECK_FALSE(contains(attacker.received(), refresh));
  CHECK(p.stat("refresh_requests") == 0);
}

TEST_CASE("a project's config or .env naming another OAuth server gets no refresh token, the login survives",
          "[origin][hostile]") {
  FakeProvider p;
  AttackerListener attacker;
  TempDir home;
  const std::string refresh = "project-refresh-token-0123456789";
  const std::string text = expired_login(p, home, refresh, p.root_url());  // a login from the real server
  SECTION("[plugins.qwen-oauth] base_url in the project's .qwen/config.toml") {
    home.write("work/evil/.qwen/config.toml",
               "[plugins.qwen-oauth]\nbase_url = \"" + attacker.root_url() + "\"\nallow_insecure_http = true\n");
  }
  SECTION("QWEN_OAUTH_BASE_URL in the project's .env") {
    home.write("work/evil/.env", "QWEN_OAUTH_BASE_URL=" + attacker.root_url() + "\n");
  }
  QwenRunOptions o;
  o.cwd = (home.path() / "work" / "evil").string();
  auto r = run_qwen(home, kChat, o);
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(attacker.connections() == 0);
  CHECK_FALSE(contains(attacker.received(), refresh));
  CHECK(read_file(creds_path(home)) == text);  // byte for byte: no invalid_grant could delete it
  CHECK(p.stat("refresh_requests") == 0);      // nor was it refreshed anywhere else
  CHECK_FALSE(contains(r.out + r.err, refresh));
}

TEST_CASE("the issuing server is recognised however its URL is spelled, and is the only one asked", "[origin]") {
  FakeProvider p;
  TempDir home;
  const std::string refresh = "spelled-refresh-token-0123456789";
  expired_login(p, home, refresh, p.root_url());
  // Upper-case scheme, default-less port spelled out, a trailing slash: the same server.
  std::string spelled = p.root_url();
  spelled.replace(0, 4, "HTTP");
  auto r = run_qwen(home, kChat, with_env({{"QWEN_OAUTH_BASE_URL", spelled + "/"}}));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);
  auto c = nlohmann::json::parse(read_file(creds_path(home)));
  CHECK(c["issuer"] == p.root_url());  // kept by the refresh
  CHECK(c["refresh_token"] != refresh);
  // The refresh request carries the same User-Agent as the API's requests.
  auto token = p.logged_requests("/api/v1/oauth2/token");
  REQUIRE(token.size() == 1);
  CHECK(contains(token[0]["headers"].value("user-agent", ""), "QwenCode/"));
}

TEST_CASE("a Qwen Code login at the default server, spelled another way, is refreshed there", "[origin]") {
  TempDir home;
  write_creds(home, "{\"access_token\":\"qc-expired\",\"refresh_token\":\"qc-refresh-0123456789\","
                    "\"token_type\":\"Bearer\",\"resource_url\":\"portal.qwen.ai\",\"expiry_date\":1000}");
  QwenRunOptions o = with_env({{"QWEN_OAUTH_BASE_URL", "HTTPS://Chat.Qwen.AI:443/"}});
  o.no_network = true;  // the default is the real server: the attempt must reach nothing
  auto r = run_qwen(home, kChat, o);
  INFO(r.err);
  CHECK(r.exit_code == 7);  // it tried the token endpoint (no network here), it did not refuse
  CHECK(contains(r.err, "/api/v1/oauth2/token"));
  CHECK_FALSE(contains(r.err, "issued by"));
}

TEST_CASE("upper-case plain-http schemes to another machine are refused, for the OAuth server and the API",
          "[origin]") {
  TempDir home;
  QwenRunOptions o = with_env({{"QWEN_OAUTH_BASE_URL", "HTTP://10.1.2.3"}});
  o.no_network = true;  // were a check missing, the request would go nowhere
  auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
  CHECK(login.exit_code == 3);
  CHECK(contains(login.err, "plain http to another machine"));

  write_creds(home, "{\"access_token\":\"upper-case-access-token\",\"refresh_token\":\"r\",\"token_type\":\"Bearer\","
                    "\"resource_url\":\"Http://10.1.2.3:8080\",\"expiry_date\":" +
                        std::to_string(now_ms() + 3600 * 1000) + "}");
  QwenRunOptions offline;
  offline.no_network = true;
  auto chat = run_qwen(home, kChat, offline);
  CHECK(chat.exit_code == 3);
  CHECK(contains(chat.err, "plain http on another machine"));
  CHECK_FALSE(contains(chat.err, "upper-case-access-token"));
}

TEST_CASE("qwen auth status names the login's issuer and says when the configured server is not it", "[origin]") {
  FakeProvider p;
  AttackerListener attacker;
  TempDir home;
  write_creds(home, creds_json(p, "status-origin-access", "status-origin-refresh", now_ms() + 3600 * 1000));
  auto same = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, oauth_env(p));
  CHECK(contains(same.out, "issued_by: " + p.root_url()));
  CHECK(contains(same.out, "oauth_server: " + p.root_url() + "\n"));
  auto other = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"},
                        with_env({{"QWEN_OAUTH_BASE_URL", attacker.root_url()}}));
  CHECK(contains(other.out, "oauth_server: " + attacker.root_url() + " (not the login's issuer"));
  CHECK(attacker.connections() == 0);
}

TEST_CASE("qwen auth status never changes a mode through a symbolic link", "[origin][hostile][files]") {
  FakeProvider p;
  TempDir home;
  // The link stands where the login belongs; its target is a file the user never meant qwen to touch.
  const std::string text = creds_json(p, "linked-access", "linked-refresh", now_ms() + 3600 * 1000);
  auto victim = home.write("elsewhere/victim.json", text);
  REQUIRE(chmod(victim.c_str(), 0644) == 0);
  std::filesystem::create_directories(home.path() / ".qwen");
  REQUIRE(symlink(victim.c_str(), creds_path(home).c_str()) == 0);
  auto s = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, oauth_env(p));
  INFO(s.err);
  CHECK(file_mode(victim) == 0644);
  CHECK(read_file(victim) == text);
  CHECK(contains(s.err, "symbolic link"));
  struct stat st {};
  REQUIRE(lstat(creds_path(home).c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));  // still the link: nothing replaced it either
}
