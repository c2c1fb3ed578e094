// The secret store end to end (plugin.h 1.4): the real `qwen`, the `secretkeeper` fixture plugin (its login()
// keeps the key with secret_put, get_credentials() reads it with secret_get) and the fake provider, which
// accepts only that key. The keyring is a real one: GNOME Keyring on a private D-Bus session bus.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

const std::string kKeyringKey = "sk-keyring-e2e-5f3a9c1d";
const std::string kFileKey = "sk-file-e2e-7b2e4d90";
const std::string kNotice =
    "stored in plain text in ~/.qwen/secrets.json (readable only by you): no keyring answered";

std::string plugin_path() {
  return std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/secret_keeper:" + QWEN_TEST_PLUGIN_DIR;
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The regular files under `dir` whose bytes contain `needle`.
std::vector<std::string> files_holding(const fs::path &dir, const std::string &needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec) && slurp(it->path()).find(needle) != std::string::npos)
      out.push_back(it->path().string());
  return out;
}

size_t count_of(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Empty when the keyring tools are installed (scripts/setup-deps.sh), else which one is missing.
std::string missing_keyring_tool() {
  for (const char *tool : {"/usr/bin/dbus-run-session", "/usr/bin/gnome-keyring-daemon", "/usr/bin/secret-tool"})
    if (::access(tool, X_OK) != 0) return tool;
  return {};
}

QwenRunOptions keeper_env(const FakeProvider &provider) {
  return with_env({{"QWEN_PLUGIN_PATH", plugin_path()}, {"SECRETKEEPER_BASE_URL", provider.base_url()}});
}

}  // namespace

TEST_CASE("secret store: the key goes into a real keyring on a session bus, and no file under HOME holds it",
          "[secrets][keyring]") {
  if (const std::string missing = missing_keyring_tool(); !missing.empty()) {
    WARN("SKIPPED: " << missing << " is not installed (scripts/setup-deps.sh installs dbus, gnome-keyring and "
                                   "libsecret-tools)");
    return;
  }
  TempDir home, runtime, scratch;
  ::chmod(runtime.path().c_str(), 0700);
  FakeProvider provider({"--api-key", kKeyringKey});
  const auto expected = scratch.write("expected", kKeyringKey);  // compared in the shell, never printed
  // One bus session: the keyring unlocked with a password on stdin, then qwen signs in (its stdin is the
  // key), secret-tool finds what qwen stored, and a later `qwen -p` answers with it.
  const std::string script =
      "printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 "
      "|| exit 90\n"
      "\"$QWEN\" auth secretkeeper --with-key; echo \"login=$?\"\n"
      "found=$(secret-tool lookup plugin secretkeeper account '' name api_key)\n"
      "[ \"$found\" = \"$(cat \"$EXPECTED\")\" ] && echo lookup=same || echo lookup=different\n"
      "\"$QWEN\" -p 'hello keyring' </dev/null; echo \"chat=$?\"\n";
  ProcessOptions o;
  o.args = {"/usr/bin/dbus-run-session", "--", "/bin/sh", "-c", script};
  o.env = base_env(home.path());
  o.env["XDG_RUNTIME_DIR"] = runtime.path().string();
  o.env["QWEN"] = QWEN_TEST_BIN;
  o.env["EXPECTED"] = expected.string();
  o.env["QWEN_PLUGIN_PATH"] = plugin_path();
  o.env["SECRETKEEPER_BASE_URL"] = provider.base_url();
  o.stdin_text = kKeyringKey + "\n";
  o.cwd = home.path().string();
  o.timeout = std::chrono::seconds(60);
  const auto r = run_process(o);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("login=0") != std::string::npos);
  CHECK(r.out.find("lookup=same") != std::string::npos);
  CHECK(r.out.find("Hello from the fake provider") != std::string::npos);
  CHECK(r.out.find("chat=0") != std::string::npos);
  CHECK(r.err.find("plain text") == std::string::npos);
  CHECK_FALSE(fs::exists(home.path() / ".qwen" / "secrets.json"));
  CHECK(files_holding(home.path(), kKeyringKey).empty());
  CHECK(files_holding(runtime.path(), kKeyringKey).empty());
  CHECK(r.out.find(kKeyringKey) == std::string::npos);
  CHECK(r.err.find(kKeyringKey) == std::string::npos);
}

TEST_CASE("secret store: with no session bus the key goes to secrets.json, 0600, said in one line",
          "[secrets]") {
  TempDir home;
  FakeProvider provider({"--api-key", kFileKey});
  auto o = keeper_env(provider);
  o.stdin_text = kFileKey + "\n";
  const auto login = run_qwen(home, {"auth", "secretkeeper", "--with-key"}, o);
  INFO(login.out << login.err);
  REQUIRE(login.exit_code == 0);
  CHECK(count_of(login.err, kNotice) == 1);
  const auto file = home.path() / ".qwen" / "secrets.json";
  struct stat st {};
  REQUIRE(::lstat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(files_holding(home.path(), kFileKey) == std::vector<std::string>{file.string()});
  CHECK(login.out.find(kFileKey) == std::string::npos);
  CHECK(login.err.find(kFileKey) == std::string::npos);

  auto chat_env = keeper_env(provider);
  const auto chat = run_qwen(home, {"-p", "hello file"}, chat_env);
  INFO(chat.out << chat.err);
  CHECK(chat.exit_code == 0);
  CHECK(chat.out.find("Hello from the fake provider") != std::string::npos);
  CHECK(chat.err.find("plain text") == std::string::npos);  // told when written, not on every read

  const auto logout = run_qwen(home, {"auth", "logout", "--auth-type", "secretkeeper"}, keeper_env(provider));
  INFO(logout.out << logout.err);
  CHECK(logout.exit_code == 0);
  CHECK(files_holding(home.path(), kFileKey).empty());  // secret_delete removed it
}

TEST_CASE("secret store: store = keyring in config.toml with no session bus refuses, exit 4, nothing written",
          "[secrets]") {
  TempDir home;
  home.write(".qwen/config.toml", "[secrets]\nstore = \"keyring\"\n");
  FakeProvider provider({"--api-key", kFileKey});
  auto o = keeper_env(provider);
  o.stdin_text = kFileKey + "\n";
  const auto r = run_qwen(home, {"auth", "secretkeeper", "--with-key"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("keyring") != std::string::npos);
  CHECK(r.err.find("nothing was stored") != std::string::npos);
  CHECK_FALSE(fs::exists(home.path() / ".qwen" / "secrets.json"));
  CHECK(files_holding(home.path(), kFileKey).empty());
}

TEST_CASE("secret store: a project's .qwen/config.toml cannot choose the store", "[secrets]") {
  TempDir home;
  home.write("project/.qwen/config.toml", "[secrets]\nstore = \"keyring\"\n");
  FakeProvider provider({"--api-key", kFileKey});
  auto o = keeper_env(provider);
  o.stdin_text = kFileKey + "\n";
  o.cwd = (home.path() / "project").string();
  const auto r = run_qwen(home, {"auth", "secretkeeper", "--with-key"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);  // the project's "keyring" would have refused (no bus): it was held back
  CHECK(fs::exists(home.path() / ".qwen" / "secrets.json"));
  CHECK(count_of(r.err, kNotice) == 1);
}
