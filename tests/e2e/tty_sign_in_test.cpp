// Signing in from the terminal: the first run without credentials offers the
// choice instead of failing; /auth switches to Qwen OAuth inside a running
// session through the device flow (a test BROWSER program approves it), the
// conversation going on with the new token; the choice is remembered for the
// next start, and Qwen Code's own choice in settings.json is honoured.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-tty-sign-in-key-8080";
constexpr const char *kPrompt = "\n>";

// A BROWSER program that "clicks Allow": it fetches the URL, and the fake /authorize approves the code.
std::string approving_browser(const TempDir &home) {
  auto path = home.write("bin/approve-browser", "#!/bin/sh\nexec curl -s -o /dev/null \"$1\"\n");
  chmod(path.c_str(), 0755);
  return path.string();
}

std::map<std::string, std::string> oauth_env(const FakeProvider &p, const TempDir &home) {
  return {{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", approving_browser(home)}, {"NO_BROWSER", ""}};
}

std::string oauth_access_token(const TempDir &home) {
  auto j = nlohmann::json::parse(read_file(home.path() / ".qwen" / "oauth_creds.json"), nullptr, false);
  return j.is_object() ? j.value("access_token", "") : "";
}

std::string authorization_of_chat(const FakeProvider &p, size_t index) {
  auto requests = p.logged_requests();
  if (index >= requests.size()) return {};
  return requests[index]["headers"].value("authorization", "");
}

}  // namespace

TEST_CASE(
    "tty: /auth switches to Qwen OAuth with the device flow, the conversation goes on with its token, and "
    "the choice is remembered",
    "[tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey, "--interval", "0"});
  TempDir home;
  home.write(".qwen/config.toml", "# my settings\nmodel_note = \"kept\"\n\n[network]\nmax_retries = 0 # no retries\n");
  auto env = oauth_env(p, home);
  env["OPENAI_API_KEY"] = kKey;
  env["OPENAI_BASE_URL"] = p.base_url();
  {
    TerminalSession t(qwen_terminal(home, {}, env));
    REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key"));
    t.type_line("first question");
    REQUIRE(t.wait_for("You said: first question"));

    t.type_line("/auth");
    REQUIRE(t.wait_for("Choose 1-3"));
    std::string menu = t.screen();
    INFO(menu);
    CHECK(menu.find("1. Qwen OAuth  (recommended)") != std::string::npos);
    CHECK(menu.find("3. OpenAI-compatible API key  (current) (ready: set in the environment)") != std::string::npos);
    t.type_line("1");

    REQUIRE(t.wait_for("Signed in with Qwen OAuth; model coder-model.", 20s));
    const std::string shown = t.transcript();
    INFO(shown);
    CHECK(shown.find("Sign in to Qwen") != std::string::npos);
    CHECK(shown.find(p.root_url() + "/authorize?user_code=") != std::string::npos);
    CHECK(shown.find("  Code: ") != std::string::npos);
    // The QR code: rows of half blocks under "scan it with a phone".
    CHECK(shown.find("Or scan it with a phone:") != std::string::npos);
    CHECK(TerminalSession::count(shown, "\u2580") + TerminalSession::count(shown, "\u2584") > 50);
    CHECK(p.stat("device_code_requests") == 1);

    t.type_line("second question");
    REQUIRE(t.wait_for("You said: second question"));
    t.type_line("/stats");
    REQUIRE(t.wait_for("Qwen OAuth requests: 1 of 2,000 today"));
    CHECK(t.transcript().find("  requests   2") != std::string::npos);
    CHECK(t.transcript().find(kKey) == std::string::npos);
    const std::string token = oauth_access_token(home);
    REQUIRE_FALSE(token.empty());
    CHECK(t.transcript().find(token) == std::string::npos);
    t.press("C-d");
    REQUIRE(t.wait_for_exit());
    CHECK(t.exit_status() == 0);
    CHECK(t.terminal_is_sane());
  }

  const std::string token = oauth_access_token(home);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(authorization_of_chat(p, 0) == std::string("Bearer ") + kKey);
  CHECK(authorization_of_chat(p, 1) == "Bearer " + token);
  // The whole conversation went to the new method.
  REQUIRE(bodies[1]["messages"].size() == 3);
  CHECK(bodies[1]["messages"][0]["content"] == "first question");
  CHECK(bodies[1]["messages"][1]["content"] == "Hello from the fake provider. You said: first question");
  CHECK(bodies[1]["messages"][2]["content"] == "second question");
  CHECK(bodies[1]["model"] == "coder-model");

  // Remembered, and what the user wrote is still there.
  const std::string config = read_file(home.path() / ".qwen" / "config.toml");
  CHECK(config.find("auth = \"qwen-oauth\"") != std::string::npos);
  CHECK(config.find("auth = \"qwen-oauth\"") < config.find("[network]"));  // a top-level key, not in [network]
  CHECK(config.find("# my settings\n") != std::string::npos);
  CHECK(config.find("model_note = \"kept\"") != std::string::npos);
  CHECK(config.find("max_retries = 0 # no retries") != std::string::npos);

  // The next start uses Qwen OAuth without asking, even with the API key still in the environment.
  TerminalSession next(qwen_terminal(home, {}, env));
  REQUIRE(next.wait_for("Signed in with Qwen OAuth; model coder-model."));
  next.type_line("third question");
  REQUIRE(next.wait_for("You said: third question"));
  CHECK(next.transcript().find("How do you want to sign in?") == std::string::npos);
  CHECK(authorization_of_chat(p, 2) == "Bearer " + token);
  CHECK(p.stat("device_code_requests") == 1);
}

TEST_CASE("tty: the first run without credentials offers the sign-in, Qwen OAuth first, and signs in",
          "[tty][terminal][auth]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, oauth_env(p, home)));
  REQUIRE(t.wait_for("How do you want to sign in?"));
  REQUIRE(t.wait_for("Choose 1-3 (Enter for 1):"));
  std::string screen = t.screen();
  INFO(screen);
  CHECK(screen.find("No sign-in yet.\n") != std::string::npos);
  CHECK(screen.find("oauth_creds.json") == std::string::npos);  // the long reason is for --debug
  CHECK(screen.find("1. Qwen OAuth  (recommended) (current)") != std::string::npos);
  CHECK(screen.find("3. OpenAI-compatible API key") != std::string::npos);
  CHECK_FALSE(t.exit_status().has_value());  // waiting for the user, not failed
  t.press("Enter");
  REQUIRE(t.wait_for("Signed in with Qwen OAuth; model coder-model.", 20s));
  t.type_line("hello");
  REQUIRE(t.wait_for("You said: hello"));
  CHECK(authorization_of_chat(p, 0) == "Bearer " + oauth_access_token(home));
  t.type_line("/quit");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
}

TEST_CASE("tty: choosing the API key method asks for the key with hidden input, then answers",
          "[tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  // Nothing configured: the default base URL is a remote one, which needs a key (a loopback server would not).
  TerminalSession t(qwen_terminal(home, {}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Choose 1-3"));
  t.type_line("3");
  REQUIRE(t.wait_for("API key (input hidden"));
  t.type_line(kKey);
  REQUIRE(t.wait_for("Base URL: [https://"));
  t.type_line(p.base_url());
  REQUIRE(t.wait_for("Model: [qwen3-coder-plus]"));
  t.press("Enter");
  REQUIRE(t.wait_for("(readable only by you)? [Y/n]"));
  t.type_line("n");  // this session only
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key; model qwen3-coder-plus."));
  t.type_line("with a typed key");
  REQUIRE(t.wait_for("You said: with a typed key"));
  INFO(t.transcript());
  CHECK(t.transcript().find(kKey) == std::string::npos);  // never echoed, never printed
  CHECK(authorization_of_chat(p, 0) == std::string("Bearer ") + kKey);
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.terminal_is_sane());
  // The key itself is not written anywhere by the front-end.
  CHECK(read_file(home.path() / ".qwen" / "tty_history").find(kKey) == std::string::npos);
  CHECK(read_file(home.path() / ".qwen" / "config.toml").find(kKey) == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / ".env"));
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / "secrets.json"));  // the user said no
}

TEST_CASE("tty: a typed-in key is kept in the secret store when the user says yes, never in ~/.qwen/.env, and the "
          "next run uses it",
          "[tty][terminal][auth][secrets]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  // The user's own .env: read, never rewritten. Its OPENAI_MODEL comes before the model kept at sign-in.
  const std::string mine = "# mine\nOTHER_TOOL_TOKEN=keep-me\nOPENAI_MODEL=old-model\n";
  home.write(".qwen/.env", mine);
  TerminalSession t(qwen_terminal(home, {}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Choose 1-3"));
  t.type_line("3");
  REQUIRE(t.wait_for("API key (input hidden):"));
  t.type_line(kKey);
  REQUIRE(t.wait_for("Base URL: [https://"));
  t.type_line(p.base_url());
  REQUIRE(t.wait_for("Model: [old-model]"));
  t.type_line("saved-model");
  REQUIRE(t.wait_for("the key in qwen's secret store (readable only by you)? [Y/n]"));
  t.press("Enter");
  REQUIRE(t.wait_for("Kept the API key of the default account in qwen's secret store, and the base URL and the model in " +
                     home.path().string() + "/.qwen/openai_accounts.json."));
  REQUIRE(t.wait_for("Note: the model from OPENAI_MODEL in " + home.path().string() +
                     "/.qwen/.env comes before the one kept now, in later runs."));
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key; model saved-model."));
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  INFO(t.transcript());
  CHECK(t.transcript().find(kKey) == std::string::npos);

  CHECK(read_file(home.path() / ".qwen" / ".env") == mine);
  const auto secrets = home.path() / ".qwen" / "secrets.json";
  CHECK(read_file(secrets).find(kKey) != std::string::npos);
  struct stat st {};
  REQUIRE(stat(secrets.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(read_file(home.path() / ".qwen" / "openai_accounts.json").find(kKey) == std::string::npos);

  // A later headless run finds the key in the store (no variable set), the base URL kept with it, and the
  // model of the user's .env.
  auto r = run_qwen(home, {"-p", "after saving"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: after saving") != std::string::npos);
  auto requests = p.logged_requests();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back()["headers"].value("authorization", "") == std::string("Bearer ") + kKey);
  CHECK(nlohmann::json::parse(requests.back()["body"].get<std::string>())["model"] == "old-model");
}

TEST_CASE("tty: a cancelled sign-in keeps the method that worked", "[tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey, "--interval", "1"});
  TempDir home;
  home.write(".qwen/config.toml", "auth = \"openai\"\n");
  // No browser: the device code waits for an approval that never comes, until Ctrl-C.
  TerminalSession t(qwen_terminal(
      home, {}, {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key"));
  t.type_line("/auth qwen-oauth");
  REQUIRE(t.wait_for("Waiting for the sign-in to be approved"));
  t.press("C-c");
  REQUIRE(t.wait_for("Sign-in cancelled."));
  REQUIRE(t.wait_for("Still signed in with OpenAI-compatible API key."));
  t.type_line("still here");
  REQUIRE(t.wait_for("You said: still here"));
  CHECK(authorization_of_chat(p, 0) == std::string("Bearer ") + kKey);
  CHECK(read_file(home.path() / ".qwen" / "config.toml") == "auth = \"openai\"\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / "oauth_creds.json"));
}

TEST_CASE("tty: Qwen Code's choice in settings.json is honoured when qwen has none", "[tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json",
             "{\n  // Qwen Code writes comments too\n  \"security\": {\"auth\": {\"selectedType\": "
             "\"openai\"}}\n}\n");
  // No key and the default (remote) base URL: the selected method cannot be used yet.
  TerminalSession t(qwen_terminal(home, {}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  // openai is selected (from settings.json) but has no key: the sign-in choice shows it as current.
  REQUIRE(t.wait_for("Choose 1-3"));
  std::string screen = t.screen();
  INFO(screen);
  CHECK(screen.find("No sign-in yet.\n") != std::string::npos);
  CHECK(screen.find("3. OpenAI-compatible API key  (current)") != std::string::npos);
  t.press("C-c");
  REQUIRE(t.wait_for("You can sign in later with /auth."));
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
}

TEST_CASE("tty: a Qwen Code user starts signed in: its settings.json choice and its cached login are used",
          "[tty][terminal][auth]") {
  FakeProvider p;  // accepts any bearer token
  TempDir home;
  home.write(".qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}\n");
  const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(
                          (std::chrono::system_clock::now() + std::chrono::hours(1)).time_since_epoch())
                          .count();
  auto creds = home.write(".qwen/oauth_creds.json",
                          "{\"access_token\": \"qwen-code-cached-token-4711\", \"refresh_token\": \"r-4711\", "
                          "\"token_type\": \"Bearer\", \"resource_url\": \"" +
                              p.root_url() + "\", \"expiry_date\": " + std::to_string(expiry) + "}\n");
  chmod(creds.c_str(), 0600);
  // An API key in the environment would pick the openai method if Qwen Code's choice were ignored.
  TerminalSession t(qwen_terminal(
      home, {}, {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Signed in with Qwen OAuth; model coder-model."));
  t.type_line("hello from Qwen Code");
  REQUIRE(t.wait_for("You said: hello from Qwen Code"));
  CHECK(authorization_of_chat(p, 0) == "Bearer qwen-code-cached-token-4711");
  CHECK(t.transcript().find("qwen-code-cached-token-4711") == std::string::npos);
  CHECK(p.stat("device_code_requests") == 0);
}
