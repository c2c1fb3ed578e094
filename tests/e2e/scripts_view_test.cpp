// What a script sees when qwen fails (README "Exit statuses"): with --output-format json or stream-json a
// failure of the host itself (a broken config.toml, an unknown --auth-type or --frontend) is on stdout too,
// in the shape of a failed answer; `qwen auth login` without a terminal says how to give the key (exit 4)
// and asks nothing when the key is there; `qwen auth logout` says what it removed and what it could not,
// in one message; `qwen auth bogus` names the word it did not know.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-scripts-view-key-6061";

nlohmann::json only_json_line(const std::string &out) {
  INFO(out);
  REQUIRE(!out.empty());
  REQUIRE(out.back() == '\n');
  REQUIRE(out.find('\n') == out.size() - 1);  // exactly one line
  auto j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

size_t count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("scripts: host failures print the error on stdout too with json and stream-json", "[headless][errors]") {
  TempDir home;
  struct Case {
    const char *what;
    std::string config;
    std::vector<std::string> args;
    int code;
    const char *status;
    const char *words;
  };
  const Case cases[] = {
      {"config syntax error", "auth = = broken\n", {}, 3, "bad_input", "config.toml:1:"},
      {"unknown --auth-type", "", {"--auth-type", "nosuch"}, 3, "bad_input", "nosuch"},
      {"missing front-end plugin", "", {"--frontend", "nosuch"}, 3, "bad_input", "nosuch"},
      {"--auth-type that is not an id", "", {"--auth-type", "../evil"}, 3, "bad_input", "'../evil' is not"},
      // The command line itself is refused: the format asked for is still honoured.
      {"unknown flag", "", {"--no-such-flag"}, 3, "bad_input", "--no-such-flag"},
  };
  for (const auto &c : cases) {
    DYNAMIC_SECTION(c.what) {
      home.write(".qwen/config.toml", c.config);
      std::vector<std::string> args = c.args;
      args.insert(args.end(), {"-p", "hi", "--output-format"});
      {
        auto a = args;
        a.push_back("json");
        auto r = run_qwen(home, a, with_env({{"OPENAI_API_KEY", kKey}}));
        INFO(r.out << r.err);
        CHECK(r.exit_code == c.code);
        auto j = only_json_line(r.out);
        CHECK(j["error"]["code"] == c.code);
        CHECK(j["error"]["message"].get<std::string>().find(c.words) != std::string::npos);
        CHECK(j["response"] == "");
        CHECK(j["usage"].is_object());
        CHECK(r.err.find("qwen: error: ") != std::string::npos);  // and the usual line on stderr
      }
      {
        auto a = args;
        a.push_back("stream-json");
        auto r = run_qwen(home, a, with_env({{"OPENAI_API_KEY", kKey}}));
        INFO(r.out << r.err);
        CHECK(r.exit_code == c.code);
        auto j = only_json_line(r.out);
        CHECK(j["type"] == "error");
        CHECK(j["status"] == c.status);
        CHECK(j["exit_code"] == c.code);
        CHECK(j["message"].get<std::string>().find(c.words) != std::string::npos);
      }
      {
        // Plain text stays as it was: stderr only.
        auto a = c.args;
        a.insert(a.end(), {"-p", "hi"});
        auto r = run_qwen(home, a, with_env({{"OPENAI_API_KEY", kKey}}));
        CHECK(r.exit_code == c.code);
        CHECK(r.out.empty());
      }
    }
  }
}

TEST_CASE("scripts: auth login for the API key method without a terminal says how to give the key (exit 4)",
          "[headless][auth]") {
  TempDir home;
  {
    auto r = run_qwen(home, {"auth", "login", "--auth-type", "openai"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("cannot ask for an API key without a terminal") != std::string::npos);
    CHECK(r.err.find("Set OPENAI_API_KEY") != std::string::npos);
    CHECK(r.out.empty());
  }
  {
    auto r = run_qwen(home, {"auth", "login", "--auth-type", "openai", "--output-format", "stream-json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    auto j = only_json_line(r.out);
    CHECK(j["type"] == "error");
    CHECK(j["status"] == "auth_required");
    CHECK(j["exit_code"] == 4);
  }
  {
    // With the key set there is nothing to ask: signed in, and the key is named only in its short form.
    auto r = run_qwen(home, {"auth", "login", "--auth-type", "openai"}, with_env({{"OPENAI_API_KEY", kKey}}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("Nothing to ask: the API key comes from the environment (OPENAI_API_KEY)") != std::string::npos);
    CHECK(r.err.find("cannot ask") == std::string::npos);
    CHECK(r.out == "Signed in with OpenAI-compatible API key.\n");
    CHECK((r.out + r.err).find(kKey) == std::string::npos);
  }
}

TEST_CASE("scripts: auth logout for the API key method says the key in ~/.qwen/.env still signs in",
          "[headless][auth]") {
  TempDir home;
  home.write(".qwen/.env", std::string("OPENAI_API_KEY=") + kKey + "\n");
  auto r = run_qwen(home, {"auth", "logout", "--auth-type", "openai"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  const std::string env_file = (home.path() / ".qwen/.env").string();
  CHECK(r.err.find("No API key of the default account was kept by qwen.") != std::string::npos);
  CHECK(r.err.find("from OPENAI_API_KEY in " + env_file + " still signs you in") != std::string::npos);
  CHECK(r.err.find("delete the OPENAI_API_KEY line from " + env_file + " to sign out") != std::string::npos);
  CHECK(r.out.find("Signed out") == std::string::npos);  // that would not be true
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
  // And indeed: the method is still ready.
  auto status = run_qwen(home, {"auth", "status", "--auth-type", "openai"});
  CHECK(status.out.find("state: ready") != std::string::npos);

  // From the environment: the words say so.
  TempDir other;
  auto e = run_qwen(other, {"auth", "logout", "--auth-type", "openai"}, with_env({{"OPENAI_API_KEY", kKey}}));
  CHECK(e.exit_code == 0);
  CHECK(e.err.find("unset OPENAI_API_KEY to sign out") != std::string::npos);
  // Nothing anywhere: signed out, said once.
  TempDir none;
  auto n = run_qwen(none, {"auth", "logout", "--auth-type", "openai"});
  INFO(n.out << n.err);
  CHECK(n.exit_code == 0);
  CHECK(count(n.out + n.err, "signed out") + count(n.out + n.err, "Signed out") == 1);
}

TEST_CASE("scripts: auth logout of Qwen OAuth says one thing: signed out, or there was nothing to remove",
          "[headless][auth][oauth]") {
  FakeProvider p;
  TempDir home;
  const std::map<std::string, std::string> env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  {
    auto r = run_qwen(home, {"auth", "logout", "--auth-type", "qwen-oauth"}, with_env(env));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("there were no Qwen OAuth credentials to remove") != std::string::npos);
    CHECK(r.out.find("Signed out") == std::string::npos);
  }
  home.write(".qwen/oauth_creds.json",
             "{\"access_token\": \"scripts-view-access-0123456789\", \"refresh_token\": "
             "\"scripts-view-refresh-0123456789\", \"token_type\": \"Bearer\", \"expiry_date\": 99999999999999}");
  std::filesystem::permissions(home.path() / ".qwen/oauth_creds.json",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  {
    auto r = run_qwen(home, {"auth", "logout", "--auth-type", "qwen-oauth"}, with_env(env));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Signed out of Qwen OAuth.\n");
    CHECK(r.err.find("no Qwen OAuth credentials") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen/oauth_creds.json"));
  }
}

TEST_CASE("scripts: qwen auth with an unknown word names it and what there is", "[cli]") {
  TempDir home;
  // `qwen auth METHOD` signs in with that method (Qwen Code's verbs): an unknown one is no installed method.
  auto r = run_qwen(home, {"auth", "bogus"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no sign-in method plugin 'bogus'") != std::string::npos);
  CHECK(r.err.find("A subcommand is required") == std::string::npos);
  auto none = run_qwen(home, {"auth"});
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("`qwen auth` needs a subcommand: use login, logout, status, token, list, switch, or a sign-in "
                      "method") !=
        std::string::npos);
  auto disagree = run_qwen(home, {"auth", "qwen-oauth", "--auth-type", "openai"});
  CHECK(disagree.exit_code == 3);
  CHECK(disagree.err.find("`qwen auth qwen-oauth` and --auth-type openai disagree") != std::string::npos);
  auto flag = run_qwen(home, {"auth", "--bogus"});
  CHECK(flag.exit_code == 3);
  CHECK(flag.err.find("--bogus") != std::string::npos);
  // The real ones still parse, options after them too.
  auto ok = run_qwen(home, {"auth", "status", "--auth-type", "openai", "--debug"});
  CHECK(ok.exit_code == 4);  // parsed and answered: signed out (no key), as a script reads it
  CHECK(ok.out.find("method: openai\n") == 0);
}

TEST_CASE("scripts: the model's source reads --model for the flag and the session's choice for model.set",
          "[session]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  QwenRunOptions o;
  o.env = {{"QWEN_PLUGIN_PATH", std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/script"},
           {"OPENAI_API_KEY", kKey},
           {"OPENAI_BASE_URL", p.base_url()}};
  auto r = run_qwen(home,
                    {"--frontend", "script", "--auth-type", "openai", "-m", "flag-model", "-p",
                     "session.stats; model.set chosen-model; session.stats"},
                    o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("auth.model=flag-model from --model") != std::string::npos);
  CHECK(r.out.find("auth.model=chosen-model from the session's choice") != std::string::npos);
  CHECK(r.out.find("from flag") == std::string::npos);
}

TEST_CASE("scripts: an oversized oauth_creds.json is said to be too large, not to have the bytes read",
          "[headless][oauth]") {
  TempDir home;
  home.write(".qwen/oauth_creds.json", std::string(3 << 20, ' '));
  auto r = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth"});
  INFO(r.out << r.err);
  CHECK((r.out + r.err).find("larger than 1 MiB") != std::string::npos);
  CHECK((r.out + r.err).find("bytes long") == std::string::npos);
}
