// The openai method's sign-in kept in the host's secret store (file backend here: no session bus), never in a
// .env file: `qwen auth api-key --with-key`, a later run that answers with it, a user's own ~/.qwen/.env that
// still wins and is never rewritten, and `qwen auth logout` that removes exactly the stored key.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "sk-openai-stored-e2e-4d1f8a";
const std::string kEnvKey = "sk-openai-dotenv-e2e-77c2b0";

// The regular files under `dir` whose bytes contain `needle`, relative to `dir`.
std::vector<std::string> files_holding(const fs::path &dir, const std::string &needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec) && read_file(it->path()).find(needle) != std::string::npos)
      out.push_back(fs::relative(it->path(), dir).string());
  return out;
}

unsigned mode_of(const fs::path &p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

ProcessResult login(const TempDir &home, const FakeProvider &p, const std::string &key) {
  QwenRunOptions o;
  o.stdin_text = key + "\n";
  return run_qwen(home, {"auth", "api-key", "--base-url", p.base_url(), "--with-key"}, o);
}

std::string last_authorization(const FakeProvider &p) {
  const auto requests = p.logged_requests();
  return requests.empty() ? "" : requests.back()["headers"].value("authorization", "");
}

}  // namespace

TEST_CASE("openai store: --with-key keeps the key in secrets.json (0600), no .env is written, a later run uses it",
          "[openai][secrets][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto r = login(home, p, kKey);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("Kept the API key of the default account in qwen's secret store") != std::string::npos);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
  CHECK(files_holding(home.path(), kKey) == std::vector<std::string>{".qwen/secrets.json"});
  CHECK(mode_of(home.path() / ".qwen/secrets.json") == 0600);
  CHECK_FALSE(fs::exists(home.path() / ".qwen/.env"));
  CHECK_FALSE(fs::exists(home.path() / ".env"));
  // The base URL went to the plugin's own file, which holds no key.
  const auto accounts = nlohmann::json::parse(read_file(home.path() / ".qwen/openai_accounts.json"));
  CHECK(accounts["default"]["base_url"] == p.base_url());
  CHECK(mode_of(home.path() / ".qwen/openai_accounts.json") == 0600);

  const auto chat = run_qwen(home, {"-p", "after login"});
  INFO(chat.out << chat.err);
  CHECK(chat.exit_code == 0);
  CHECK(chat.out.find("You said: after login") != std::string::npos);
  CHECK(last_authorization(p) == "Bearer " + kKey);
  const auto st = run_qwen(home, {"auth", "status"});
  CHECK(st.exit_code == 0);
  CHECK(st.out.find("from secret store") != std::string::npos);

  const auto out = run_qwen(home, {"auth", "logout"});
  INFO(out.out << out.err);
  CHECK(out.exit_code == 0);
  CHECK(out.err.find("Removed the API key of the default account from the secret store. Signed out.") !=
        std::string::npos);
  CHECK(files_holding(home.path(), kKey).empty());
  CHECK_FALSE(fs::exists(home.path() / ".qwen/openai_accounts.json"));
  CHECK(run_qwen(home, {"auth", "status"}).exit_code == 4);
}

TEST_CASE("openai store: a user's ~/.qwen/.env key still wins, and neither login nor logout rewrites the file",
          "[openai][secrets][auth]") {
  // The server takes both keys: the sign-in's check of kKey (GET /models) passes, and the chat shows which is sent.
  FakeProvider p({"--api-key", kEnvKey, "--api-key", kKey});
  TempDir home;
  const std::string mine = "# mine\nOTHER_TOOL_TOKEN=keep-me\nOPENAI_API_KEY=" + kEnvKey + "\n";
  const auto env_file = home.write(".qwen/.env", mine);
  ::chmod(env_file.c_str(), 0600);
  const auto r = login(home, p, kKey);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("Note: the API key from OPENAI_API_KEY in " + env_file.string() +
                   " comes before the one kept now, in later runs.") != std::string::npos);
  CHECK(read_file(env_file) == mine);
  CHECK(files_holding(home.path(), kKey) == std::vector<std::string>{".qwen/secrets.json"});

  const auto chat = run_qwen(home, {"-p", "which key"});
  CHECK(chat.exit_code == 0);
  CHECK(last_authorization(p) == "Bearer " + kEnvKey);

  const auto out = run_qwen(home, {"auth", "logout"});
  INFO(out.out << out.err);
  CHECK(out.exit_code == 0);
  CHECK(out.err.find("Removed the API key of the default account from the secret store.") != std::string::npos);
  CHECK(out.err.find("from OPENAI_API_KEY in " + env_file.string() + " still signs you in (it was not touched)") !=
        std::string::npos);
  CHECK((out.out + out.err).find(kEnvKey) == std::string::npos);
  CHECK(read_file(env_file) == mine);
  CHECK(files_holding(home.path(), kKey).empty());
}

TEST_CASE("openai store: a key with a line break or quotes is kept and sent whole, or refused, never split into a "
          "file", "[openai][secrets][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  // --with-key reads one line: what follows the first line break is not part of the key and is written nowhere.
  const auto r = login(home, p, kKey + "\nOPENAI_BASE_URL=https://attacker.example/v1");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(files_holding(home.path(), "attacker.example").empty());
  const auto chat = run_qwen(home, {"-p", "hi"});
  CHECK(chat.exit_code == 0);
  CHECK(last_authorization(p) == "Bearer " + kKey);
}

TEST_CASE("openai accounts: a named login keeps its own key and base URL, and reads no OPENAI_API_KEY",
          "[openai][secrets][auth][accounts]") {
  const std::string work_key = "sk-openai-work-account-e2e-61d0";
  FakeProvider home_server({"--api-key", kKey});
  FakeProvider work_server({"--api-key", work_key});
  TempDir home;
  REQUIRE(login(home, home_server, kKey).exit_code == 0);
  QwenRunOptions o;
  o.stdin_text = work_key + "\n";
  const auto w = run_qwen(home, {"auth", "api-key", "--account", "work", "--base-url", work_server.base_url(),
                                 "--with-key"}, o);
  INFO(w.out << w.err);
  REQUIRE(w.exit_code == 0);
  CHECK(w.err.find("Kept the API key of account 'work' in qwen's secret store, and the base URL in ") != std::string::npos);
  CHECK(nlohmann::json::parse(read_file(home.path() / ".qwen/openai_accounts.json"))["work"]["base_url"] ==
        work_server.base_url());

  // The environment would point the default account elsewhere; the named one ignores it.
  const auto env = with_env({{"OPENAI_API_KEY", kEnvKey}, {"OPENAI_BASE_URL", home_server.base_url()}});
  const auto as_work = run_qwen(home, {"-p", "as work", "--account", "work"}, env);
  INFO(as_work.out << as_work.err);
  CHECK(as_work.exit_code == 0);
  CHECK(last_authorization(work_server) == "Bearer " + work_key);
  CHECK(home_server.logged_requests().empty());
  // (Signing in to "work" made it the active login: the default one is named.)
  const auto as_default = run_qwen(home, {"-p", "as default", "--account", "default"});
  CHECK(as_default.exit_code == 0);
  CHECK(last_authorization(home_server) == "Bearer " + kKey);
  CHECK((as_work.out + as_work.err + as_default.out + as_default.err).find(work_key) == std::string::npos);

  // Logging the named account out removes its key only.
  const auto out = run_qwen(home, {"auth", "logout", "--account", "work"});
  INFO(out.out << out.err);
  CHECK(out.exit_code == 0);
  CHECK(files_holding(home.path(), work_key).empty());
  CHECK(files_holding(home.path(), kKey) == std::vector<std::string>{".qwen/secrets.json"});
  CHECK(run_qwen(home, {"-p", "default still", "--account", "default"}).exit_code == 0);
}

TEST_CASE("openai accounts: a named account's key_command and base URL from [plugins.openai.accounts.NAME]",
          "[openai][auth][accounts][key_command]") {
  const std::string ci_key = "sk-openai-ci-account-cmd-e2e-5e";
  FakeProvider server({"--api-key", ci_key});
  TempDir home;
  const fs::path helper = home.write("bin/ci-key", "#!/bin/sh\necho " + ci_key + "\n");
  ::chmod(helper.c_str(), 0700);
  home.write(".qwen/config.toml", "auth = \"openai\"\n[plugins.openai.accounts.ci]\nbase_url = \"" +
                                      server.base_url() + "\"\nkey_command = '" + helper.string() + "'\n");
  const auto in = run_qwen(home, {"auth", "login", "--account", "ci"});
  INFO(in.out << in.err);
  REQUIRE(in.exit_code == 0);
  CHECK(in.err.find("comes from key_command in [plugins.openai.accounts.ci]") != std::string::npos);
  const auto r = run_qwen(home, {"-p", "ci", "--account", "ci"}, with_env({{"OPENAI_API_KEY", kEnvKey}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(last_authorization(server) == "Bearer " + ci_key);
  CHECK((r.out + r.err).find(ci_key) == std::string::npos);
  CHECK(files_holding(home.path(), ci_key) == std::vector<std::string>{"bin/ci-key"});
}
