// secrets.json shared by several qwen processes at once (core/services/secret_store_file.cpp): real `qwen auth
// api-key --account aN --with-key` runs started together against one HOME with the file store chosen, each
// keeping its own key; and what a hostile or left-over secrets.json.lock does. The keys are compared here and
// counted, never printed (the secrets sweep reads every saved output, and a failed CHECK prints its operands).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// What another plugin kept before: every writer must carry it over.
const std::string kEarlier =
    "{\"version\":1,\"secrets\":{\"other\":{\"\":{\"api_key\":\"sk-earlier-entry-e2e-9a31c7\"}}}}\n";

std::string random_hex() {
  std::random_device rd;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

// A HOME whose config.toml chooses the file store (no keyring is probed) and whose secrets.json holds kEarlier.
void prepare_home(const TempDir &home) {
  home.write(".qwen/config.toml", "[secrets]\nstore = \"file\"\n");
  home.write(".qwen/secrets.json", kEarlier);
  ::chmod((home.path() / ".qwen/secrets.json").c_str(), 0600);
}

// The stored key of openai account `account`, or "" (never printed by the caller).
std::string stored_key(const nlohmann::json &doc, const std::string &account) {
  const auto p = doc["secrets"].find("openai");
  if (p == doc["secrets"].end()) return {};
  const auto a = p->find(account);
  if (a == p->end() || !a->contains("api_key")) return {};
  return (*a)["api_key"].get<std::string>();
}

// The names in ~/.qwen other than the files a sign-in leaves (a lock or a temporary file left behind shows).
std::vector<std::string> leftovers(const TempDir &home) {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(home.path() / ".qwen")) {
    const std::string name = e.path().filename().string();
    if (name != "config.toml" && name != "secrets.json" && name != "accounts.json") out.push_back(name);
  }
  return out;
}

ProcessOptions shell(const TempDir &home, const std::string &script, const fs::path &keys) {
  ProcessOptions o;
  o.args = {"/bin/sh", "-c", script};
  o.env = base_env(home.path());
  o.env["QWEN"] = QWEN_TEST_BIN;
  o.env["KEYS"] = keys.string();
  o.cwd = home.path().string();
  o.timeout = std::chrono::seconds(90);
  return o;
}

}  // namespace

TEST_CASE("secret store file: 16 qwen processes signing in at once each keep their key in secrets.json",
          "[secrets][concurrency]") {
  constexpr int kProcesses = 16;
  TempDir home, keys;
  prepare_home(home);
  std::vector<std::string> key(kProcesses + 1);
  for (int i = 1; i <= kProcesses; ++i) {
    key[i] = "sk-concurrent-e2e-" + random_hex() + "-" + std::to_string(i);
    keys.write("a" + std::to_string(i), key[i] + "\n");
  }
  // Every qwen is forked first and held at a gate; opening the gate starts all of them within milliseconds.
  const std::string script =
      "i=1\n"
      "while [ $i -le " + std::to_string(kProcesses) + " ]; do\n"
      "  ( while [ ! -e \"$KEYS/go\" ]; do sleep 0.005; done\n"
      "    \"$QWEN\" auth api-key --account a$i --with-key <\"$KEYS/a$i\"; echo \"a$i exit=$?\" ) &\n"
      "  i=$((i+1))\n"
      "done\n"
      ": >\"$KEYS/go\"\n"
      "wait\n";
  const auto r = run_process(shell(home, script, keys.path()));
  INFO(r.out << r.err);
  REQUIRE_FALSE(r.timed_out);
  for (int i = 1; i <= kProcesses; ++i) CHECK(r.out.find("a" + std::to_string(i) + " exit=0") != std::string::npos);

  const fs::path file = home.path() / ".qwen/secrets.json";
  const auto doc = nlohmann::json::parse(read_file(file));
  int kept = 0, printed = 0;
  for (int i = 1; i <= kProcesses; ++i) {
    kept += stored_key(doc, "a" + std::to_string(i)) == key[i] ? 1 : 0;
    printed += (r.out + r.err).find(key[i]) != std::string::npos ? 1 : 0;
  }
  CHECK(kept == kProcesses);  // without the lock, most runs lose some of the others' entries
  CHECK(printed == 0);
  CHECK(doc["secrets"]["other"][""]["api_key"] == "sk-earlier-entry-e2e-9a31c7");
  struct stat st {};
  REQUIRE(::lstat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(leftovers(home).empty());  // the lock file and every temporary file are gone
}

TEST_CASE("secret store file: a link, a FIFO or a folder at secrets.json.lock is refused at once, nothing written",
          "[secrets][concurrency]") {
  for (const std::string kind : {"link", "dangling link", "fifo", "folder"}) {
    INFO(kind);
    TempDir home, keys;
    prepare_home(home);
    const std::string key = "sk-hostile-lock-e2e-" + random_hex();
    keys.write("key", key + "\n");
    const fs::path lock = home.path() / ".qwen/secrets.json.lock";
    const fs::path target = home.write("elsewhere", "the target's own text\n");
    if (kind == "link") fs::create_symlink(target, lock);
    if (kind == "dangling link") fs::create_symlink(home.path() / "nothing-here", lock);
    if (kind == "fifo") REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
    if (kind == "folder") fs::create_directory(lock);

    const auto start = Clock::now();
    const auto r = run_process(
        shell(home, "\"$QWEN\" auth api-key --account x --with-key <\"$KEYS/key\"; echo \"exit=$?\"", keys.path()));
    INFO(r.out << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(Clock::now() - start < std::chrono::seconds(10));  // not FileLock's 30 s wait, and no hang on the FIFO
    CHECK(r.out.find("exit=0") == std::string::npos);
    CHECK(r.err.find("secrets.json.lock") != std::string::npos);
    CHECK(r.err.find("nothing was written") != std::string::npos);
    CHECK((r.out + r.err).find(key) == std::string::npos);
    CHECK(read_file(home.path() / ".qwen/secrets.json") == kEarlier);
    CHECK(read_file(target) == "the target's own text\n");
    if (kind == "link" || kind == "dangling link") CHECK(fs::is_symlink(lock));
    if (kind == "fifo") CHECK(fs::is_fifo(lock));
    if (kind == "folder") CHECK(fs::is_directory(lock));
    CHECK_FALSE(fs::exists(home.path() / "nothing-here"));
  }
}

TEST_CASE("secret store file: a lock left by a dead qwen is broken at once, a live holder's is waited for",
          "[secrets][concurrency]") {
  char host[256] = {0};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);

  SECTION("dead holder") {
    const pid_t dead = ::fork();
    REQUIRE(dead >= 0);
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    TempDir home, keys;
    prepare_home(home);
    home.write(".qwen/secrets.json.lock", "0123abcd\npid=" + std::to_string(dead) + "\nhost=" + host + "\n");
    const std::string key = "sk-dead-holder-e2e-" + random_hex();
    keys.write("key", key + "\n");
    const auto start = Clock::now();
    const auto r = run_process(
        shell(home, "\"$QWEN\" auth api-key --account x --with-key <\"$KEYS/key\"; echo \"exit=$?\"", keys.path()));
    INFO(r.out << r.err);
    CHECK(r.out.find("exit=0") != std::string::npos);
    CHECK(Clock::now() - start < std::chrono::seconds(5));
    const auto doc = nlohmann::json::parse(read_file(home.path() / ".qwen/secrets.json"));
    CHECK((stored_key(doc, "x") == key));
    CHECK(leftovers(home).empty());
  }

  SECTION("live holder, gone after two seconds") {
    TempDir home, keys;
    prepare_home(home);
    const fs::path lock = home.path() / ".qwen/secrets.json.lock";
    home.write(".qwen/secrets.json.lock", "4567cdef\npid=" + std::to_string(::getpid()) + "\nhost=" + host + "\n");
    const std::string key = "sk-live-holder-e2e-" + random_hex();
    keys.write("key", key + "\n");
    const auto start = Clock::now();
    BackgroundProcess qwen(
        shell(home, "\"$QWEN\" auth api-key --account x --with-key <\"$KEYS/key\"; echo \"exit=$?\"", keys.path()));
    // Said once the wait passes a second: who holds the lock, and how long qwen waits.
    CHECK(qwen.wait_for_output("which holds " + lock.string(), std::chrono::seconds(10)));
    CHECK(read_file(home.path() / ".qwen/secrets.json") == kEarlier);  // nothing written while held
    std::this_thread::sleep_for(std::chrono::milliseconds(2000) - (Clock::now() - start));
    fs::remove(lock);
    const auto r = qwen.wait(std::chrono::seconds(30));
    INFO(r.out << r.err);
    CHECK(r.out.find("exit=0") != std::string::npos);
    CHECK(r.err.find("pid " + std::to_string(::getpid())) != std::string::npos);
    CHECK(Clock::now() - start >= std::chrono::milliseconds(2000));
    const auto doc = nlohmann::json::parse(read_file(home.path() / ".qwen/secrets.json"));
    CHECK((stored_key(doc, "x") == key));
    CHECK(doc["secrets"]["other"][""]["api_key"] == "sk-earlier-entry-e2e-9a31c7");
  }
}
