// key_command end to end: `key_command` in [plugins.openai] of the user's config.toml, the real `qwen -p` and
// the fake provider, which accepts only the key the command prints. Each failure is exit 4 with one line naming
// the command (never its output); a 401 runs it exactly once more; the key is never printed.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "sk-from-key-command-3c7d1e";
const std::string kOldKey = "sk-stale-key-command-9a4b2f";

// An executable script in the temp HOME (run directly by its #! line: key_command itself runs no shell).
std::string script(const TempDir &home, const std::string &name, const std::string &body) {
  const fs::path p = home.write("bin/" + name, "#!/bin/sh\n" + body);
  ::chmod(p.c_str(), 0700);
  return p.string();
}

void configure(const TempDir &home, const FakeProvider &p, const std::string &command, int timeout_ms = 0) {
  std::string toml = "auth = \"openai\"\n[plugins.openai]\nbase_url = \"" + p.base_url() +
                     "\"\nmodel = \"fake-model\"\nkey_command = '" + command + "'\n";
  if (timeout_ms) toml += "key_command_timeout_ms = " + std::to_string(timeout_ms) + "\n";
  home.write(".qwen/config.toml", toml);
}

size_t count_of(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("key_command: its first line is the key the provider sees, run once per process, never printed",
          "[key_command][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string runs = (home.path() / "runs").string();
  configure(home, p, script(home, "key.sh", "echo run >> " + runs + "\nprintf '" + kKey + "\\r\\nnot the key\\n'\n"));
  const auto r = run_qwen(home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hello") != std::string::npos);
  REQUIRE(p.logged_requests().size() == 1);
  CHECK(p.logged_requests()[0]["headers"].value("authorization", "") == "Bearer " + kKey);
  CHECK(count_of(read_file(runs), "run") == 1);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);

  const auto st = run_qwen(home, {"auth", "status"});
  INFO(st.out << st.err);
  CHECK(st.exit_code == 0);
  CHECK(st.out.find("key_command") != std::string::npos);
  CHECK((st.out + st.err).find(kKey) == std::string::npos);
}

TEST_CASE("key_command: a failing, silent, missing or hanging command is exit 4 with one line naming it",
          "[key_command][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  std::string command, reason;
  int timeout_ms = 0;
  SECTION("a non-zero exit (its output, the key, is not repeated)") {
    command = script(home, "fails.sh", "echo " + kKey + "\necho oops >&2\nexit 3\n");
    reason = "failed: it exited with status 3";
  }
  SECTION("an empty first line") {
    command = script(home, "silent.sh", "echo\necho " + kKey + "\n");
    reason = "failed: it printed no key (its first line of output is empty)";
  }
  SECTION("a program that does not exist") {
    command = (home.path() / "bin/no-such-helper").string() + " --flag";
    reason = "failed: " + (home.path() / "bin/no-such-helper").string() + " was not found";
  }
  SECTION("a command that hangs, stopped at key_command_timeout_ms") {
    command = script(home, "hang.sh", "sleep 30\necho " + kKey + "\n");
    timeout_ms = 400;
    reason = "failed: it did not finish within 400 ms (key_command_timeout_ms) and was stopped";
  }
  configure(home, p, command, timeout_ms);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_qwen(home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("key_command \"" + command + "\" " + reason) != std::string::npos);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
  CHECK(p.logged_requests().empty());  // nothing was sent without a key
}

TEST_CASE("key_command: a 401 runs the command exactly once more and the new key is used", "[key_command][auth]") {
  FakeProvider p({"--api-key", kKey});  // accepts only what the second run prints
  TempDir home;
  const std::string runs = (home.path() / "runs").string();
  configure(home, p,
            script(home, "rotating.sh",
                   "echo run >> " + runs + "\nif [ \"$(wc -l < " + runs + ")\" -eq 1 ]; then echo " + kOldKey +
                       "; else echo " + kKey + "; fi\n"));
  const auto r = run_qwen(home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: hello") != std::string::npos);
  CHECK(count_of(read_file(runs), "run") == 2);
  const auto requests = p.logged_requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["headers"].value("authorization", "") == "Bearer " + kOldKey);
  CHECK(requests[1]["headers"].value("authorization", "") == "Bearer " + kKey);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
  CHECK((r.out + r.err).find(kOldKey) == std::string::npos);
}

TEST_CASE("key_command: a key that stays refused after the one re-run is exit 4, not a loop", "[key_command][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string runs = (home.path() / "runs").string();
  configure(home, p, script(home, "stale.sh", "echo run >> " + runs + "\necho " + kOldKey + "\n"));
  const auto r = run_qwen(home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(count_of(read_file(runs), "run") == 2);
  CHECK((r.out + r.err).find(kOldKey) == std::string::npos);
}

TEST_CASE("key_command: shell syntax is refused, never run", "[key_command][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string marker = (home.path() / "marker").string();
  configure(home, p, "echo $(touch " + marker + ")");
  const auto r = run_qwen(home, {"-p", "hello"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("is refused: it uses command substitution") != std::string::npos);
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("key_command: a project's .qwen/config.toml cannot set one, even in a trusted directory",
          "[key_command][auth][trust]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string marker = (home.path() / "marker").string();
  const std::string evil = script(home, "evil.sh", "touch " + marker + "\necho " + kKey + "\n");
  home.write(".qwen/config.toml", "auth = \"openai\"\n[plugins.openai]\nbase_url = \"" + p.base_url() + "\"\n");
  home.write("repo/.qwen/config.toml", "[plugins.openai]\nkey_command = '" + evil +
                                           "'\n[plugins.openai.accounts.work]\nkey_command = '" + evil + "'\n");
  QwenRunOptions o;
  o.cwd = (home.path() / "repo").string();
  for (bool trusted : {false, true}) {
    if (trusted) {
      const auto t = run_qwen(home, {"trust", (home.path() / "repo").string()});
      REQUIRE(t.exit_code == 0);
    }
    const auto r = run_qwen(home, {"-p", "hello"}, o);
    INFO(r.out << r.err);
    CHECK(r.exit_code != 0);  // no key: the project's command was held back
    CHECK_FALSE(fs::exists(marker));
  }
}
