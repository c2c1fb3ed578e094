// Account names and the registry of named logins (core/app/accounts.*, core/config/account_name.*): what a
// name may be, and accounts.json read, added to and removed from without losing a damaged file.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include <qwen/plugin.hpp>

#include "app/accounts.hpp"
#include "support/temp_dir.hpp"

using qwen::app::AccountRegistry;
using qwen::config::parse_account_name;
using qwen::test::TempDir;

TEST_CASE("account names: letters, digits, . _ -, a letter or digit first, at most 64, and default is the default",
          "[accounts]") {
  CHECK(parse_account_name("work") == std::string("work"));
  CHECK(parse_account_name("a.b_c-9") == std::string("a.b_c-9"));
  CHECK(parse_account_name("9lives") == std::string("9lives"));
  CHECK(parse_account_name(std::string(64, 'x')) == std::string(64, 'x'));
  CHECK(parse_account_name("default") == std::string());
  CHECK(parse_account_name("") == std::string());
  for (const std::string &bad : {std::string(65, 'x'), std::string("-rf"), std::string(".."), std::string("../x"),
                                 std::string("a/b"), std::string("a b"), std::string("a\nb"), std::string("\x1b[31m"),
                                 std::string("caf\xc3\xa9"), std::string("a\0b", 3), std::string("_x")}) {
    INFO(bad);
    CHECK_FALSE(parse_account_name(bad));
  }
}

TEST_CASE("account registry: named logins per method, in order, written 0600, the default never listed",
          "[accounts]") {
  TempDir d;
  AccountRegistry r(d.path() / "accounts.json");
  CHECK(r.named("qwen-oauth").empty());
  CHECK(r.has("qwen-oauth", ""));  // the default login always exists
  CHECK_FALSE(r.has("qwen-oauth", "work"));
  r.add("qwen-oauth", "work");
  r.add("qwen-oauth", "home");
  r.add("qwen-oauth", "work");  // once
  r.add("openai", "ci");
  r.add("openai", "");  // ignored
  CHECK(r.named("qwen-oauth") == std::vector<std::string>{"work", "home"});
  CHECK(r.named("openai") == std::vector<std::string>{"ci"});
  struct stat st {};
  REQUIRE(::stat((d.path() / "accounts.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  r.remove("qwen-oauth", "work");
  r.remove("qwen-oauth", "nosuch");
  CHECK(r.named("qwen-oauth") == std::vector<std::string>{"home"});
  r.remove("openai", "ci");
  CHECK(r.named("openai").empty());
  CHECK_FALSE(r.load_error());
}

TEST_CASE("account registry: a damaged file lists nothing, says why, and is never overwritten", "[accounts]") {
  for (const std::string &text :
       {std::string("{ not json"), std::string("[]"), std::string("{\"version\": 2, \"accounts\": {}}"),
        std::string("{\"version\": 1}"), std::string("{\"version\": 1, \"accounts\": {\"m\": \"work\"}}"),
        std::string("{\"version\": 1, \"accounts\": {\"m\": [\"../x\"]}}"),
        std::string("{\"version\": 1, \"accounts\": {\"m\": [\"default\"]}}"),
        std::string("{\"version\": 1, \"accounts\": {\"m\": [7]}}")}) {
    INFO(text);
    TempDir d;
    const auto file = d.write("accounts.json", text);
    AccountRegistry r(file);
    CHECK(r.named("m").empty());
    REQUIRE(r.load_error());
    CHECK(r.load_error()->find("accounts.json") != std::string::npos);
    CHECK_THROWS_AS(r.add("m", "work"), qwen::sdk::Error);
    CHECK_THROWS_AS(r.remove("m", "work"), qwen::sdk::Error);
    CHECK(qwen::test::read_file(file) == text);
  }
  // Not a regular file: said, not a hang.
  TempDir d;
  std::filesystem::create_directory(d.path() / "accounts.json");
  AccountRegistry r(d.path() / "accounts.json");
  REQUIRE(r.load_error());
  CHECK(r.load_error()->find("directory") != std::string::npos);
}

TEST_CASE("account registry: under read_once the file is read once, then afresh, and add and remove end it",
          "[accounts]") {
  TempDir d;
  const auto file = d.write("accounts.json", "{\"version\": 1, \"accounts\": {\"m\": [\"work\"], \"n\": [\"ci\"]}}");
  AccountRegistry r(file);
  {
    const auto once = r.read_once();
    CHECK(r.named("m") == std::vector<std::string>{"work"});
    // Changed (even damaged) on disk meanwhile: the one reading still answers, for every method.
    d.write("accounts.json", "{ not json");
    CHECK(r.named("m") == std::vector<std::string>{"work"});
    CHECK(r.named("n") == std::vector<std::string>{"ci"});
    CHECK(r.has("n", "ci"));
    CHECK_FALSE(r.load_error());
    {
      const auto inner = r.read_once();  // nested: ends with the outer one, not before
    }
    CHECK(r.named("m") == std::vector<std::string>{"work"});
  }
  REQUIRE(r.load_error());  // ended: the file as it is now
  CHECK(r.named("m").empty());

  d.write("accounts.json", "{\"version\": 1, \"accounts\": {\"m\": [\"work\"]}}");
  const auto once = r.read_once();
  r.add("m", "home");  // reads the file afresh (a write never works from the old reading) and ends it
  CHECK(r.named("m") == std::vector<std::string>{"work", "home"});
  d.write("accounts.json", "{\"version\": 1, \"accounts\": {}}");
  CHECK(r.named("m").empty());
}

TEST_CASE("account registry: a change takes accounts.json.lock, one that changes nothing takes none, and a FIFO "
          "or link there is refused at once",
          "[accounts]") {
  TempDir d;
  AccountRegistry r(d.path() / "qwen-home" / "accounts.json");
  r.remove("openai", "absent");  // nothing to forget: no folder, file or lock made
  CHECK_FALSE(std::filesystem::exists(d.path() / "qwen-home"));
  r.add("openai", "work");
  CHECK(r.named("openai") == std::vector<std::string>{"work"});
  CHECK_FALSE(std::filesystem::exists(d.path() / "qwen-home" / "accounts.json.lock"));  // released

  for (const std::string kind : {"fifo", "dangling link", "folder"}) {
    INFO(kind);
    const auto lock = d.path() / "qwen-home" / "accounts.json.lock";
    if (kind == "fifo") REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
    if (kind == "dangling link") std::filesystem::create_symlink(d.path() / "nothing-here", lock);
    if (kind == "folder") std::filesystem::create_directory(lock);
    const std::string before = qwen::test::read_file(r.file());
    r.add("openai", "work");  // listed already: no lock needed, so nothing to refuse
    const auto start = std::chrono::steady_clock::now();
    std::string message;
    try {
      r.add("openai", "home");
    } catch (const qwen::sdk::Error &e) {
      message = e.what();
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(message.find(lock.string()) != std::string::npos);
    CHECK(message.find("nothing was written") != std::string::npos);
    CHECK(qwen::test::read_file(r.file()) == before);
    std::filesystem::remove(lock);
  }
}
