// Refresh end to end: on expiry, after a 401, with rotation; invalid_grant and
// web pages; and the free-quota message on a 429.
#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {

const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};

// An expired login whose refresh token the fake provider knows.
void expired_login(const FakeProvider &p, const TempDir &home, const std::string &refresh,
                   const std::string &extra = {}) {
  p.post("/__control/seed-refresh-token", refresh);
  write_creds(home, creds_json(p, "expired-access-" + refresh, refresh, now_ms() - 60 * 1000, extra));
}

nlohmann::ordered_json creds_on_disk(const TempDir &home) {
  return nlohmann::ordered_json::parse(read_file(creds_path(home)));
}

}  // namespace

TEST_CASE("an expired token is refreshed before use and the rotated tokens are saved", "[refresh]") {
  FakeProvider p;
  TempDir home;
  expired_login(p, home, "refresh-one", "  \"written_by\": \"another tool\",\n");
  std::vector<std::string> args = kChat;
  args.push_back("--debug");
  auto r = run_qwen(home, args, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);
  auto c = creds_on_disk(home);
  CHECK(c["refresh_token"] != "refresh-one");  // rotated
  CHECK(c["access_token"] != "expired-access-refresh-one");
  CHECK(c["expiry_date"].get<int64_t>() > now_ms() + 3000 * 1000);
  CHECK(c["written_by"] == "another tool");
  CHECK(c.begin().key() == "written_by");  // unknown fields keep their place
  CHECK(file_mode(creds_path(home)) == 0600);
  CHECK_FALSE(file_exists(lock_path(home)));
  // Not even debug output shows a token, old or new.
  for (const std::string &secret : {std::string("refresh-one"), c["refresh_token"].get<std::string>(),
                                   c["access_token"].get<std::string>()})
    CHECK_FALSE(contains(r.out + r.err, secret));
  auto chats = p.logged_requests();
  REQUIRE(chats.size() == 1);
  CHECK(chats[0]["headers"]["authorization"] == "Bearer " + c["access_token"].get<std::string>());
  auto refresh = p.logged_requests("/api/v1/oauth2/token");
  REQUIRE(refresh.size() == 1);
  CHECK(refresh[0]["body"] ==
        "grant_type=refresh_token&refresh_token=refresh-one&client_id=f0304373b74a44d2b584a3fb70ca9e56");
}

TEST_CASE("each later expiry uses the rotated refresh token", "[refresh]") {
  FakeProvider p;
  TempDir home;
  expired_login(p, home, "refresh-rotating");
  REQUIRE(run_qwen(home, kChat, oauth_env(p)).exit_code == 0);
  auto c = creds_on_disk(home);
  c["expiry_date"] = now_ms() - 1000;  // expire it again, as time would
  write_creds(home, c.dump(2));
  auto r = run_qwen(home, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 2);
  CHECK(creds_on_disk(home)["refresh_token"] != c["refresh_token"]);
}

TEST_CASE("a 401 from the API forces one refresh and the request is retried", "[refresh]") {
  FakeProvider p({"--fault", "401"});
  TempDir home;
  p.post("/__control/seed-refresh-token", "refresh-after-401");
  write_creds(home, creds_json(p, "revoked-access-token", "refresh-after-401", now_ms() + 3600 * 1000));
  auto r = run_qwen(home, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);
  CHECK(p.stat("chat_requests") == 2);
  CHECK(creds_on_disk(home)["access_token"] != "revoked-access-token");
}

TEST_CASE("invalid_grant removes the cached login and says to sign in again", "[refresh]") {
  FakeProvider p;
  TempDir home;
  write_creds(home, creds_json(p, "expired-access", "a-refresh-token-the-server-forgot", now_ms() - 1000));
  auto r = run_qwen(home, kChat, oauth_env(p));
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "Sign in again"));
  CHECK(contains(r.err, "qwen auth login"));
  CHECK(contains(r.err, "/auth"));
  CHECK_FALSE(file_exists(creds_path(home)));
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("a web page from the token endpoint is named as such and the login is kept", "[refresh]") {
  FakeProvider p({"--oauth-mode", "html"});
  TempDir home;
  const std::string text = creds_json(p, "expired-access", "refresh-html", now_ms() - 1000);
  write_creds(home, text);
  auto r = run_qwen(home, kChat, oauth_env(p));
  CHECK(r.exit_code == 7);
  CHECK(contains(r.err, "web page instead of JSON"));
  CHECK(read_file(creds_path(home)) == text);
}

TEST_CASE("a 429 names the free quota and when to retry, requests are counted", "[refresh]") {
  FakeProvider p({"--fault", "429:3600"});
  TempDir home;
  fast_network(home);
  write_creds(home, creds_json(p, "quota-access-token", "r", now_ms() + 3600 * 1000));
  auto r = run_qwen(home, kChat, oauth_env(p));
  CHECK(r.exit_code == 6);
  CHECK(contains(r.err, "free quota"));
  CHECK(contains(r.err, "60 requests/min"));
  CHECK(contains(r.err, "2,000 requests/day"));
  CHECK(contains(r.err, "retry in 60 min"));
  REQUIRE(run_qwen(home, kChat, oauth_env(p)).exit_code == 0);
  auto s = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, oauth_env(p));
  CHECK(contains(s.out, "requests_today: 1 of 2,000"));
  CHECK(file_mode(home.path() / ".qwen" / "qwen-cpp-quota.json") == 0600);
}
