// openai_accounts.json: the base URL and model each account's sign-in kept, and its lock.
#include <catch2/catch.hpp>

#include <qwen/sdk/file_lock.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "saved_accounts.hpp"

using namespace openai_key;

TEST_CASE("saved accounts: written and read back, the default account under \"default\"") {
  SavedAccounts a{{saved_account_name(""), {"https://a.example/v1", "m1"}}, {"work", {"http://127.0.0.1:9/v1", ""}}};
  auto back = parse_saved_accounts(format_saved_accounts(a));
  REQUIRE(back);
  CHECK(back->size() == 2);
  CHECK(back->at("default").base_url == "https://a.example/v1");
  CHECK(back->at("default").model == "m1");
  CHECK(back->at("work").model.empty());
  CHECK(format_saved_accounts(a).find("api_key") == std::string::npos);
}

TEST_CASE("saved accounts: hostile or damaged text is refused or skipped, never half-read") {
  CHECK_FALSE(parse_saved_accounts("[1,2]"));
  CHECK_FALSE(parse_saved_accounts("{\"default\": {\"base_url\": "));
  auto odd = parse_saved_accounts(R"({"default": "x", "work": {"base_url": 5, "model": "m"}, "x": {}})");
  REQUIRE(odd);
  CHECK(odd->size() == 1);
  CHECK(odd->at("work").base_url.empty());
  CHECK(odd->at("work").model == "m");
}

namespace {

// A fresh folder under the temporary one, removed afterwards.
struct Scratch {
  Scratch() {
    std::string templ = (std::filesystem::temp_directory_path() / "qwen-saved-accounts-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path = templ;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

}  // namespace

TEST_CASE("saved accounts: an update is made again under openai_accounts.json.lock, from the file as it is then") {
  Scratch s;
  const std::string home = (s.path / "qwen-home").string();
  const std::filesystem::path lock = home + "/openai_accounts.json.lock";
  // Nothing to change: no folder, file or lock is made.
  update_saved_accounts(home, [](SavedAccounts &) {});
  update_saved_accounts(home, [](SavedAccounts &a) { a.erase("absent"); });
  CHECK_FALSE(std::filesystem::exists(home));

  // Another sign-in writes between this one's first look and its lock: its account survives.
  std::vector<bool> locked_when_called;
  update_saved_accounts(home, [&](SavedAccounts &a) {
    locked_when_called.push_back(std::filesystem::exists(lock));
    if (locked_when_called.size() == 1) write_saved_accounts(home, {{"other", {"http://127.0.0.1:9/other", ""}}});
    a["work"].base_url = "http://127.0.0.1:9/work";
  });
  CHECK(locked_when_called == std::vector<bool>{false, true});
  const SavedAccounts after = read_saved_accounts(home);
  CHECK(after.size() == 2);
  CHECK(after.at("other").base_url == "http://127.0.0.1:9/other");
  CHECK(after.at("work").base_url == "http://127.0.0.1:9/work");
  CHECK_FALSE(std::filesystem::exists(lock));  // released

  // The last account gone: the file goes too.
  update_saved_accounts(home, [](SavedAccounts &a) { a.clear(); });
  CHECK_FALSE(std::filesystem::exists(home + "/openai_accounts.json"));
}

TEST_CASE("saved accounts: a FIFO or a link at openai_accounts.json.lock is refused at once, the file unchanged") {
  for (const std::string kind : {"fifo", "dangling link"}) {
    INFO(kind);
    Scratch s;
    const std::string home = s.path.string();
    write_saved_accounts(home, {{"earlier", {"http://127.0.0.1:9/v1", ""}}});
    const std::string before = format_saved_accounts(read_saved_accounts(home));
    const std::string lock = home + "/openai_accounts.json.lock";
    if (kind == "fifo") REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
    if (kind == "dangling link") REQUIRE(::symlink((home + "/nothing-here").c_str(), lock.c_str()) == 0);
    const auto start = std::chrono::steady_clock::now();
    std::string message;
    try {
      update_saved_accounts(home, [](SavedAccounts &a) { a["work"].model = "m"; });
    } catch (const qwen::sdk::FileLockRefused &e) {
      message = e.what();
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(message.find(lock) != std::string::npos);
    CHECK(message.find("nothing was written") != std::string::npos);
    CHECK(format_saved_accounts(read_saved_accounts(home)) == before);
  }
}
