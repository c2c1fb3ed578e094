// accounts.json (the host's list of named logins, core/app/accounts.cpp) and openai_accounts.json (the openai
// plugin's base URL per account, plugins/auth-openai-key/saved_accounts.cpp) shared by several qwen processes:
// real `qwen auth api-key --account aN --base-url URL --with-key` runs started together against one HOME must
// each leave their account in both files; and what a link, FIFO or folder at either file's lock does. Keys are
// counted here, never printed (the secrets sweep reads every saved output, and a failed CHECK prints its
// operands).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string random_hex() {
  std::random_device rd;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

// A HOME whose config.toml chooses the file store (no keyring is probed), with an account signed in before
// (in both files): every writer must carry it over.
void prepare_home(const TempDir &home) {
  home.write(".qwen/config.toml", "[secrets]\nstore = \"file\"\n");
  home.write(".qwen/accounts.json", "{\"version\": 1, \"accounts\": {\"openai\": [\"earlier\"]}}\n");
  home.write(".qwen/openai_accounts.json", "{\"earlier\": {\"base_url\": \"http://127.0.0.1:9/v1\"}}\n");
  for (const char *f : {".qwen/accounts.json", ".qwen/openai_accounts.json"})
    ::chmod((home.path() / f).c_str(), 0600);
}

// The names in ~/.qwen other than the files a sign-in leaves (a lock or a temporary file left behind shows).
std::vector<std::string> leftovers(const TempDir &home) {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(home.path() / ".qwen")) {
    const std::string name = e.path().filename().string();
    if (name != "config.toml" && name != "secrets.json" && name != "accounts.json" && name != "openai_accounts.json")
      out.push_back(name);
  }
  return out;
}

ProcessOptions shell(const TempDir &home, const std::string &script, const fs::path &keys, const std::string &url) {
  ProcessOptions o;
  o.args = {"/bin/sh", "-c", script};
  o.env = base_env(home.path());
  o.env["QWEN"] = QWEN_TEST_BIN;
  o.env["KEYS"] = keys.string();
  o.env["URL"] = url;
  o.cwd = home.path().string();
  o.timeout = std::chrono::seconds(90);
  return o;
}

bool listed(const nlohmann::json &accounts, const std::string &name) {
  const auto &list = accounts["accounts"]["openai"];
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

TEST_CASE("accounts files: 16 qwen processes signing in at once each leave their account in accounts.json and "
          "openai_accounts.json, three rounds",
          "[accounts][concurrency]") {
  constexpr int kProcesses = 16;
  // Three rounds of 16 into one HOME: the secret store's own lock staggers the runs, so one round without these
  // locks loses an entry only about two times in three; three rounds make a pass without them rare.
  const std::vector<std::string> rounds = {"a", "b", "c"};
  FakeProvider p;
  TempDir home, keys;
  prepare_home(home);
  std::vector<std::string> names, key;
  std::string out;  // every run's output, searched for any key
  for (const auto &round : rounds) {
    for (int i = 1; i <= kProcesses; ++i) {
      names.push_back(round + std::to_string(i));
      key.push_back("sk-accounts-lock-e2e-" + random_hex() + "-" + names.back());
      keys.write(names.back(), key.back() + "\n");
    }
    // Every qwen is forked first and held at a gate; opening the gate starts all of them within milliseconds.
    const std::string script =
        "i=1\n"
        "while [ $i -le " + std::to_string(kProcesses) + " ]; do\n"
        "  ( while [ ! -e \"$KEYS/go-" + round + "\" ]; do sleep 0.005; done\n"
        "    \"$QWEN\" auth api-key --account " + round + "$i --base-url \"$URL/" + round + "$i\" --with-key "
        "<\"$KEYS/" + round + "$i\"; echo \"" + round + "$i exit=$?\" ) &\n"
        "  i=$((i+1))\n"
        "done\n"
        ": >\"$KEYS/go-" + round + "\"\n"
        "wait\n";
    const auto r = run_process(shell(home, script, keys.path(), p.base_url()));
    INFO(round << ": " << r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    for (int i = 1; i <= kProcesses; ++i)
      CHECK(r.out.find(round + std::to_string(i) + " exit=0") != std::string::npos);
    out += r.out + r.err;
  }

  const auto accounts = nlohmann::json::parse(read_file(home.path() / ".qwen/accounts.json"));
  const auto saved = nlohmann::json::parse(read_file(home.path() / ".qwen/openai_accounts.json"));
  const int all = static_cast<int>(names.size());
  int in_accounts = 0, in_saved = 0, printed = 0;
  for (int i = 0; i < all; ++i) {
    const std::string &name = names[static_cast<size_t>(i)];
    in_accounts += listed(accounts, name) ? 1 : 0;
    in_saved += saved.contains(name) && saved[name].value("base_url", "") == p.base_url() + "/" + name ? 1 : 0;
    printed += out.find(key[static_cast<size_t>(i)]) != std::string::npos ? 1 : 0;
  }
  // Without the locks, runs lose some of the others' entries in each file.
  CHECK(in_accounts == all);
  CHECK(in_saved == all);
  CHECK(printed == 0);
  CHECK(listed(accounts, "earlier"));
  CHECK(saved["earlier"]["base_url"] == "http://127.0.0.1:9/v1");
  CHECK(accounts["accounts"]["openai"].size() == names.size() + 1);  // each name once
  for (const char *f : {".qwen/accounts.json", ".qwen/openai_accounts.json"}) {
    struct stat st {};
    REQUIRE(::lstat((home.path() / f).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
  }
  CHECK(leftovers(home).empty());  // the lock files and every temporary file are gone
}

TEST_CASE("accounts files: a link, a FIFO or a folder at accounts.json.lock or openai_accounts.json.lock is "
          "refused at once, that file unchanged, the error says so",
          "[accounts][concurrency]") {
  FakeProvider p;
  for (const std::string file : {"accounts.json", "openai_accounts.json"}) {
    for (const std::string kind : {"link", "dangling link", "fifo", "folder"}) {
      INFO(file << ": " << kind);
      TempDir home, keys;
      prepare_home(home);
      const std::string before = read_file(home.path() / ".qwen" / file);
      const std::string key = "sk-accounts-hostile-lock-e2e-" + random_hex();
      keys.write("key", key + "\n");
      const fs::path lock = home.path() / ".qwen" / (file + ".lock");
      const fs::path target = home.write("elsewhere", "the target's own text\n");
      if (kind == "link") fs::create_symlink(target, lock);
      if (kind == "dangling link") fs::create_symlink(home.path() / "nothing-here", lock);
      if (kind == "fifo") REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
      if (kind == "folder") fs::create_directory(lock);

      const auto start = Clock::now();
      const auto r = run_process(shell(
          home, "\"$QWEN\" auth api-key --account x --base-url \"$URL\" --with-key <\"$KEYS/key\"; echo \"exit=$?\"",
          keys.path(), p.base_url()));
      INFO(r.out << r.err);
      CHECK_FALSE(r.timed_out);
      CHECK(Clock::now() - start < std::chrono::seconds(10));  // not FileLock's 30 s wait, and no hang on the FIFO
      if (file == "accounts.json") {
        // The key and base URL were kept before the host records the name: the sign-in stands, and says so.
        CHECK(r.out.find("exit=0") != std::string::npos);
        CHECK(r.err.find("warning: the login is kept, but qwen auth list will not show it") != std::string::npos);
      } else {
        CHECK(r.out.find("exit=0") == std::string::npos);
      }
      CHECK(r.err.find(lock.string()) != std::string::npos);
      CHECK(r.err.find("nothing was written") != std::string::npos);
      CHECK(r.err.find("held by") == std::string::npos);
      CHECK((r.out + r.err).find(key) == std::string::npos);
      CHECK(read_file(home.path() / ".qwen" / file) == before);
      CHECK(read_file(target) == "the target's own text\n");
      if (kind == "link" || kind == "dangling link") CHECK(fs::is_symlink(lock));
      if (kind == "fifo") CHECK(fs::is_fifo(lock));
      if (kind == "folder") CHECK(fs::is_directory(lock));
      CHECK_FALSE(fs::exists(home.path() / "nothing-here"));
    }
  }
}
