// The credentials cache: when the server is asked, when it is not, what
// happens to the file in each case, and many processes refreshing at once.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "credential_store.hpp"
#include "error_of.hpp"
#include "scratch_dir.hpp"

using namespace qwen_oauth;
using qwen_oauth_test::error_of;
using qwen_oauth_test::file_mode;
using qwen_oauth_test::ScratchDir;
using qwen_oauth_test::slurp;
using qwen_oauth_test::spit;

namespace {

constexpr int64_t kNow = 1777636800000;  // ms

std::string creds_json(const std::string &access, const std::string &refresh, int64_t expiry_ms,
                       const std::string &extra = "") {
  return "{" + extra + "\"access_token\":\"" + access + "\",\"refresh_token\":\"" + refresh +
         "\",\"token_type\":\"Bearer\",\"resource_url\":\"portal.qwen.ai\",\"expiry_date\":" +
         std::to_string(expiry_ms) + "}";
}

StoreOptions options_for(const ScratchDir &home, std::vector<std::string> *warnings = nullptr) {
  StoreOptions o;
  o.home = home.path();
  o.now_ms = [] { return kNow; };
  o.lock.first_retry = std::chrono::milliseconds(5);
  o.lock.max_retry = std::chrono::milliseconds(20);
  o.lock.timeout = std::chrono::milliseconds(10000);
  if (warnings) o.warn = [warnings](const std::string &m) { warnings->push_back(m); };
  return o;
}

// A refresher that counts its calls and rotates the tokens.
struct FakeServer {
  int calls = 0;
  RefreshResult::Kind kind = RefreshResult::Kind::Ok;
  Refresher refresher() {
    return [this](const std::string &refresh_token) {
      ++calls;
      RefreshResult r;
      r.kind = kind;
      r.message = "invalid_grant";
      r.grant.access_token = "access-after-" + refresh_token;
      r.grant.refresh_token = "rotated-" + refresh_token;
      r.grant.expires_in_s = 3600;
      return r;
    };
  }
};

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("no file: sign in, or use an API key", "[store]") {
  ScratchDir home;
  CredentialStore store(options_for(home));
  FakeServer server;
  auto e = error_of([&] { store.usable(false, "", server.refresher()); });
  CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
  CHECK(contains(e.what(), "qwen auth login"));
  CHECK(contains(e.what(), "OPENAI_API_KEY"));
  CHECK(contains(e.what(), store.file()));
  CHECK(server.calls == 0);
}

TEST_CASE("a fresh token is used as it is, without asking the server", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow + 3600000));
  CredentialStore store(options_for(home));
  FakeServer server;
  CHECK(store.usable(false, "", server.refresher()).access_token == "a1");
  CHECK(server.calls == 0);
  CHECK(access(store.lock_file().c_str(), F_OK) != 0);
}

TEST_CASE("a credentials file other users can read is tightened to 0600, its bytes kept, and the user told",
          "[store]") {
  ScratchDir home;
  const std::string text = creds_json("private-access-token", "r1", kNow + 3600000);
  spit(home.file("oauth_creds.json"), text);
  REQUIRE(chmod(home.file("oauth_creds.json").c_str(), 0644) == 0);
  std::vector<std::string> warnings;
  CredentialStore store(options_for(home, &warnings));
  FakeServer server;
  CHECK(store.usable(false, "", server.refresher()).access_token == "private-access-token");
  CHECK(file_mode(store.file()) == 0600);
  CHECK(slurp(store.file()) == text);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "readable by other users (mode 0644)"));
  CHECK(contains(warnings[0], "now 0600"));
  CHECK_FALSE(contains(warnings[0], "private-access-token"));

  warnings.clear();  // once private, nothing more is said
  store.usable(false, "", server.refresher());
  CHECK(warnings.empty());
}

TEST_CASE("an expired token (or one with under 30 s left) is refreshed and saved, unknown fields kept", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow + 20000, "\"email\":\"u@example.com\","));
  CredentialStore store(options_for(home));
  FakeServer server;
  OAuthCredentials c = store.usable(false, "", server.refresher());
  CHECK(server.calls == 1);
  CHECK(c.access_token == "access-after-r1");
  CHECK(c.refresh_token == "rotated-r1");
  CHECK(c.expiry_date_ms == kNow + 3600000);
  OAuthCredentials on_disk = parse_credentials(slurp(store.file()));
  CHECK(on_disk.access_token == "access-after-r1");
  CHECK(on_disk.refresh_token == "rotated-r1");
  CHECK(on_disk.resource_url == "portal.qwen.ai");
  CHECK(on_disk.document["email"] == "u@example.com");
  CHECK(file_mode(store.file()) == 0600);
  CHECK(access(store.lock_file().c_str(), F_OK) != 0);  // released
}

TEST_CASE("a forced refresh refreshes the refused token, but not one another process already replaced", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow + 3600000));
  CredentialStore store(options_for(home));
  FakeServer server;
  CHECK(store.usable(true, "a-older", server.refresher()).access_token == "a1");
  CHECK(server.calls == 0);
  CHECK(store.usable(true, "a1", server.refresher()).access_token == "access-after-r1");
  CHECK(server.calls == 1);
}

TEST_CASE("invalid_grant removes the cached credentials and says to sign in again", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow - 1));
  CredentialStore store(options_for(home));
  FakeServer server;
  server.kind = RefreshResult::Kind::InvalidGrant;
  auto e = error_of([&] { store.usable(false, "", server.refresher()); });
  CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
  CHECK(contains(e.what(), "qwen auth login"));
  CHECK(contains(e.what(), "/auth"));
  CHECK(access(store.file().c_str(), F_OK) != 0);
}

TEST_CASE("invalid_grant after someone else rotated the token keeps their newer file", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow - 1));
  CredentialStore store(options_for(home));
  Refresher racing = [&](const std::string &) {
    // Another client (not honouring our lock) refreshed meanwhile, so our refresh token is dead.
    spit(home.file("oauth_creds.json"), creds_json("a2", "r2", kNow + 3600000));
    RefreshResult r;
    r.kind = RefreshResult::Kind::InvalidGrant;
    return r;
  };
  CHECK(store.usable(false, "", racing).access_token == "a2");
  CHECK(parse_credentials(slurp(store.file())).refresh_token == "r2");
}

TEST_CASE("a damaged file is reported by name and left byte for byte", "[store]") {
  ScratchDir home;
  const std::string damaged = "{\"access_token\": \"a1\", \"refresh_tok";
  spit(home.file("oauth_creds.json"), damaged);
  CredentialStore store(options_for(home));
  FakeServer server;
  auto e = error_of([&] { store.usable(false, "", server.refresher()); });
  CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
  CHECK(contains(e.what(), store.file()));
  CHECK(contains(e.what(), "not valid JSON"));
  CHECK(slurp(store.file()) == damaged);
  CHECK(server.calls == 0);
}

TEST_CASE("a refresh that fails for another reason keeps the file", "[store]") {
  ScratchDir home;
  const std::string text = creds_json("a1", "r1", kNow - 1);
  spit(home.file("oauth_creds.json"), text);
  CredentialStore store(options_for(home));
  Refresher html = [](const std::string &) -> RefreshResult {
    throw qwen::sdk::Error(QWEN_ERR_BAD_RESPONSE, "a web page instead of JSON");
  };
  CHECK(error_of([&] { store.usable(false, "", html); }).status() == QWEN_ERR_BAD_RESPONSE);
  CHECK(slurp(store.file()) == text);
  CHECK(access(store.lock_file().c_str(), F_OK) != 0);
}

TEST_CASE("an expired token without a refresh token means signing in again", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), R"({"access_token":"a1","expiry_date":1})");
  CredentialStore store(options_for(home));
  FakeServer server;
  CHECK(error_of([&] { store.usable(false, "", server.refresher()); }).status() == QWEN_ERR_AUTH_REQUIRED);
  CHECK(server.calls == 0);
}

TEST_CASE("a new login keeps unknown fields and moves a damaged file aside", "[store]") {
  ScratchDir home;
  CredentialStore store(options_for(home));
  TokenGrant g;
  g.access_token = "a9";
  g.refresh_token = "r9";
  g.expires_in_s = 60;
  g.resource_url = "portal.qwen.ai";
  spit(store.file(), creds_json("a1", "r1", 5, "\"email\":\"u@example.com\","));
  CHECK_FALSE(store.save_login(g));
  auto c = parse_credentials(slurp(store.file()));
  CHECK(c.access_token == "a9");
  CHECK(c.document["email"] == "u@example.com");
  spit(store.file(), "garbage");
  auto aside = store.save_login(g);
  REQUIRE(aside);
  CHECK(slurp(*aside) == "garbage");
  CHECK(parse_credentials(slurp(store.file())).access_token == "a9");
  CHECK(store.remove());
  CHECK_FALSE(store.remove());
}

TEST_CASE("a login into a missing home creates it private", "[store]") {
  ScratchDir dir;
  StoreOptions o;
  o.home = dir.file("new-home");
  CredentialStore store(o);
  TokenGrant g;
  g.access_token = "a";
  store.save_login(g);
  CHECK(file_mode(o.home) == 0700);
  CHECK(file_mode(store.file()) == 0600);
}

TEST_CASE("many processes with an expired token: one refresh, one token for all", "[store]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow - 1));
  const std::string calls_file = home.file("calls");
  constexpr int kProcesses = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      int code = 0;
      try {
        CredentialStore store(options_for(home));
        Refresher slow = [&](const std::string &refresh_token) {
          spit(calls_file + "." + std::to_string(getpid()), "called");
          std::this_thread::sleep_for(std::chrono::milliseconds(100));  // widen the race window
          RefreshResult r;
          r.grant.access_token = "access-after-" + refresh_token;
          r.grant.refresh_token = "rotated-" + refresh_token;
          r.grant.expires_in_s = 3600;
          return r;
        };
        code = store.usable(false, "", slow).access_token == "access-after-r1" ? 0 : 5;
      } catch (...) {
        code = 6;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
  }
  int calls = 0;
  for (auto &e : std::filesystem::directory_iterator(home.path()))
    if (e.path().filename().string().rfind("calls.", 0) == 0) ++calls;
  CHECK(calls == 1);
  CHECK(parse_credentials(slurp(home.file("oauth_creds.json"))).refresh_token == "rotated-r1");
}

// --- Credentials stay with their origin -------------------------------------------------------------------

namespace {

StoreOptions options_with_server(const ScratchDir &home, const std::string &url, const std::string &source) {
  StoreOptions o = options_for(home);
  o.server = OAuthServer{url, source};
  return o;
}

}  // namespace

TEST_CASE("a login Qwen Code wrote (no issuer) is refreshed only at the default server, whatever its spelling",
          "[store][origin]") {
  for (const char *spelling : {"https://chat.qwen.ai", "HTTPS://Chat.Qwen.AI", "https://chat.qwen.ai:443/"}) {
    CAPTURE(spelling);
    ScratchDir home;
    spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow - 1));
    CredentialStore store(options_with_server(home, spelling, "[plugins.qwen-oauth] base_url"));
    FakeServer server;
    CHECK(store.usable(false, "", server.refresher()).access_token == "access-after-r1");
    CHECK(server.calls == 1);
    // Qwen Code's file stays Qwen Code's: no field is added by a refresh.
    CHECK_FALSE(parse_credentials(slurp(store.file())).document.contains("issuer"));
  }
}

TEST_CASE("another configured OAuth server never receives the refresh token, and the login is kept byte for byte",
          "[store][origin]") {
  const char *elsewhere[] = {"http://127.0.0.2:8080", "https://chat.qwen.ai.evil.example", "http://chat.qwen.ai",
                             "https://chat.qwen.ai:8443", "https://chat.qwen.ai@127.0.0.2", "HTTPS://EVIL.example"};
  for (const char *url : elsewhere) {
    CAPTURE(url);
    ScratchDir home;
    const std::string text = creds_json("a1", "r1", kNow - 1, "\"email\":\"u@example.com\",");
    spit(home.file("oauth_creds.json"), text);
    CredentialStore store(options_with_server(home, url, "QWEN_OAUTH_BASE_URL"));
    FakeServer server;
    server.kind = RefreshResult::Kind::InvalidGrant;  // what an attacker's server would answer
    auto e = error_of([&] { store.usable(false, "", server.refresher()); });
    CHECK(server.calls == 0);
    CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
    CHECK(contains(e.what(), "issued by https://chat.qwen.ai"));
    CHECK(contains(e.what(), "QWEN_OAUTH_BASE_URL"));
    CHECK(contains(e.what(), "qwen auth login"));
    CHECK_FALSE(contains(e.what(), "r1\""));
    CHECK(slurp(store.file()) == text);
    CHECK(access(store.lock_file().c_str(), F_OK) != 0);  // not even the lock was taken
    // A forced refresh (after a 401) is refused the same way.
    CHECK(error_of([&] { store.usable(true, "a1", server.refresher()); }).status() == QWEN_ERR_AUTH_REQUIRED);
    CHECK(server.calls == 0);
  }
}

TEST_CASE("a login records its issuer, and only that server refreshes it later", "[store][origin]") {
  ScratchDir home;
  TokenGrant g;
  g.access_token = "a9";
  g.refresh_token = "r9";
  g.expires_in_s = 1;  // already within the refresh margin
  {
    CredentialStore store(options_with_server(home, "http://127.0.0.1:4321", "QWEN_OAUTH_BASE_URL"));
    store.save_login(g);
    auto on_disk = nlohmann::ordered_json::parse(slurp(store.file()));
    CHECK(on_disk["issuer"] == "http://127.0.0.1:4321");
    CHECK(on_disk.begin().key() == "access_token");  // Qwen Code's fields first, ours after
  }
  {
    CredentialStore store(options_with_server(home, "https://chat.qwen.ai", "the default"));
    FakeServer server;
    auto e = error_of([&] { store.usable(false, "", server.refresher()); });
    CHECK(server.calls == 0);
    CHECK(contains(e.what(), "issued by http://127.0.0.1:4321"));
    CHECK(contains(e.what(), "Set QWEN_OAUTH_BASE_URL"));
  }
  {
    CredentialStore store(options_with_server(home, "HTTP://127.0.0.1:4321/", "QWEN_OAUTH_BASE_URL"));
    FakeServer server;
    CHECK(store.usable(false, "", server.refresher()).access_token == "access-after-r9");
    CHECK(server.calls == 1);
    CHECK(parse_credentials(slurp(store.file())).issuer == "http://127.0.0.1:4321");  // kept by the refresh
  }
}

TEST_CASE("a password in a server URL is not repeated in the refusal", "[store][origin]") {
  ScratchDir home;
  spit(home.file("oauth_creds.json"), creds_json("a1", "r1", kNow - 1));
  CredentialStore store(options_with_server(home, "https://me:hunter2@sso.example", "QWEN_OAUTH_BASE_URL"));
  FakeServer server;
  auto e = error_of([&] { store.usable(false, "", server.refresher()); });
  CHECK_FALSE(contains(e.what(), "hunter2"));
  CHECK(contains(e.what(), "https://me:****@sso.example"));
}

TEST_CASE("the mode of a file behind a symbolic link is never changed", "[store][files]") {
  ScratchDir home, elsewhere;
  const std::string target = elsewhere.file("victim");
  const std::string text = creds_json("linked-access", "r1", kNow + 3600000);
  spit(target, text);
  REQUIRE(chmod(target.c_str(), 0644) == 0);
  REQUIRE(symlink(target.c_str(), home.file("oauth_creds.json").c_str()) == 0);
  std::vector<std::string> warnings;
  CredentialStore store(options_for(home, &warnings));
  store.load();
  CHECK(file_mode(target) == 0644);
  CHECK(slurp(target) == text);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "symbolic link"));
  CHECK(contains(warnings[0], "0644"));
}

TEST_CASE("a hard link's mode is not changed either (it may be another file's other name)", "[store][files]") {
  ScratchDir home;
  const std::string other = home.file("other-name");
  spit(other, creds_json("hard-linked", "r1", kNow + 3600000));
  REQUIRE(chmod(other.c_str(), 0644) == 0);
  REQUIRE(link(other.c_str(), home.file("oauth_creds.json").c_str()) == 0);
  std::vector<std::string> warnings;
  CredentialStore store(options_for(home, &warnings));
  store.load();
  CHECK(file_mode(other) == 0644);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "hard link"));
}
