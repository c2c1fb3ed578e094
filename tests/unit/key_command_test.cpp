// qwen/sdk/key_command.hpp: a key from a command the user configured, run without a shell, bounded in time and
// output, its failures told in one line that names the command and never its output.
#include <catch2/catch.hpp>

#include <qwen/sdk/key_command.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "support/temp_dir.hpp"
#include "trust/sensitive_settings.hpp"

using namespace std::chrono_literals;
using qwen::sdk::run_key_command;
using qwen::sdk::split_key_command;
namespace fs = std::filesystem;

namespace {

// A shell script (the test's own, run directly by its #! line, not by the key_command code).
std::string script(const qwen::test::TempDir &dir, const std::string &name, const std::string &body) {
  const fs::path p = dir.write(name, "#!/bin/sh\n" + body);
  ::chmod(p.c_str(), 0700);
  return p.string();
}

std::string failure_of(const std::string &command, std::chrono::milliseconds timeout = 2000ms) {
  try {
    run_key_command(command, timeout);
  } catch (const qwen::sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
    return e.what();
  }
  return "(no failure)";
}

}  // namespace

TEST_CASE("key_command: words are split as a shell would, quotes kept together, no shell run", "[key_command]") {
  CHECK(split_key_command("pass show 'openai/my work'") ==
        std::vector<std::string>{"pass", "show", "openai/my work"});
  CHECK(split_key_command(R"(op read "op://vault/item/field" --no-newline)") ==
        std::vector<std::string>{"op", "read", "op://vault/item/field", "--no-newline"});
}

TEST_CASE("key_command: command substitution, shell operators, unbalanced quotes and unset variables are refused",
          "[key_command]") {
  const qwen::test::TempDir dir;
  const std::string marker = (dir.path() / "marker").string();
  for (const std::string &hostile :
       {"echo $(touch " + marker + ")", "echo `touch " + marker + "`", "echo \"$(touch " + marker + ")\"",
        "echo k; touch " + marker, "echo k | tee " + marker, "echo k > " + marker, "echo k && touch " + marker}) {
    INFO(hostile);
    const std::string why = failure_of(hostile);
    CHECK(why.find("key_command \"" + hostile + "\" is refused") == 0);
    CHECK_FALSE(fs::exists(marker));
  }
  CHECK(failure_of("echo 'unbalanced").find("unbalanced quotes") != std::string::npos);
  CHECK(failure_of("echo $QWEN_KEY_COMMAND_TEST_UNSET_VARIABLE").find("not set") != std::string::npos);
  CHECK(failure_of("   ").find("names no program") != std::string::npos);
}

TEST_CASE("key_command: the first line of stdout is the key, without its \\r\\n", "[key_command]") {
  const qwen::test::TempDir dir;
  CHECK(run_key_command(script(dir, "k.sh", "printf 'sk-first\\r\\nsecond line\\n'\n")) == "sk-first");
  CHECK(run_key_command("printf sk-no-newline") == "sk-no-newline");
  // stdin is /dev/null: a command that reads it gets end of file at once, not qwen's terminal.
  CHECK(run_key_command(script(dir, "cat.sh", "cat; echo sk-after-stdin\n")) == "sk-after-stdin");
}

TEST_CASE("key_command: each failure names the command and the reason, never the output", "[key_command]") {
  const qwen::test::TempDir dir;
  const std::string fails = script(dir, "fails.sh", "echo sk-leaked-secret-1; exit 3\n");
  std::string why = failure_of(fails);
  CHECK(why == "key_command \"" + fails + "\" failed: it exited with status 3");
  CHECK(failure_of(script(dir, "empty.sh", "echo\necho sk-second-line\n")).find("printed no key") != std::string::npos);
  CHECK(failure_of(script(dir, "silent.sh", "exit 0\n")).find("printed no key") != std::string::npos);
  why = failure_of("/nonexistent/qwen-key-helper");
  CHECK(why.find("was not found") != std::string::npos);
  CHECK(failure_of(script(dir, "signal.sh", "echo sk-leaked-secret-2; kill -9 $$\n")).find("signal 9") !=
        std::string::npos);
  why = failure_of(script(dir, "big.sh", "head -c 200000 /dev/zero | tr '\\0' k\n"));
  CHECK(why.find("more than 64 KiB") != std::string::npos);
  CHECK(why.find("kkkk") == std::string::npos);
}

TEST_CASE("key_command: a hanging command is stopped at the timeout, its whole process group with it",
          "[key_command]") {
  const qwen::test::TempDir dir;
  const std::string pidfile = (dir.path() / "child.pid").string();
  // The script's own child (a sleep in the background holding stdout) would keep the pipe open: it must die too.
  const std::string hang = script(dir, "hang.sh", "sleep 30 & echo $! > " + pidfile + "\nwait\n");
  const auto start = std::chrono::steady_clock::now();
  const std::string why = failure_of(hang, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(why.find("did not finish within 300 ms") != std::string::npos);
  CHECK(took < 3s);
  const std::string pid = qwen::test::read_file(pidfile);
  REQUIRE_FALSE(pid.empty());
  std::this_thread::sleep_for(100ms);
  // Gone, or a zombie waiting for whoever adopted it (killed, not running on).
  const std::string stat = qwen::test::read_file("/proc/" + pid.substr(0, pid.find('\n')) + "/stat");
  INFO(stat);
  CHECK((stat.empty() || stat.find(") Z ") != std::string::npos));
}

TEST_CASE("key_command: the cache runs a command once, and again only when asked to refresh", "[key_command]") {
  const qwen::test::TempDir dir;
  const std::string count = (dir.path() / "count").string();
  const std::string counter =
      script(dir, "count.sh", "echo x >> " + count + "\necho sk-run-$(wc -l < " + count + " | tr -d ' ')\n");
  qwen::sdk::KeyCommandCache cache;
  CHECK(cache.key(counter, 2000ms, false) == "sk-run-1");
  CHECK(cache.key(counter, 2000ms, false) == "sk-run-1");
  CHECK(cache.key(counter, 2000ms, true) == "sk-run-2");
  CHECK(cache.key(counter, 2000ms, false) == "sk-run-2");
}

TEST_CASE("key_command: key_command_timeout_ms takes 1 to 600000 and nothing else", "[key_command]") {
  CHECK(qwen::sdk::key_command_timeout(std::nullopt) == 10000ms);
  CHECK(qwen::sdk::key_command_timeout(std::string("250")) == 250ms);
  for (const char *bad : {"0", "-5", "10s", "600001", "99999999999999999999"})
    CHECK_THROWS_AS(qwen::sdk::key_command_timeout(std::string(bad)), qwen::sdk::Error);
}

TEST_CASE("key_command: a project's config.toml can set neither the command nor its timeout, in any table",
          "[key_command][trust]") {
  using qwen::trust::classify_config_key;
  using qwen::trust::Sensitivity;
  using P = std::vector<std::string>;
  CHECK(classify_config_key(P{"plugins", "openai", "key_command"}) == Sensitivity::Never);
  CHECK(classify_config_key(P{"plugins", "openai", "accounts", "work", "key_command"}) == Sensitivity::Never);
  CHECK(classify_config_key(P{"plugins", "openai", "key_command_timeout_ms"}) == Sensitivity::Never);
  CHECK(classify_config_key(P{"plugins", "openai", "accounts", "work", "key_command_timeout_ms"}) ==
        Sensitivity::Never);
}
