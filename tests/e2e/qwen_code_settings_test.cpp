// Living beside Qwen Code on one ~/.qwen: one sign-in choice in settings.json
// for both clients (a choice made in qwen is what a settings.json reader sees;
// a later change made there is followed), a workspace's choice, values qwen
// cannot use and damaged files told once while the run goes on, and the .env
// rules both clients share (DEBUG excluded from project .env files only,
// advanced.excludedEnvVars). The real binary in a temporary HOME.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-qwen-code-settings-5150";

// What Qwen Code reads: the file without its comments, through JSON.parse.
std::string selected_type_seen_by_qwen_code(const TempDir &home) {
  auto j = nlohmann::json::parse(read_file(home.path() / ".qwen/settings.json"), nullptr, false, true);
  if (j.is_discarded()) return "(not JSON)";
  auto *node = &j;
  for (const char *part : {"security", "auth", "selectedType"}) {
    if (!node->is_object() || !node->contains(part)) return "(none)";
    node = &(*node)[part];
  }
  return node->is_string() ? node->get<std::string>() : "(not a string)";
}

std::string method_of(const ProcessResult &status) {
  auto pos = status.out.find("method: ");
  return pos == std::string::npos ? "" : status.out.substr(pos + 8, status.out.find('\n', pos) - pos - 8);
}

size_t warnings_naming(const ProcessResult &r, const std::string &what) {
  size_t n = 0;
  for (size_t pos = 0; (pos = r.err.find("qwen: warning: ", pos)) != std::string::npos; ++pos) {
    auto end = r.err.find('\n', pos);
    if (r.err.substr(pos, end - pos).find(what) != std::string::npos) ++n;
  }
  return n;
}

QwenRunOptions script_frontend(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"QWEN_PLUGIN_PATH", std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/script"},
           {"OPENAI_API_KEY", kKey},
           {"OPENAI_BASE_URL", p.base_url()}};
  return o;
}

std::string approving_browser(const TempDir &home) {
  auto path = home.write("bin/approve-browser", "#!/bin/sh\nexec curl -s -o /dev/null \"$1\"\n");
  chmod(path.c_str(), 0755);
  return path.string();
}

const std::string kUserSettings =
    "{\n"
    "  // written by Qwen Code; the user's notes stay\n"
    "  \"$version\": 4,\n"
    "  \"security\": {\n"
    "    \"auth\": {\n"
    "      \"selectedType\": \"qwen-oauth\" /* the provider */\n"
    "    }\n"
    "  },\n"
    "  \"modelProviders\": {\"openai\": [{\"id\": \"m\", \"envKey\": \"MY_KEY\"}]},\n"
    "  \"env\": {\"MY_KEY\": \"sk-in-settings-not-ours\"}\n"
    "}\n";

}  // namespace

TEST_CASE("qwen-code settings: a choice made in qwen is what Qwen Code reads, written in place", "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  auto file = home.write(".qwen/settings.json", kUserSettings);
  chmod(file.c_str(), 0644);  // Qwen Code leaves it so
  auto o = script_frontend(p);
  auto r = run_qwen(home, {"--frontend", "script", "-p", "auth.select openai"}, o);
  INFO(r.out << r.err);
  CHECK(r.out.find("auth.select -> 0") != std::string::npos);
  CHECK(selected_type_seen_by_qwen_code(home) == "openai");
  std::string expected = kUserSettings;
  expected.replace(expected.find("\"qwen-oauth\" /*"), 12, "\"openai\"");
  CHECK(read_file(file) == expected);  // comments, order, other keys and their layout untouched
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen/config.toml"));  // one place for the choice
  // And qwen itself now starts with it (without a key in the environment, which would also pick openai).
  CHECK(method_of(run_qwen(home, {"auth", "status"})) == "openai");
}

TEST_CASE("qwen-code settings: a sign-in with qwen auth login is the choice Qwen Code reads", "[qwen-code]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  home.write(".qwen/settings.json", "{\"ui\": {\"theme\": \"dark\"}}\n");
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", approving_browser(home)}, {"NO_BROWSER", ""}};
  auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
  INFO(login.out << login.err);
  REQUIRE(login.exit_code == 0);
  CHECK(selected_type_seen_by_qwen_code(home) == "qwen-oauth");
  CHECK(read_file(home.path() / ".qwen/settings.json") ==
        "{\"ui\": {\"theme\": \"dark\"}, \"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen/config.toml"));

  // Without a settings.json nothing is created (a qwen-only user's files stay as they were).
  TempDir plain;
  QwenRunOptions o2;
  o2.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", approving_browser(plain)}, {"NO_BROWSER", ""}};
  REQUIRE(run_qwen(plain, {"auth", "login", "--auth-type", "qwen-oauth"}, o2).exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(plain.path() / ".qwen/settings.json"));
  CHECK_FALSE(std::filesystem::exists(plain.path() / ".qwen/config.toml"));
}

TEST_CASE("qwen-code settings: a switch made in Qwen Code after a qwen choice is followed", "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  // An older qwen remembered its choice in config.toml; Qwen Code has a settings.json.
  home.write(".qwen/config.toml", "auth = \"qwen-oauth\"\n");
  auto file = home.write(".qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}\n");
  auto o = script_frontend(p);
  auto r = run_qwen(home, {"--frontend", "script", "-p", "auth.select openai"}, o);
  INFO(r.out << r.err);
  CHECK(r.out.find("auth.select -> 0") != std::string::npos);
  CHECK(selected_type_seen_by_qwen_code(home) == "openai");
  CHECK(read_file(home.path() / ".qwen/config.toml") == "auth = \"openai\"\n");  // kept in agreement
  CHECK(method_of(run_qwen(home, {"auth", "status"}, o)) == "openai");
  // Now the user switches in Qwen Code, which rewrites its file.
  home.write(".qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}, \"$version\": 4}\n");
  CHECK(method_of(run_qwen(home, {"auth", "status"}, o)) == "qwen-oauth");
}

TEST_CASE("qwen-code settings: settings.json that is a link is read but never written through", "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home, dotfiles;
  const std::string content = "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}\n";
  auto target = dotfiles.write("settings.json", content);
  std::filesystem::create_directories(home.path() / ".qwen");
  std::filesystem::create_symlink(target, home.path() / ".qwen/settings.json");
  auto o = script_frontend(p);
  CHECK(method_of(run_qwen(home, {"auth", "status"}, o)) == "qwen-oauth");
  auto r = run_qwen(home, {"--frontend", "script", "-p", "auth.select openai"}, o);
  INFO(r.err);
  CHECK(r.out.find("auth.select -> 0") != std::string::npos);
  CHECK(warnings_naming(r, "symbolic link") == 1);
  CHECK(read_file(target) == content);
  CHECK(std::filesystem::is_symlink(home.path() / ".qwen/settings.json"));
}

TEST_CASE("qwen-code settings: a workspace .qwen/settings.json chooses for that project", "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}\n");
  home.write("proj/.qwen/settings.json", "// the project's\n{\"security\": {\"auth\": {\"selectedType\": \"openai\"}}}\n");
  auto o = script_frontend(p);
  o.cwd = (home.path() / "proj").string();
  auto r = run_qwen(home, {"-p", "hello"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hello") != std::string::npos);  // openai, from the workspace's file
  CHECK(method_of(run_qwen(home, {"auth", "status"}, o)) == "openai");
  // Outside the project, the user's choice.
  o.cwd = home.path().string();
  CHECK(method_of(run_qwen(home, {"auth", "status"}, o)) == "qwen-oauth");

  // A hostile workspace: a path instead of an id, a link planted in place of the file.
  o.cwd = (home.path() / "proj").string();
  home.write("proj/.qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"../../tmp/evil\"}}}");
  auto path = run_qwen(home, {"auth", "status"}, o);
  CHECK(method_of(path) == "qwen-oauth");
  CHECK(warnings_naming(path, "proj/.qwen/settings.json: security.auth.selectedType") == 1);
  std::filesystem::remove(home.path() / "proj/.qwen/settings.json");
  std::filesystem::create_symlink(home.path() / ".qwen/settings.json", home.path() / "proj/.qwen/settings.json");
  auto link = run_qwen(home, {"auth", "status"}, o);
  CHECK(method_of(link) == "qwen-oauth");
  CHECK(warnings_naming(link, "symbolic link") == 1);
}

TEST_CASE("qwen-code settings: a method qwen lacks falls back with one warning, and the run answers", "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"anthropic\"}}}\n");
  auto r = run_qwen(home, {"-p", "hi"}, with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  INFO(r.err);
  CHECK(r.exit_code == 0);  // was 3: "no sign-in method plugin 'anthropic'"
  CHECK(r.out.find("You said: hi") != std::string::npos);
  CHECK(warnings_naming(r, "") == 1);
  CHECK(warnings_naming(r, (home.path() / ".qwen/settings.json").string() +
                               ": security.auth.selectedType \"anthropic\" is not a sign-in method qwen has") == 1);
  CHECK(warnings_naming(r, "using openai instead") == 1);
  CHECK(warnings_naming(r, "qwen signs in with qwen-oauth, openai") == 1);
}

TEST_CASE("qwen-code settings: a malformed settings.json is told with its position, and the run goes on",
          "[qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json",
             "{\n  \"env\": {\"MY_KEY\": \"sk-in-broken-settings-77\"},\n  \"security\": {\"auth\": {\"selectedType\": "
             "\"qwen-oauth\",}}\n}\n");
  auto r = run_qwen(home, {"-p", "hi"}, with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hi") != std::string::npos);
  CHECK(warnings_naming(r, "") == 1);
  CHECK(warnings_naming(r, (home.path() / ".qwen/settings.json").string() + ":3:54: not valid JSON") == 1);
  CHECK(r.err.find("sk-in-broken") == std::string::npos);
  // /auth then keeps the choice in config.toml (the damaged file is left as it was).
  const std::string before = read_file(home.path() / ".qwen/settings.json");
  auto o = script_frontend(p);
  auto select = run_qwen(home, {"--frontend", "script", "-p", "auth.select openai"}, o);
  CHECK(select.out.find("auth.select -> 0") != std::string::npos);
  CHECK(read_file(home.path() / ".qwen/settings.json") == before);
  CHECK(read_file(home.path() / ".qwen/config.toml") == "auth = \"openai\"\n");
}

TEST_CASE("qwen-code settings: DEBUG from ~/.env is honoured, from a project .env it is not", "[qwen-code][dotenv]") {
  TempDir home, elsewhere;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  home.write(".env", "DEBUG=1\n");
  QwenRunOptions o;
  o.cwd = elsewhere.path().string();
  auto from_home = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(from_home.err.find("qwen: debug:") != std::string::npos);  // was excluded like a project's
  // Also when the walk up from a folder under HOME reaches ~/.env.
  home.write("work/sub/.keep", "");
  o.cwd = (home.path() / "work/sub").string();
  CHECK(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o).err.find("qwen: debug:") != std::string::npos);
  // A project's .env may not turn it on.
  home.write("work/.env", "DEBUG=1\nDEBUG_MODE=true\n");
  CHECK(run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o).err.find("qwen: debug:") == std::string::npos);
}

TEST_CASE("qwen-code settings: advanced.excludedEnvVars is honoured and replaces the default list", "[qwen-code][dotenv]") {
  TempDir home;
  home.write(".qwen/settings.json", "{\"advanced\": {\"excludedEnvVars\": [\"OPENAI_MODEL\"]}}\n");
  home.write("proj/.env", "OPENAI_MODEL=from-project-env\nDEBUG=1\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "proj").string();
  auto st = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  INFO(st.out << st.err);
  CHECK(st.out.find("from-project-env") == std::string::npos);
  CHECK(st.out.find("model: qwen3-coder-plus from default") != std::string::npos);
  CHECK(st.err.find("qwen: debug:") != std::string::npos);  // the list replaced DEBUG, DEBUG_MODE, as in Qwen Code
  // With qwen's own list too, both apply.
  home.write(".qwen/config.toml", "excluded_env_vars = [\"DEBUG\"]\n");
  auto both = run_qwen(home, {"auth", "status", "--auth-type", "openai"}, o);
  CHECK(both.out.find("from-project-env") == std::string::npos);
  CHECK(both.err.find("qwen: debug:") == std::string::npos);
}

TEST_CASE("Qwen Code's security.auth.enforcedType: the enforced method is used, another is refused with Qwen Code's "
          "words, and /auth cannot switch away",
          "[qwen-code][enforced]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", "{\n  // an administrator's rule\n  \"security\": {\"auth\": {\"enforcedType\": \"openai\"}}\n}\n");
  // Nothing chosen: the enforced method, not the default qwen-oauth.
  auto r = run_qwen(home, {"auth", "status"});
  CHECK(method_of(r) == "openai");
  // Another method asked for: refused before anything is sent, exit 4 (sign in with the right one).
  r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, with_env({{"OPENAI_API_KEY", kKey}}));
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("The configured auth type is openai, but the current auth type is qwen-oauth. Please "
                   "re-authenticate with the correct type.") != std::string::npos);
  CHECK(p.chat_bodies().empty());
  // In a session, auth.select (what /auth does) of another method is refused and the session goes on.
  auto o = script_frontend(p);
  r = run_qwen(home, {"--frontend", "script", "-p", "auth.select qwen-oauth; say still here"}, o);
  CHECK(r.out.find("Authentication is enforced to be openai, but you are choosing qwen-oauth") != std::string::npos);
  CHECK(r.out.find("answer: Hello from the fake provider. You said: still here") != std::string::npos);
  CHECK(selected_type_seen_by_qwen_code(home) == "(none)");  // nothing was remembered
}
