// Which front-end a run gets (README "In the terminal"): -p and --output-format json|stream-json are a
// script's run, headless whatever config.toml says; and with nothing configured and the default sign-in
// plugin (qwen-oauth.so) not installed, the terminal still offers the methods that are, while a headless run
// says what to set (exit 4).
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/process.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char *kKey = "sk-headless-choice-key-5150";

// A copy of the installation without qwen-oauth.so: bin/qwen and lib/qwen/plugins/{openai,pipe,tty}.so (the
// host finds its plugins beside its own executable).
fs::path install_without_qwen_oauth(const TempDir &dir) {
  fs::create_directories(dir.path() / "bin");
  fs::create_directories(dir.path() / "lib/qwen/plugins");
  fs::copy_file(QWEN_TEST_BIN, dir.path() / "bin/qwen");
  for (const char *p : {"openai.so", "pipe.so", "tty.so"})
    fs::copy_file(fs::path(QWEN_TEST_PLUGIN_DIR) / p, dir.path() / "lib/qwen/plugins" / p);
  return dir.path() / "bin/qwen";
}

ProcessResult run_binary(const fs::path &qwen, const TempDir &home, const std::vector<std::string> &args,
                         const std::map<std::string, std::string> &env = {}) {
  ProcessOptions o;
  o.args = {qwen.string()};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  for (const auto &[k, v] : env) o.env[k] = v;
  o.cwd = home.path().string();
  o.timeout = std::chrono::milliseconds(30000);
  return run_process(o);
}

}  // namespace

TEST_CASE("headless: -p answers with frontend = \"tty\" in config.toml, without a terminal and on one",
          "[headless][frontend]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "frontend = \"tty\"\n");
  const std::map<std::string, std::string> env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
  {
    auto r = run_qwen(home, {"-p", "from a script"}, with_env(env));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Hello from the fake provider. You said: from a script\n");
  }
  {
    TerminalSession t(qwen_terminal(home, {"-p", "from a terminal"}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript() == "Hello from the fake provider. You said: from a terminal");  // no banner, no prompt
  }
  CHECK(p.chat_bodies().size() == 2);
}

TEST_CASE("headless: --output-format json or stream-json on a terminal is the headless front-end, not the tty",
          "[headless][frontend]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "frontend = \"tty\"\n");
  const std::map<std::string, std::string> env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}};
  {
    TerminalSession t(qwen_terminal(home, {"--output-format", "json", "-p", "as json"}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 0);
    auto j = nlohmann::json::parse(t.transcript(), nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j["response"] == "Hello from the fake provider. You said: as json");
  }
  {
    // No prompt at all: the headless front-end says what it needs, instead of a session that prints no JSON.
    TerminalSession t(qwen_terminal(home, {"--output-format", "stream-json"}, env));
    REQUIRE(t.wait_for_exit());
    INFO(t.transcript());
    CHECK(t.exit_status() == 3);
    CHECK(t.transcript().find("no prompt") != std::string::npos);
    CHECK(t.transcript().find("/help") == std::string::npos);
  }
  // The same terminal without -p or a JSON format still gets the configured interactive front-end.
  {
    TerminalSession t(qwen_terminal(home, {}, env));
    REQUIRE(t.wait_for("/help lists the commands"));
    t.type_line("/quit");
    REQUIRE(t.wait_for_exit());
    CHECK(t.exit_status() == 0);
  }
}

TEST_CASE(
    "headless: without qwen-oauth.so and nothing configured, the terminal offers the installed methods, and a "
    "typed key the user does not keep is not remembered",
    "[headless][frontend][tty][terminal][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir install;
  const fs::path qwen = install_without_qwen_oauth(install);
  TempDir home;
  {
    auto opts = qwen_terminal(home, {});
    opts.args[0] = qwen.string();
    TerminalSession t(opts);
    REQUIRE(t.wait_for("How do you want to sign in?"));
    REQUIRE(t.wait_for("Choose 1-1 (Enter for 1):"));
    const std::string screen = t.screen();
    INFO(screen);
    CHECK(screen.find("No sign-in yet: no credentials: ") != std::string::npos);
    CHECK(t.transcript().find("set OPENAI_API_KEY (openai) in the environment or in a .qwen/.env file, or install "
                              "the 'qwen-oauth' sign-in plugin") != std::string::npos);
    CHECK(screen.find("1. OpenAI-compatible API key") != std::string::npos);
    CHECK(screen.find("Qwen OAuth") == std::string::npos);
    t.press("Enter");
    REQUIRE(t.wait_for("API key (input hidden"));
    t.type_line(kKey);
    REQUIRE(t.wait_for("Base URL: [https://"));
    t.type_line(p.base_url());
    REQUIRE(t.wait_for("Model: [qwen3-coder-plus]"));
    t.press("Enter");
    REQUIRE(t.wait_for("(readable only by you)? [Y/n]"));
    t.type_line("n");  // this session only
    REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key; model qwen3-coder-plus."));
    t.type_line("typed key");
    REQUIRE(t.wait_for("You said: typed key"));
    t.type_line("/quit");
    REQUIRE(t.wait_for_exit());
    CHECK(t.exit_status() == 0);
    CHECK(t.transcript().find(kKey) == std::string::npos);
  }
  // The key served that session only, so the choice of its method is not remembered either: the next run
  // would otherwise start on a method with no key.
  CHECK(read_file(home.path() / ".qwen/config.toml").find("auth") == std::string::npos);
  CHECK_FALSE(fs::exists(home.path() / ".qwen/.env"));

  // Headless, the same installation says what to set, with the sign-in exit status, also as JSON.
  auto r = run_binary(qwen, home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("set OPENAI_API_KEY") != std::string::npos);
  CHECK(r.err.find("install the 'qwen-oauth' sign-in plugin") != std::string::npos);
  auto j = run_binary(qwen, home, {"-p", "hello", "--output-format", "json"});
  CHECK(j.exit_code == 4);
  auto answer = nlohmann::json::parse(j.out, nullptr, false);
  REQUIRE(answer.is_object());
  CHECK(answer["error"]["code"] == 4);
  CHECK(p.chat_bodies().size() == 1);
}
