// Finding and applying the one .env file, with real folders and a fake environment.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "config/env_files.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::config;
using qwen::test::TempDir;

namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  Environment env() {
    return {[this](const std::string &k) -> std::optional<std::string> {
              auto it = vars.find(k);
              return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
            },
            [this](const std::string &k, const std::string &v) { vars[k] = v; }};
  }
};

const std::vector<std::string> kExcluded{"DEBUG", "DEBUG_MODE"};

}  // namespace

TEST_CASE("search order: .qwen/.env then .env in each folder upwards, then home") {
  TempDir d;
  auto home = d.path() / "home";
  auto deep = d.path() / "w/p/a/b";
  std::filesystem::create_directories(deep);
  std::filesystem::create_directories(home);
  CHECK_FALSE(find_env_file(deep, home));
  d.write("home/.env", "");
  CHECK(find_env_file(deep, home) == home / ".env");
  d.write("home/.qwen/.env", "");
  CHECK(find_env_file(deep, home) == home / ".qwen/.env");
  d.write("w/.env", "");
  CHECK(find_env_file(deep, home) == d.path() / "w/.env");
  d.write("w/p/.env", "");
  CHECK(find_env_file(deep, home) == d.path() / "w/p/.env");
  d.write("w/p/.qwen/.env", "");
  CHECK(find_env_file(deep, home) == d.path() / "w/p/.qwen/.env");
  d.write("w/p/a/b/.env", "");
  CHECK(find_env_file(deep, home) == deep / ".env");
}

TEST_CASE("a folder named .env is not a file") {
  TempDir d;
  std::filesystem::create_directories(d.path() / "p/.env");
  d.write(".env", "");
  CHECK(find_env_file(d.path() / "p", d.path() / "nohome") == d.path() / ".env");
}

TEST_CASE("only the first file is applied, the environment wins, even when empty") {
  TempDir d;
  d.write("p/.env", "A=from-file\nB=from-file\nC=from-file\n");
  d.write("home/.qwen/.env", "D=from-home\n");
  FakeEnv fe;
  fe.vars = {{"B", "from-env"}, {"C", ""}};
  auto load = load_env_file(d.path() / "p", d.path() / "home", kExcluded, fe.env());
  CHECK(load.file == d.path() / "p/.env");
  CHECK(fe.vars["A"] == "from-file");
  CHECK(fe.vars["B"] == "from-env");
  CHECK(fe.vars["C"].empty());
  CHECK(fe.vars.count("D") == 0);
  CHECK(load.applied == std::vector<std::string>{"A"});
  CHECK(load.kept == std::vector<std::string>{"B", "C"});
}

TEST_CASE("DEBUG and DEBUG_MODE are taken only from a .qwen/.env file") {
  TempDir d;
  d.write("p/.env", "DEBUG=1\nDEBUG_MODE=1\nX=1\n");
  FakeEnv fe;
  auto load = load_env_file(d.path() / "p", d.path() / "home", kExcluded, fe.env());
  CHECK(fe.vars.count("DEBUG") == 0);
  CHECK(fe.vars.count("DEBUG_MODE") == 0);
  CHECK(fe.vars["X"] == "1");
  CHECK(load.excluded == std::vector<std::string>{"DEBUG", "DEBUG_MODE"});
  d.write("q/.qwen/.env", "DEBUG=1\n");
  FakeEnv fe2;
  load_env_file(d.path() / "q", d.path() / "home", kExcluded, fe2.env());
  CHECK(fe2.vars["DEBUG"] == "1");
}

TEST_CASE("DEBUG is taken from the user's ~/.env, also when the walk up reaches it: only a project's .env excludes") {
  TempDir d;
  d.write("home/.env", "DEBUG=1\n");
  std::filesystem::create_directories(d.path() / "home/work/sub");
  std::filesystem::create_directories(d.path() / "elsewhere");
  for (const auto &start : {d.path() / "elsewhere", d.path() / "home/work/sub"}) {
    FakeEnv fe;
    auto load = load_env_file(start, d.path() / "home", kExcluded, fe.env());
    CHECK(load.file == d.path() / "home/.env");
    CHECK(fe.vars["DEBUG"] == "1");
    CHECK(load.excluded.empty());
  }
  d.write("home/work/.env", "DEBUG=1\n");
  FakeEnv fe;
  auto load = load_env_file(d.path() / "home/work/sub", d.path() / "home", kExcluded, fe.env());
  CHECK(load.file == d.path() / "home/work/.env");
  CHECK(fe.vars.count("DEBUG") == 0);
}

TEST_CASE("the exclusion list is configurable") {
  TempDir d;
  d.write("p/.env", "DEBUG=1\nNODE_ENV=x\n");
  FakeEnv fe;
  load_env_file(d.path() / "p", d.path() / "home", {"NODE_ENV"}, fe.env());
  CHECK(fe.vars["DEBUG"] == "1");
  CHECK(fe.vars.count("NODE_ENV") == 0);
}

TEST_CASE("a repeated key takes its last value") {
  TempDir d;
  d.write("p/.env", "K=1\nK=2\n");
  FakeEnv fe;
  load_env_file(d.path() / "p", d.path() / "home", kExcluded, fe.env());
  CHECK(fe.vars["K"] == "2");
}

TEST_CASE("warnings name the file and line") {
  TempDir d;
  auto f = d.write("p/.env", "OK=1\nbroken line\n");
  FakeEnv fe;
  auto load = load_env_file(d.path() / "p", d.path() / "home", kExcluded, fe.env());
  REQUIRE(load.warnings.size() == 1);
  CHECK(load.warnings[0].rfind(f.string() + ":2: ", 0) == 0);
  CHECK(fe.vars["OK"] == "1");
}

TEST_CASE("an unreadable first file is a warning and nothing is loaded from elsewhere") {
  TempDir d;
  auto f = d.write("p/.env", "A=1\n");
  d.write("home/.env", "B=2\n");
  chmod(f.c_str(), 0);
  FakeEnv fe;
  auto load = load_env_file(d.path() / "p", d.path() / "home", kExcluded, fe.env());
  if (geteuid() != 0) {  // root reads it anyway
    REQUIRE(load.warnings.size() == 1);
    CHECK(load.warnings[0].find("cannot read") != std::string::npos);
    CHECK(fe.vars.empty());
  } else {
    CHECK(fe.vars["A"] == "1");
  }
  CHECK(fe.vars.count("B") == 0);
}

TEST_CASE("process_environment reads and writes the real environment") {
  unsetenv("QWEN_ENV_FILES_TEST_VAR");
  auto env = process_environment();
  CHECK_FALSE(env.get("QWEN_ENV_FILES_TEST_VAR"));
  env.set("QWEN_ENV_FILES_TEST_VAR", "v");
  CHECK(env.get("QWEN_ENV_FILES_TEST_VAR") == std::string("v"));
  unsetenv("QWEN_ENV_FILES_TEST_VAR");
}
