// Safe file handling, end to end (issue 11, "Files"): the real qwen in a temporary HOME with what a careless
// setup or another user can leave where qwen's files belong — a directory or a FIFO instead of a file, a link
// to another file, modes and owners that let someone else change settings or code. Each run is bounded by the
// runner's timeout: a hang fails the test instead of stalling the suite. As root (CI), foreign ownership is
// made by chown to nobody.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char *kKey = "sk-file-safety-key-4242";
constexpr uid_t kNobody = 65534;
constexpr const char *kAnswer = "Hello from the fake provider. You said: hi";

std::map<std::string, std::string> key_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
}

// A short timeout: every run here is quick unless qwen hangs on a FIFO.
QwenRunOptions bounded(std::map<std::string, std::string> env = {}, std::string cwd = {}) {
  QwenRunOptions o;
  o.env = std::move(env);
  o.cwd = std::move(cwd);
  o.timeout = 20s;
  return o;
}

mode_t mode_of(const fs::path &path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

size_t count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// The line of `text` that mentions `needle`, or empty.
std::string line_with(const std::string &text, const std::string &needle) {
  size_t pos = text.find(needle);
  if (pos == std::string::npos) return {};
  size_t start = text.rfind('\n', pos);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, text.find('\n', pos) - start);
}

std::string fixture_so(const std::string &name) {
  return std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/" + name + "/" + name + ".so";
}

// A stranger's plugin folder: foreign.so, whose constructor leaves $HOME/FOREIGN_CODE_RAN when loaded.
fs::path plant_foreign_plugin(const TempDir &home, const std::string &folder) {
  const auto dir = home.path() / folder;
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  fs::copy_file(fixture_so("foreign"), dir / "foreign.so", fs::copy_options::overwrite_existing);
  ::chmod((dir / "foreign.so").c_str(), 0755);
  return dir;
}

bool foreign_code_ran(const TempDir &home) {
  return fs::exists(home.path() / "FOREIGN_CODE_RAN");
}

// `qwen --frontend script -p SCRIPT` under `umask 000`, with the script fixture on the plugin path.
ProcessResult script_under_open_umask(const TempDir &home, const FakeProvider &p, const std::string &script) {
  ProcessOptions o;
  o.args = {"/bin/sh", "-c", "umask 000; exec \"$0\" --frontend script -p \"$1\"", QWEN_TEST_BIN, script};
  o.env = base_env(home.path());
  for (const auto &[k, v] : key_env(p)) o.env[k] = v;
  o.env["QWEN_PLUGIN_PATH"] = std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/script";
  o.cwd = home.path().string();
  o.timeout = 20s;
  return run_process(o);
}

}  // namespace

TEST_CASE("file safety: a directory or a FIFO named config.toml is a configuration error, exit 3, no hang", "[files]") {
  TempDir home;
  const auto file = home.path() / ".qwen" / "config.toml";
  fs::create_directories(file.parent_path());
  SECTION("a directory") {
    fs::create_directory(file);
    auto r = run_qwen(home, {"-p", "hi"}, bounded());
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(file.string() + " is a directory, not a file") != std::string::npos);
  }
  SECTION("a FIFO nobody writes to") {
    REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    auto r = run_qwen(home, {"-p", "hi"}, bounded());
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(file.string() + " is a FIFO (named pipe), not a file") != std::string::npos);
  }
}

TEST_CASE("file safety: a qwen home or config.toml others can change is refused with the reason and the fix",
          "[files][strictmodes]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto qwen_home = home.path() / ".qwen";
  const auto config = home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  ::chmod(qwen_home.c_str(), 0700);
  ::chmod(config.c_str(), 0600);
  auto ok = run_qwen(home, {"-p", "hi"}, bounded(key_env(p)));
  REQUIRE(ok.exit_code == 0);  // the control: a private home works
  struct Case {
    const char *what;
    fs::path path;
    mode_t mode;
    bool give_away;
    std::string expected;
  };
  const Case cases[] = {
      {"world-writable home", qwen_home, 0777, false, " is writable by other users (mode 0777)"},
      {"group-writable home", qwen_home, 0770, false, " is writable by its group (mode 0770)"},
      {"world-writable config.toml", config, 0666, false, " is writable by other users (mode 0666)"},
      {"foreign-owned config.toml", config, 0600, true, " is owned by nobody (uid 65534), not by you or root"},
      {"foreign-owned home", qwen_home, 0700, true, " is owned by nobody (uid 65534), not by you or root"},
  };
  for (const auto &c : cases) {
    if (c.give_away && geteuid() != 0) continue;  // only root can give a file to another user
    DYNAMIC_SECTION(c.what) {
      ::chmod(c.path.c_str(), c.mode);
      if (c.give_away) REQUIRE(::chown(c.path.c_str(), kNobody, kNobody) == 0);
      const size_t sent = p.chat_bodies().size();
      auto r = run_qwen(home, {"-p", "hi"}, bounded(key_env(p)));
      INFO(r.err);
      CHECK(r.exit_code == 3);
      CHECK(r.err.find(c.path.string() + c.expected) != std::string::npos);
      CHECK(r.err.find(c.give_away ? "chown " : "chmod go-w " + c.path.string()) != std::string::npos);
      CHECK(count(r.err, "\n") == 1);  // one line
      CHECK(r.out.find("You said") == std::string::npos);
      CHECK(p.chat_bodies().size() == sent);  // nothing was asked
      // Fixed as told, it works again.
      if (c.give_away) REQUIRE(::chown(c.path.c_str(), geteuid(), getegid()) == 0);
      ::chmod(c.path.c_str(), c.path == qwen_home ? 0700 : 0600);
      auto again = run_qwen(home, {"-p", "hi"}, bounded(key_env(p)));
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(again.out.find(kAnswer) != std::string::npos);
    }
  }
}

TEST_CASE("file safety: a project's FIFO or folder named .env is not read and does not hang the run",
          "[files][dotenv]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".env", std::string("OPENAI_API_KEY=") + kKey + "\nOPENAI_BASE_URL=" + p.base_url() + "\n");
  const auto project = home.path() / "src" / "app";
  fs::create_directories(project);
  SECTION("a FIFO") {
    REQUIRE(::mkfifo((project / ".env").c_str(), 0600) == 0);
  }
  SECTION("a folder (a Python virtualenv named .env)") {
    fs::create_directories(project / ".env" / "bin");
  }
  SECTION("a FIFO as .qwen/.env") {
    fs::create_directories(project / ".qwen");
    REQUIRE(::mkfifo((project / ".qwen" / ".env").c_str(), 0600) == 0);
  }
  auto r = run_qwen(home, {"-p", "hi"}, bounded({}, project.string()));
  INFO(r.out << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(kAnswer) != std::string::npos);  // the user's ~/.env was the one loaded
}

TEST_CASE("file safety: a directory named settings.json is a warning, not an abort, and the run answers",
          "[files][qwen-code]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fs::create_directories(home.path() / ".qwen" / "settings.json");
  auto r = run_qwen(home, {"-p", "hi"}, bounded(key_env(p)));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(kAnswer) != std::string::npos);
  CHECK(r.err.find("settings.json") != std::string::npos);
  CHECK(r.err.find("terminate") == std::string::npos);  // no uncaught exception
}

TEST_CASE("file safety: /auth keeps config.toml's mode under umask 000 and never writes through a link",
          "[files][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto config = home.write(".qwen/config.toml", "# mine\n[network]\nmax_retries = 0\n");
  SECTION("0600 stays 0600") {
    ::chmod(config.c_str(), 0600);
    auto r = script_under_open_umask(home, p, "auth.select openai");
    INFO(r.out << r.err);
    CHECK(r.out.find("auth.select -> 0") != std::string::npos);
    CHECK(read_file(config) == "# mine\nauth = \"openai\"\n[network]\nmax_retries = 0\n");
    CHECK(mode_of(config) == 0600);
  }
  SECTION("0640 stays 0640") {
    ::chmod(config.c_str(), 0640);
    auto r = script_under_open_umask(home, p, "auth.select openai");
    INFO(r.out << r.err);
    CHECK(read_file(config).find("auth = \"openai\"") != std::string::npos);
    CHECK(mode_of(config) == 0640);
  }
  SECTION("a new config.toml is 0600") {
    fs::remove(config);
    auto r = script_under_open_umask(home, p, "auth.select openai");
    INFO(r.out << r.err);
    CHECK(read_file(config) == "auth = \"openai\"\n");
    CHECK(mode_of(config) == 0600);
  }
  SECTION("a link into a dotfiles repository is read, and neither replaced nor written through") {
    const auto target = home.write("dotfiles/qwen.toml", "# mine, in git\n[network]\nmax_retries = 0\n");
    ::chmod(target.c_str(), 0644);
    fs::remove(config);
    fs::create_symlink(target, config);
    auto r = script_under_open_umask(home, p, "auth.select openai");
    INFO(r.out << r.err);
    CHECK(r.out.find("auth.select -> 0") != std::string::npos);  // the session switches all the same
    CHECK(count(r.err, "is a symbolic link") == 1);
    CHECK(read_file(target) == "# mine, in git\n[network]\nmax_retries = 0\n");
    CHECK(mode_of(target) == 0644);
    CHECK(fs::is_symlink(config));
  }
}

TEST_CASE("file safety: plugin folders and .so files others can change are rejected, listed, and never loaded",
          "[files][plugins][strictmodes]") {
  TempDir home;
  struct Case {
    const char *what;
    std::function<fs::path(const fs::path &dir)> make_unsafe;  // returns the path `qwen plugins` must name
    std::string expected;
    bool root_only;
  };
  const Case cases[] = {
      {"world-writable folder",
       [](const fs::path &dir) {
         ::chmod(dir.c_str(), 0777);
         return dir;
       },
       "is writable by other users (mode 0777)", false},
      {"group-writable .so",
       [](const fs::path &dir) {
         ::chmod((dir / "foreign.so").c_str(), 0775);
         return dir / "foreign.so";
       },
       "is writable by its group (mode 0775)", false},
      {"world-writable .so",
       [](const fs::path &dir) {
         ::chmod((dir / "foreign.so").c_str(), 0757);
         return dir / "foreign.so";
       },
       "is writable by other users (mode 0757)", false},
      {"folder inside a world-writable folder",
       [](const fs::path &dir) {
         ::chmod(dir.parent_path().c_str(), 0777);
         return dir;
       },
       "is inside ", false},
      {"foreign-owned folder",
       [](const fs::path &dir) {
         REQUIRE(::chown(dir.c_str(), kNobody, kNobody) == 0);
         return dir;
       },
       "is owned by nobody (uid 65534), not by you or root", true},
      {"foreign-owned .so",
       [](const fs::path &dir) {
         REQUIRE(::chown((dir / "foreign.so").c_str(), kNobody, kNobody) == 0);
         return dir / "foreign.so";
       },
       "is owned by nobody (uid 65534), not by you or root", true},
  };
  for (const auto &c : cases) {
    if (c.root_only && geteuid() != 0) continue;
    DYNAMIC_SECTION(c.what) {
      const auto dir = plant_foreign_plugin(home, "shared/plugins");
      ::chmod(dir.parent_path().c_str(), 0755);
      const auto named = c.make_unsafe(dir);
      auto r = run_qwen(home, {"plugins"}, bounded({{"QWEN_PLUGIN_PATH", dir.string()}}));
      INFO(r.out << r.err);
      CHECK(r.exit_code == 0);
      const auto line = line_with(r.out, "rejected: " + named.string() + ": ");
      CHECK(line.find(c.expected) != std::string::npos);
      CHECK(line.find("qwen loads no code another user can change") != std::string::npos);
      CHECK_FALSE(foreign_code_ran(home));
      // The host goes on with the rest: the installed plugins are listed.
      CHECK(line_with(r.out, "pipe.so").find("frontend") != std::string::npos);
      // Asked for by id, the refused file is an error that says why, and its code does not run either.
      auto run = run_qwen(home, {"--frontend", "foreign", "-p", "hi"}, bounded({{"QWEN_PLUGIN_PATH", dir.string()}}));
      INFO(run.err);
      CHECK(run.exit_code == 3);
      CHECK(run.err.find(c.expected) != std::string::npos);
      CHECK_FALSE(foreign_code_ran(home));
      // Made safe, the same file is loaded (and, being no qwen plugin, rejected for that): the control that
      // the refusal above came from the modes.
      ::chmod(dir.parent_path().c_str(), 0755);
      REQUIRE(::chown(dir.c_str(), geteuid(), getegid()) == 0);
      REQUIRE(::chown((dir / "foreign.so").c_str(), geteuid(), getegid()) == 0);
      ::chmod(dir.c_str(), 0755);
      ::chmod((dir / "foreign.so").c_str(), 0755);
      auto safe = run_qwen(home, {"plugins"}, bounded({{"QWEN_PLUGIN_PATH", dir.string()}}));
      INFO(safe.out);
      CHECK(line_with(safe.out, "rejected: " + named.string() + ": ").find(c.expected) == std::string::npos);
      CHECK(foreign_code_ran(home));
      fs::remove(home.path() / "FOREIGN_CODE_RAN");
      fs::remove_all(home.path() / "shared");
    }
  }
}

TEST_CASE("file safety: the build's plugin folder passes, a relative QWEN_PLUGIN_PATH entry is ignored",
          "[files][plugins]") {
  TempDir home;
  // A cloned repository with a plugins folder of its own, and the user's shell naming it relatively.
  const auto repo = home.path() / "src" / "evil";
  plant_foreign_plugin(home, "src/evil/plugins");
  const auto absolute_ok = std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/good_c";
  auto r =
      run_qwen(home, {"plugins"}, bounded({{"QWEN_PLUGIN_PATH", "plugins:./plugins:" + absolute_ok}}, repo.string()));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(count(r.err, "QWEN_PLUGIN_PATH") == 1);
  CHECK(r.err.find("ignoring 'plugins', './plugins'") != std::string::npos);
  CHECK_FALSE(foreign_code_ran(home));
  CHECK(r.out.find("rejected") == std::string::npos);  // the build tree and the fixtures are fine
  CHECK(line_with(r.out, "cecho.so").find("frontend") != std::string::npos);  // the absolute entry is used
  CHECK(r.out.find("search path: " + absolute_ok + ":") != std::string::npos);
}

TEST_CASE("file safety: a tty_history that links to another file leaves that file unchanged byte for byte",
          "[files][tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string decoy_text = "# my shell settings\nexport PATH=\"$HOME/bin:$PATH\"\nalias ll='ls -l'\n";
  const auto decoy = home.write(".bashrc", decoy_text);
  ::chmod(decoy.c_str(), 0644);
  const auto history = home.path() / ".qwen" / "tty_history";
  fs::create_directories(history.parent_path());
  SECTION("a link to an existing file") {
    fs::create_symlink(decoy, history);
  }
  SECTION("a link to a file that does not exist yet") {
    fs::create_symlink(home.path() / "planted", history);
  }
  SECTION("a FIFO") {
    REQUIRE(::mkfifo(history.c_str(), 0600) == 0);
  }
  {
    TerminalSession t(qwen_terminal(home, {}, key_env(p)));
    REQUIRE(t.wait_for("Signed in with"));
    t.type_line("hi");
    REQUIRE(t.wait_for(kAnswer));
    t.type_line("a second question");
    REQUIRE(t.wait_for("You said: a second question"));
    t.press("C-d");
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(TerminalSession::count(t.transcript(), history.string() + " is ") == 1);  // told once
  }
  CHECK(read_file(decoy) == decoy_text);
  CHECK(mode_of(decoy) == 0644);
  CHECK_FALSE(fs::exists(home.path() / "planted"));
  struct stat st {};
  REQUIRE(::lstat(history.c_str(), &st) == 0);
  CHECK_FALSE(S_ISREG(st.st_mode));  // left as the user made it
}

TEST_CASE("file safety: a FIFO as ~/.qwen/.env does not hang keeping a typed-in key, which goes to the store",
          "[files][tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto env_file = home.path() / ".qwen" / ".env";
  fs::create_directories(env_file.parent_path());
  REQUIRE(::mkfifo(env_file.c_str(), 0600) == 0);
  TerminalSession t(qwen_terminal(home, {}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Choose 1-3"));
  t.type_line("3");
  REQUIRE(t.wait_for("API key (input hidden):"));
  t.type_line(kKey);
  REQUIRE(t.wait_for("Base URL: [https://"));
  t.type_line(p.base_url());
  REQUIRE(t.wait_for("Model: ["));
  t.type_line("typed-model");
  REQUIRE(t.wait_for("(readable only by you)? [Y/n]"));
  t.press("Enter");
  REQUIRE(t.wait_for("Kept the API key of the default account in qwen's secret store"));
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key; model typed-model."));
  t.type_line("hi");
  REQUIRE(t.wait_for(kAnswer));
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  INFO(t.transcript());
  CHECK(t.transcript().find(kKey) == std::string::npos);
  struct stat st {};
  REQUIRE(::lstat(env_file.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}
