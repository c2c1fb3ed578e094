// <qwen home>/coding_plan.json: 0600, atomic, never through a link, bounded, and
// a file that holds no sign-in is said to be one.
#include <catch2/catch.hpp>

#include <qwen/plugin.hpp>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "saved_key.hpp"

using namespace coding_plan;

namespace {

struct Home {
  Home() {
    char tmpl[] = "/tmp/coding-plan-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~Home() { std::filesystem::remove_all(path); }
  std::string path;
};

void write(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("coding-plan saved key: written 0600 and read back", "[coding-plan]") {
  Home home;
  umask(022);
  CHECK_FALSE(read_saved_key(home.path).has_value());
  write_saved_key(home.path, {"https://coding.dashscope.aliyuncs.com/v1", "sk-sp-abc123"});
  struct stat st {};
  REQUIRE(stat(saved_key_path(home.path).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto k = read_saved_key(home.path);
  REQUIRE(k.has_value());
  CHECK(k->base_url == "https://coding.dashscope.aliyuncs.com/v1");
  CHECK(k->api_key == "sk-sp-abc123");
  CHECK(remove_saved_key(home.path));
  CHECK_FALSE(remove_saved_key(home.path));
  CHECK_FALSE(read_saved_key(home.path).has_value());
}

TEST_CASE("coding-plan saved key: a link, a folder, a huge or a malformed file is refused by name", "[coding-plan]") {
  Home home;
  const std::string path = saved_key_path(home.path);
  const std::string target = home.path + "/elsewhere.json";
  write(target, R"({"base_url":"https://x/v1","api_key":"sk-sp-1"})");
  REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
  CHECK_THROWS_WITH(read_saved_key(home.path), Catch::Contains("symbolic link"));
  // Writing replaces the link, never the file it points to.
  write_saved_key(home.path, {"https://coding.dashscope.aliyuncs.com/v1", "sk-sp-new"});
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(path)));
  std::ifstream t(target);
  std::string kept((std::istreambuf_iterator<char>(t)), {});
  CHECK(kept.find("sk-sp-1") != std::string::npos);

  std::filesystem::remove(path);
  std::filesystem::create_directory(path);
  CHECK_THROWS_WITH(read_saved_key(home.path), Catch::Contains("is a directory"));
  std::filesystem::remove(path);

  write(path, std::string(70 * 1024, ' '));
  CHECK_THROWS(read_saved_key(home.path));
  for (const char *bad : {"", "[]", R"({"api_key":"sk-sp-1"})", R"({"base_url":"","api_key":"sk-sp-1"})",
                          R"({"base_url":"x","api_key":5})", R"({"base_url":1,"api_key":"sk-sp-1"})", "{not json"}) {
    INFO(bad);
    write(path, bad);
    CHECK_THROWS_WITH(read_saved_key(home.path), Catch::Contains("does not hold a Coding Plan sign-in"));
  }
}

TEST_CASE("coding-plan saved key: the file's text is one JSON object", "[coding-plan]") {
  CHECK(format_saved_key({"https://a/v1", "sk-sp-\"q\""}) == "{\"base_url\":\"https://a/v1\",\"api_key\":\"sk-sp-\\\"q\\\"\"}\n");
  auto k = parse_saved_key(format_saved_key({"https://a/v1", "sk-sp-\"q\""}));
  REQUIRE(k.has_value());
  CHECK(k->api_key == "sk-sp-\"q\"");
}

TEST_CASE("coding-plan saved key: since the secret store, the file holds the base URL only, and an older one is read",
          "[coding-plan]") {
  CHECK(format_saved_key({"https://a/v1", ""}) == "{\"base_url\":\"https://a/v1\"}\n");
  auto k = parse_saved_key(R"({"base_url":"https://a/v1"})");
  REQUIRE(k.has_value());
  CHECK(k->api_key.empty());
  k = parse_saved_key(R"({"base_url":"https://a/v1","api_key":"sk-sp-old"})");  // written before the store
  REQUIRE(k.has_value());
  CHECK(k->api_key == "sk-sp-old");
}

TEST_CASE("coding-plan saved key: a named account has a file of its own", "[coding-plan]") {
  Home home;
  write_saved_key(home.path, {"https://intl/v1", ""}, "work");
  CHECK(saved_key_path(home.path, "work") == home.path + "/coding_plan.work.json");
  CHECK_FALSE(read_saved_key(home.path).has_value());
  REQUIRE(read_saved_key(home.path, "work").has_value());
  CHECK(read_saved_key(home.path, "work")->base_url == "https://intl/v1");
  CHECK(remove_saved_key(home.path, "work"));
}
