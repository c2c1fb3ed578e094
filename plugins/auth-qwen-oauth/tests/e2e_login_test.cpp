// `qwen auth login|logout|status --auth-type qwen-oauth` end to end: the real
// binary, the device flow against the fake provider, and what lands on disk.
#include <catch2/catch.hpp>

#include <signal.h>

#include <regex>
#include <sstream>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {

const std::vector<std::string> kLogin = {"auth", "login", "--auth-type", "qwen-oauth"};

QwenRunOptions with_browser(const FakeProvider &p, const TempDir &home) {
  QwenRunOptions o = oauth_env(p);
  o.env["BROWSER"] = write_approving_browser(home);
  o.env["NO_BROWSER"] = "";
  return o;
}

}  // namespace

TEST_CASE("qwen auth login signs in through the browser and writes Qwen Code's file", "[login]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  auto r = run_qwen(home, kLogin, with_browser(p, home));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "Signed in with Qwen OAuth"));
  CHECK(contains(r.err, "/authorize?user_code="));
  CHECK(p.stat("device_code_requests") == 1);

  // The file: Qwen Code's keys in its order, milliseconds, 0600, in a 0700 folder.
  const std::string text = read_file(creds_path(home));
  auto creds = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (auto it = creds.begin(); it != creds.end(); ++it) keys.push_back(it.key());
  // Qwen Code's keys in its order, then qwen's one addition: where the login came from.
  CHECK(keys == std::vector<std::string>{"access_token", "refresh_token", "token_type", "resource_url", "expiry_date",
                                         "issuer"});
  CHECK(creds["issuer"] == p.root_url());
  CHECK(creds["token_type"] == "Bearer");
  CHECK(creds["resource_url"] == p.root_url());
  int64_t expiry = creds["expiry_date"].get<int64_t>();
  CHECK(expiry > now_ms() + 3500 * 1000);
  CHECK(expiry < now_ms() + 3700 * 1000);
  CHECK(file_mode(creds_path(home)) == 0600);
  CHECK(file_mode(home.path() / ".qwen") == 0700);
  CHECK_FALSE(file_exists(lock_path(home)));
  CHECK(text.back() == '}');  // JSON.stringify(x, null, 2): no trailing newline
  // The token never reaches the terminal.
  CHECK_FALSE(contains(r.out + r.err, creds["access_token"].get<std::string>()));

  // The requests, exactly as Qwen Code makes them.
  auto device = p.logged_requests("/api/v1/oauth2/device/code");
  REQUIRE(device.size() == 1);
  const std::string body = device[0]["body"];
  CHECK(contains(body, "client_id=f0304373b74a44d2b584a3fb70ca9e56"));
  CHECK(contains(body, "scope=openid%20profile%20email%20model.completion"));
  CHECK(contains(body, "code_challenge_method=S256"));
  // Whole bodies, fields in Qwen Code's order (its poll puts client_id second, unlike the SDK's own grant).
  CHECK(std::regex_match(body, std::regex("client_id=f0304373b74a44d2b584a3fb70ca9e56&scope=openid%20profile%20"
                                          "email%20model.completion&code_challenge=[A-Za-z0-9_-]{43}&"
                                          "code_challenge_method=S256")));
  CHECK(device[0]["headers"]["content-type"] == "application/x-www-form-urlencoded");
  CHECK(device[0]["headers"]["accept"] == "application/json");
  CHECK(std::regex_match(device[0]["headers"].value("user-agent", ""), std::regex("QwenCode/.+")));
  CHECK(std::regex_match(device[0]["headers"].value("x-request-id", ""), std::regex("[0-9a-f-]{36}")));
  CHECK_FALSE(device[0]["headers"].contains("authorization"));  // a public client
  auto polls = p.logged_requests("/api/v1/oauth2/token");
  REQUIRE_FALSE(polls.empty());
  CHECK(std::regex_match(polls.back()["body"].get<std::string>(),
                         std::regex("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&"
                                    "client_id=f0304373b74a44d2b584a3fb70ca9e56&device_code=[^&]+&"
                                    "code_verifier=[A-Za-z0-9_-]{43}")));
  CHECK(polls.back()["headers"].value("user-agent", "") == device[0]["headers"].value("user-agent", ""));
  CHECK_FALSE(polls.back()["headers"].contains("x-request-id"));  // Qwen Code sends one on the device code only

  // And the login is usable at once, headless.
  auto chat = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, oauth_env(p));
  INFO(chat.err);
  CHECK(chat.exit_code == 0);
  CHECK(chat.out == "Hello from the fake provider. You said: hi\n");
  auto reqs = p.logged_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["headers"]["authorization"] == "Bearer " + creds["access_token"].get<std::string>());
}

TEST_CASE("without a browser the URL and code are shown and an approval from elsewhere completes the login",
          "[login]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  BackgroundProcess login(qwen_process(home, kLogin, oauth_env(p)));
  REQUIRE(eventually([&] { return p.stat("device_code_requests") == 1; }, std::chrono::seconds(10)));
  REQUIRE(eventually([&] { return p.stat("token_polls") >= 1; }, std::chrono::seconds(10)));
  CHECK_FALSE(file_exists(creds_path(home)));  // nothing before the approval
  p.post("/__control/approve-all");
  auto r = login.wait(std::chrono::seconds(20));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::regex_search(r.err, std::regex("[A-Z]{4}-[A-Z]{4}")));  // the user code
  CHECK(contains(r.err, p.root_url() + "/authorize?user_code="));
  CHECK(file_exists(creds_path(home)));
}

TEST_CASE("a denied sign-in stops at once and writes nothing", "[login]") {
  FakeProvider p({"--interval", "0", "--oauth-mode", "deny-all"});
  TempDir home;
  auto r = run_qwen(home, kLogin, oauth_env(p));
  CHECK(r.exit_code == 5);  // QWEN_EXIT_AUTH_REJECTED
  CHECK(contains(r.err, "denied"));
  CHECK(p.stat("token_polls") == 1);
  CHECK_FALSE(file_exists(creds_path(home)));
  CHECK_FALSE(file_exists(lock_path(home)));
}

TEST_CASE("an expired code stops at once and writes nothing", "[login]") {
  FakeProvider p({"--interval", "0", "--device-expires", "0"});
  TempDir home;
  auto r = run_qwen(home, kLogin, oauth_env(p));
  CHECK(r.exit_code == 4);  // QWEN_EXIT_AUTH_REQUIRED: sign in again
  CHECK(contains(r.err, "expired"));
  CHECK(contains(r.err, "qwen auth login"));
  CHECK_FALSE(file_exists(creds_path(home)));
}

TEST_CASE("Ctrl-C while waiting for the approval cancels cleanly and writes nothing", "[login]") {
  FakeProvider p({"--interval", "1"});
  TempDir home;
  BackgroundProcess login(qwen_process(home, kLogin, oauth_env(p)));
  REQUIRE(eventually([&] { return p.stat("token_polls") >= 1; }, std::chrono::seconds(10)));
  login.signal(SIGINT);
  auto r = login.wait(std::chrono::seconds(10));
  CHECK(r.exit_code == 2);  // QWEN_EXIT_CANCELLED
  CHECK_FALSE(file_exists(creds_path(home)));
}

TEST_CASE("an HTML firewall page is reported as a web page, not a JSON error", "[login]") {
  FakeProvider p({"--oauth-mode", "html"});
  TempDir home;
  auto r = run_qwen(home, kLogin, oauth_env(p));
  CHECK(r.exit_code == 7);  // QWEN_EXIT_NETWORK (bad response)
  CHECK(contains(r.err, "web page instead of JSON"));
  CHECK_FALSE(contains(r.err, "parse error"));
  CHECK_FALSE(file_exists(creds_path(home)));
}

TEST_CASE("an answer larger than a token answer can be is refused unread and nothing is written", "[login][hostile]") {
  const std::string flood(4u << 20, ' ');  // 4 MiB of JSON whitespace: valid-looking until its end
  ConnectionCounter server("127.0.0.2", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                            std::to_string(flood.size() + 2) + "\r\n\r\n" + flood + "{}");
  TempDir home;
  auto r = run_qwen(home, kLogin, with_env({{"QWEN_OAUTH_BASE_URL", server.url()}}));
  INFO(r.err);
  CHECK(r.exit_code == 7);  // QWEN_EXIT_NETWORK (bad response)
  CHECK(contains(r.err, "the Qwen OAuth server (" + server.url() +
                            "/api/v1/oauth2/device/code) answered more than 256 KiB, more than a token answer can be"));
  CHECK(server.connections() == 1);  // not retried
  CHECK_FALSE(file_exists(creds_path(home)));
}

TEST_CASE("a bad QWEN_OAUTH_BASE_URL is a configuration error", "[login]") {
  TempDir home;
  auto r = run_qwen(home, kLogin, with_env({{"QWEN_OAUTH_BASE_URL", "chat.example.com"}}));
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "QWEN_OAUTH_BASE_URL"));
}

TEST_CASE("qwen auth status describes the login without the token, logout removes it", "[login]") {
  FakeProvider p;
  TempDir home;
  const std::string token = "status-access-token-0123456789";
  write_creds(home, creds_json(p, token, "status-refresh-token-0123456789", now_ms() + 3600 * 1000));
  auto s = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, oauth_env(p));
  INFO(s.err);
  CHECK(s.exit_code == 0);
  CHECK(contains(s.out, "method: qwen-oauth"));
  CHECK(contains(s.out, "state: signed in"));
  CHECK(contains(s.out, "credentials_file: " + creds_path(home).string()));
  CHECK(contains(s.out, "expires: in "));
  CHECK(contains(s.out, "base_url: " + p.root_url() + "/v1"));
  CHECK(contains(s.out, "model: coder-model"));
  CHECK(contains(s.out, "oauth_server: " + p.root_url()));
  CHECK(contains(s.out, "requests_today: 0 of 2,000"));
  CHECK_FALSE(contains(s.out + s.err, token));
  CHECK_FALSE(contains(s.out + s.err, "status-refresh-token"));

  auto out = run_qwen(home, {"auth", "logout", "--auth-type", "qwen-oauth"}, oauth_env(p));
  CHECK(out.exit_code == 0);
  CHECK_FALSE(file_exists(creds_path(home)));
  auto after = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, oauth_env(p));
  CHECK(contains(after.out, "not signed in"));
}

TEST_CASE("at the default server with no network: the server is named, exit 7, and nothing is written", "[login]") {
  TempDir home;
  QwenRunOptions offline;
  offline.no_network = true;  // the default is the real chat.qwen.ai: this run must not be able to reach it
  auto login = run_qwen(home, kLogin, offline);
  CHECK(login.exit_code == 7);
  CHECK(contains(login.err, "https://chat.qwen.ai/api/v1/oauth2/device/code"));
  CHECK_FALSE(file_exists(home.path() / ".qwen"));

  auto chat = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, offline);
  CHECK(chat.exit_code == 4);
  CHECK(contains(chat.err, "qwen auth login"));
  CHECK(contains(chat.err, "OPENAI_API_KEY"));

  auto status = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"}, offline);
  CHECK(contains(status.out, "oauth_server: https://chat.qwen.ai"));
  CHECK(contains(status.out, "model: coder-model"));
}

TEST_CASE("with stream-json the sign-in steps are events on stdout, one JSON object per line", "[login]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  std::vector<std::string> args = kLogin;
  args.insert(args.end(), {"--output-format", "stream-json"});
  auto r = run_qwen(home, args, with_browser(p, home));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<nlohmann::json> events;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());  // every line of stdout is JSON
    events.push_back(j);
  }
  REQUIRE(events.size() >= 2);
  CHECK(events.front()["type"] == "auth_device_code");
  const std::string code = events.front()["code"];
  CHECK(std::regex_match(code, std::regex("[A-Z]{4}-[A-Z]{4}")));
  CHECK(events.front()["url"] == p.root_url() + "/authorize?user_code=" + code);
  CHECK(events.front()["expires_in_s"].get<int64_t>() > 0);
  CHECK(events.back() == nlohmann::json{{"type", "auth_done"}, {"action", "login"}, {"method", "qwen-oauth"}});
  CHECK(contains(r.err, code));  // people reading the terminal still see it
  CHECK(file_exists(creds_path(home)));
}
