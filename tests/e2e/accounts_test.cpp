// Several logins of one method (plugin.h "Accounts"): two real Qwen OAuth device logins against the fake
// provider, each used by --account, listed, switched, bound to a directory and signed out of; the default
// login stays Qwen Code's oauth_creds.json byte for byte, the named one lives in the secret store. And the
// hostile inputs: bad names (flag, config), a login that does not exist, a damaged accounts.json, --account
// for a method that keeps one login.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string approving_browser(const TempDir &home) {
  auto path = home.write("bin/approve-browser", "#!/bin/sh\nexec curl -s -o /dev/null \"$1\"\n");
  chmod(path.c_str(), 0755);
  return path.string();
}

QwenRunOptions oauth_env(const FakeProvider &p, const TempDir &home) {
  return with_env({{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", approving_browser(home)}, {"NO_BROWSER", ""}});
}

// A home whose secrets go to ~/.qwen/secrets.json (no keyring is asked), with two Qwen OAuth logins: the
// default one, then "second" (which `login --account` also makes the active one).
struct TwoLogins {
  FakeProvider provider{{"--interval", "0"}};
  TempDir home;
  std::string default_creds;  // oauth_creds.json's bytes after the first login

  TwoLogins() {
    home.write(".qwen/config.toml", "# mine\n[secrets]\nstore = \"file\"\n");
    auto first = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, env());
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    default_creds = read_file(home.path() / ".qwen/oauth_creds.json");
    auto second = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth", "--account", "second"}, env());
    INFO(second.out << second.err);
    REQUIRE(second.exit_code == 0);
    CHECK(second.out.find("Signed in with Qwen OAuth (login second).") != std::string::npos);
  }

  QwenRunOptions env(const std::string &cwd = "") const {
    auto o = oauth_env(provider, home);
    o.cwd = cwd;
    return o;
  }

  std::string default_token() const {
    return nlohmann::json::parse(read_file(home.path() / ".qwen/oauth_creds.json")).value("access_token", "");
  }
  std::string second_token() const {
    const auto secrets = nlohmann::json::parse(read_file(home.path() / ".qwen/secrets.json"));
    const auto creds = secrets["secrets"]["qwen-oauth"]["second"].value("oauth_creds", "");
    return nlohmann::json::parse(creds).value("access_token", "");
  }
  // The bearer token of the newest chat request.
  std::string last_chat_token() const {
    const auto requests = provider.logged_requests();
    if (requests.empty()) return "";
    const std::string h = requests.back()["headers"].value("authorization", "");
    return h.rfind("Bearer ", 0) == 0 ? h.substr(7) : h;
  }
};

}  // namespace

TEST_CASE("accounts: two Qwen OAuth logins, each used with --account, and the default stays Qwen Code's file",
          "[accounts][oauth]") {
  TwoLogins t;
  // The second login neither touched Qwen Code's file nor went into it.
  CHECK(read_file(t.home.path() / ".qwen/oauth_creds.json") == t.default_creds);
  const std::string first = t.default_token(), second = t.second_token();
  REQUIRE_FALSE(first.empty());
  REQUIRE_FALSE(second.empty());
  CHECK(first != second);
  struct stat st {};
  REQUIRE(::stat((t.home.path() / ".qwen/secrets.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // `login --account` made "second" the active login; --account picks either one for a run.
  auto active = run_qwen(t.home, {"-p", "hello"}, t.env());
  INFO(active.out << active.err);
  REQUIRE(active.exit_code == 0);
  CHECK(t.last_chat_token() == second);
  REQUIRE(run_qwen(t.home, {"-p", "hello", "--account", "default"}, t.env()).exit_code == 0);
  CHECK(t.last_chat_token() == first);
  REQUIRE(run_qwen(t.home, {"-p", "hello", "--account", "second"}, t.env()).exit_code == 0);
  CHECK(t.last_chat_token() == second);

  // `auth token --account` prints that login's token (compared in the shell: a printed token would be kept in
  // the saved outputs, which the secrets sweep reads); `auth status --account` names the login.
  for (const auto &[account, holder] : {std::pair<std::string, std::string>{"default", "oauth_creds.json"},
                                        std::pair<std::string, std::string>{"second", "secrets.json"}}) {
    auto where = run_shell("t=$(QWEN_OAUTH_BASE_URL=" + t.provider.root_url() + " '" + QWEN_TEST_BIN +
                               "' auth token --account " + account +
                               ") && [ -n \"$t\" ] && for f in oauth_creds.json secrets.json; do "
                               "grep -qF -- \"$t\" \"$HOME/.qwen/$f\" && echo \"$f\"; done",
                           t.home.path());
    INFO(account << ": " << where.out << where.err);
    CHECK(where.out == holder + "\n");
  }
  auto status = run_qwen(t.home, {"auth", "status", "--json", "--account", "second"}, t.env());
  INFO(status.out << status.err);
  REQUIRE(status.exit_code == 0);
  const auto s = nlohmann::json::parse(status.out);
  CHECK(s["login"] == "second");
  CHECK(s["signed_in"] == true);
  CHECK(status.out.find(second) == std::string::npos);

  // `auth list`: every method and login, the active one marked, as text and as JSON (no token in either).
  auto list = run_qwen(t.home, {"auth", "list"}, t.env());
  INFO(list.out << list.err);
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("  qwen-oauth   default  signed in, expires in ") != std::string::npos);
  CHECK(list.out.find("* qwen-oauth   second   signed in, expires in ") != std::string::npos);
  CHECK(list.out.find("  openai       default  ") != std::string::npos);
  auto list_json = run_qwen(t.home, {"auth", "list", "--json"}, t.env());
  const auto l = nlohmann::json::parse(list_json.out);
  CHECK(l["active"] == nlohmann::json({{"method", "qwen-oauth"}, {"login", "second"}}));
  int oauth_logins = 0;
  for (const auto &login : l["logins"])
    if (login["method"] == "qwen-oauth") {
      ++oauth_logins;
      CHECK(login["signed_in"] == true);
      CHECK(login["active"] == (login["login"] == "second"));
    }
  CHECK(oauth_logins == 2);
  for (const auto &out : {list.out, list_json.out}) {
    CHECK(out.find(first) == std::string::npos);
    CHECK(out.find(second) == std::string::npos);
  }
}

TEST_CASE("accounts: switch is remembered, a project's account = binds its directory, an unknown login is refused",
          "[accounts][oauth]") {
  TwoLogins t;
  const std::string first = t.default_token(), second = t.second_token();
  auto to_default = run_qwen(t.home, {"auth", "switch", "qwen-oauth", "--account", "default"}, t.env());
  INFO(to_default.out << to_default.err);
  REQUIRE(to_default.exit_code == 0);
  const std::string config = read_file(t.home.path() / ".qwen/config.toml");
  CHECK(config.find("account = \"default\"") != std::string::npos);
  CHECK(config.find("# mine") != std::string::npos);  // the user's own lines stay
  REQUIRE(run_qwen(t.home, {"-p", "hi"}, t.env()).exit_code == 0);
  CHECK(t.last_chat_token() == first);

  // A project bound to the second login uses it there, and only there.
  t.home.write("work/repo/.qwen/config.toml", "account = \"second\"\n");
  const std::string repo = (t.home.path() / "work/repo").string();
  t.home.write("work/repo/src/.keep", "");
  auto bound = run_qwen(t.home, {"-p", "hi"}, t.env(repo + "/src"));
  INFO(bound.out << bound.err);
  REQUIRE(bound.exit_code == 0);
  CHECK(t.last_chat_token() == second);
  REQUIRE(run_qwen(t.home, {"-p", "hi"}, t.env()).exit_code == 0);
  CHECK(t.last_chat_token() == first);
  // --account still wins over the binding.
  REQUIRE(run_qwen(t.home, {"-p", "hi", "--account", "default"}, t.env(repo)).exit_code == 0);
  CHECK(t.last_chat_token() == first);

  // A login that does not exist: refused, exit 4, the remembered choice unchanged.
  auto unknown = run_qwen(t.home, {"auth", "switch", "--account", "nosuch"}, t.env());
  CHECK(unknown.exit_code == 4);
  CHECK(unknown.err.find("has no login named 'nosuch'") != std::string::npos);
  CHECK(read_file(t.home.path() / ".qwen/config.toml") == config);
  auto unknown_run = run_qwen(t.home, {"-p", "hi", "--account", "nosuch"}, t.env());
  CHECK(unknown_run.exit_code == 4);
  CHECK(unknown_run.err.find("qwen auth login --account nosuch") != std::string::npos);

  // Names that could be paths, options or terminal controls are refused, from the flag and from a file.
  for (const std::string &bad : std::vector<std::string>{"../../etc", "-rf", "a b", "x\x1b[31m", std::string(65, 'a'), ".hidden"}) {
    auto r = run_qwen(t.home, {"-p", "hi", "--account", bad}, t.env());
    INFO(bad);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("an account name is") != std::string::npos);
  }
  t.home.write("work/evil/.qwen/config.toml", "account = \"../../secrets\"\n");
  auto evil = run_qwen(t.home, {"-p", "hi"}, t.env((t.home.path() / "work/evil").string()));
  CHECK(evil.exit_code == 3);
  CHECK(evil.err.find("work/evil/.qwen/config.toml") != std::string::npos);
  CHECK(evil.err.find("`account` must be") != std::string::npos);
}

TEST_CASE("accounts: logout --account removes exactly that login, and a damaged accounts.json is reported and kept",
          "[accounts][oauth]") {
  TwoLogins t;
  const std::string first = t.default_token();
  auto out = run_qwen(t.home, {"auth", "logout", "--account", "second"}, t.env());
  INFO(out.out << out.err);
  REQUIRE(out.exit_code == 0);
  CHECK(out.out.find("Signed out of Qwen OAuth (login second).") != std::string::npos);
  const auto secrets = nlohmann::json::parse(read_file(t.home.path() / ".qwen/secrets.json"));
  CHECK_FALSE(secrets["secrets"].contains("qwen-oauth"));
  CHECK(read_file(t.home.path() / ".qwen/oauth_creds.json") == t.default_creds);
  // The remembered choice of the login that is gone went back to the default one.
  CHECK(read_file(t.home.path() / ".qwen/config.toml").find("account = \"default\"") != std::string::npos);
  auto list = run_qwen(t.home, {"auth", "list"}, t.env());
  CHECK(list.out.find("second") == std::string::npos);
  CHECK(list.out.find("* qwen-oauth   default  signed in") != std::string::npos);
  REQUIRE(run_qwen(t.home, {"-p", "hi"}, t.env()).exit_code == 0);
  CHECK(t.last_chat_token() == first);

  // A damaged registry: listed without its named logins, with a warning naming it, and never rewritten.
  t.home.write(".qwen/accounts.json", "{\"version\": 1, \"accounts\": {\"qwen-oauth\": [\"../x\"]}}");
  auto damaged = run_qwen(t.home, {"auth", "list"}, t.env());
  CHECK(damaged.exit_code == 0);
  CHECK(damaged.err.find("accounts.json is damaged") != std::string::npos);
  auto again = run_qwen(t.home, {"auth", "login", "--auth-type", "qwen-oauth", "--account", "third"}, t.env());
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);  // the login itself is kept; only the listing is said to be missing
  CHECK(again.err.find("qwen auth list will not show it") != std::string::npos);
  CHECK(read_file(t.home.path() / ".qwen/accounts.json") ==
        "{\"version\": 1, \"accounts\": {\"qwen-oauth\": [\"../x\"]}}");
}

TEST_CASE("accounts: --account for a method that keeps one login is refused, its login untouched", "[accounts]") {
  TempDir home;
  FakeProvider p;
  QwenRunOptions o = with_env({{"QWEN_PLUGIN_PATH", std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/secret_keeper:" +
                                                        QWEN_TEST_PLUGIN_DIR},
                               {"SECRETKEEPER_BASE_URL", p.base_url()}});
  auto r = run_qwen(home, {"auth", "login", "--auth-type", "secretkeeper", "--account", "work"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("'secretkeeper' keeps one login only") != std::string::npos);
  CHECK_FALSE(fs::exists(home.path() / ".qwen/accounts.json"));
  CHECK_FALSE(fs::exists(home.path() / ".qwen/secrets.json"));
}

TEST_CASE("tty: /auth switches to another login mid-conversation, the conversation goes on with its token",
          "[accounts][tty][terminal]") {
  TwoLogins t;
  const std::string first = t.default_token(), second = t.second_token();
  REQUIRE(run_qwen(t.home, {"auth", "switch", "--account", "default"}, t.env()).exit_code == 0);
  const auto env = t.env().env;
  TerminalSession s(qwen_terminal(t.home, {}, env));
  REQUIRE(s.wait_for("\n>"));
  s.type_line("first question");
  REQUIRE(s.wait_for("You said: first question"));
  CHECK(t.last_chat_token() == first);

  // The menu: the method, then its logins.
  s.type_line("/auth");
  REQUIRE(s.wait_for("Choose 1-"));
  s.type_line("1");
  REQUIRE(s.wait_for("Logins of Qwen OAuth:"));
  const std::string menu = s.screen();
  INFO(menu);
  CHECK(menu.find("default  (current)") != std::string::npos);
  CHECK(menu.find("second") != std::string::npos);
  s.type_line("2");
  REQUIRE(s.wait_for("Signed in with Qwen OAuth (login second)"));
  s.type_line("second question");
  REQUIRE(s.wait_for("You said: second question"));
  CHECK(t.last_chat_token() == second);
  // The conversation went on: the second request carries the first question.
  const auto bodies = t.provider.chat_bodies();
  REQUIRE(bodies.size() >= 2);
  CHECK(bodies.back().dump().find("first question") != std::string::npos);

  // And by name: /auth METHOD LOGIN.
  s.type_line("/auth qwen-oauth default");
  REQUIRE(s.wait_for("Signed in with Qwen OAuth; model", 15s, 2));  // the greeting said it once
  s.type_line("third question");
  REQUIRE(s.wait_for("You said: third question"));
  CHECK(t.last_chat_token() == first);
  s.type_line("/auth qwen-oauth no/such");
  REQUIRE(s.wait_for("Cannot use login no/such of Qwen OAuth"));
  s.type_line("/quit");
  REQUIRE(s.wait_for_exit());
  // The choice made in the terminal is remembered.
  CHECK(read_file(t.home.path() / ".qwen/config.toml").find("account = \"default\"") != std::string::npos);
}
