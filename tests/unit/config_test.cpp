// config.toml loading: merging, lookups, and errors that name file, line and column.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::config;
using qwen::test::TempDir;

TEST_CASE("the project file overrides the user file key by key") {
  TempDir d;
  auto user =
      d.write("home/.qwen/config.toml",
              "auth = \"openai\"\nfrontend = \"tty\"\n[plugins.openai]\nmodel = \"u\"\nbase_url = \"https://u\"\n");
  auto project = d.write("proj/.qwen/config.toml", "frontend = \"pipe\"\n[plugins.openai]\nmodel = \"p\"\n");
  Config c = load_config(user, project);
  CHECK(c.auth == "openai");
  CHECK(c.frontend == "pipe");
  CHECK(c.lookup("plugins.openai.model") == "p");
  CHECK(c.lookup("plugins.openai.base_url") == "https://u");
  CHECK_FALSE(c.lookup("plugins.openai.nothing"));
  CHECK(c.files.size() == 2);
  CHECK(c.user_auth == "openai");  // each file's own `auth` is kept apart for the sign-in choice
  CHECK_FALSE(c.project_auth);
  auto chooser = d.write("proj/.qwen/config.toml", "auth = \"qwen-oauth\"\n");
  Config both = load_config(user, chooser);
  CHECK(both.auth == "qwen-oauth");
  CHECK(both.user_auth == "openai");
  CHECK(both.project_auth == "qwen-oauth");
}

TEST_CASE("lookups give numbers and booleans as text") {
  TempDir d;
  auto user = d.write("c.toml", "[plugins.x]\nn = 42\nb = true\nf = 1.5\n[network]\nmax_retries = 5\n");
  Config c = load_config(user, std::nullopt);
  CHECK(c.lookup("plugins.x.n") == "42");
  CHECK(c.lookup("plugins.x.b") == "true");
  CHECK(c.lookup("plugins.x.f") == "1.5");
  CHECK(c.network.max_retries == 5);
}

TEST_CASE("no files at all is an empty configuration with defaults") {
  TempDir d;
  Config c = load_config(d.path() / "missing.toml", std::nullopt);
  CHECK_FALSE(c.auth);
  CHECK(c.network.max_retries == 3);
  CHECK(c.excluded_env_vars == std::vector<std::string>{"DEBUG", "DEBUG_MODE"});
}

TEST_CASE("a syntax error names the file, line and column") {
  TempDir d;
  auto bad = d.write("c.toml", "auth = \"openai\"\n\nfrontend = [unclosed\n");
  try {
    load_config(bad, std::nullopt);
    FAIL("no error");
  } catch (const ConfigError &e) {
    CHECK(std::string(e.what()).find(bad.string() + ":3:") == 0);
  }
}

TEST_CASE("wrong types are errors that name the key") {
  struct Case {
    const char *text;
    const char *mentions;
  };
  for (auto c :
       {Case{"auth = 5\n", "`auth` must be a string"}, Case{"frontend = true\n", "`frontend`"},
        Case{"[network]\nidle_timeout_ms = -1\n", "network.idle_timeout_ms"},
        Case{"network = 3\n", "`network` must be a table"},
        Case{"excluded_env_vars = \"DEBUG\"\n", "excluded_env_vars"}, Case{"excluded_env_vars = [1]\n", "strings only"},
        Case{"plugins = 1\n", "`plugins` must be a table"}}) {
    TempDir d;
    auto f = d.write("c.toml", c.text);
    try {
      load_config(f, std::nullopt);
      FAIL("no error for " << c.text);
    } catch (const ConfigError &e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(c.mentions) != std::string::npos);
      CHECK(std::string(e.what()).find(f.string()) == 0);
    }
  }
}

TEST_CASE("the nearest project .qwen/config.toml is found walking up, but never the user's own") {
  TempDir d;
  d.write("home/.qwen/config.toml", "");
  d.write("home/proj/.qwen/config.toml", "");
  d.write("home/proj/a/b/.keep", "");
  auto home_qwen = d.path() / "home/.qwen";
  CHECK(find_project_config(d.path() / "home/proj/a/b", home_qwen) == d.path() / "home/proj/.qwen/config.toml");
  CHECK_FALSE(find_project_config(d.path() / "home", home_qwen));
}

// A server that trickles SSE keep-alive comments resets the idle timer forever: the total bound must be on
// by default (issue 12, item 8), and 0 must keep meaning "none" for both timers.
TEST_CASE("the network defaults include a total bound for one answer") {
  TempDir d;
  Config c = load_config(d.path() / "missing.toml", std::nullopt);
  CHECK(c.network.request_timeout_ms == 1800000);  // 30 min, as config.hpp and the README explain
  CHECK(c.network.idle_timeout_ms == 60000);
  CHECK(c.network.max_retries == 3);
  auto none = d.write("none.toml", "[network]\nrequest_timeout_ms = 0\nidle_timeout_ms = 0\n");
  Config n = load_config(none, std::nullopt);
  CHECK(n.network.request_timeout_ms == 0);
  CHECK(n.network.idle_timeout_ms == 0);
}

// max_retries = 50 used to become 20 without a word, and a huge retry_base_ms overflowed into a negative
// wait: every [network] number is checked when read, and an error names file:line.
TEST_CASE("every [network] number out of range is an error naming file and line") {
  struct Case {
    const char *key;
    const char *value;
  };
  for (auto c : {Case{"max_retries", "21"}, Case{"max_retries", "-1"}, Case{"max_retries", "9223372036854775807"},
                 Case{"retry_base_ms", "86400001"}, Case{"retry_base_ms", "-5"},
                 Case{"retry_max_wait_ms", "100000000000"}, Case{"connect_timeout_ms", "0"},
                 Case{"connect_timeout_ms", "86400001"}, Case{"idle_timeout_ms", "-1"},
                 Case{"idle_timeout_ms", "86400001"}, Case{"request_timeout_ms", "86400001"},
                 Case{"request_timeout_ms", "1.5"}, Case{"max_retries", "\"3\""}, Case{"retry_base_ms", "true"}}) {
    TempDir d;
    auto f = d.write("c.toml", std::string("auth = \"openai\"\n[network]\n") + c.key + " = " + c.value + "\n");
    INFO(c.key << " = " << c.value);
    try {
      load_config(f, std::nullopt);
      FAIL("no error");
    } catch (const ConfigError &e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.rfind(f.string() + ":3:", 0) == 0);  // file:line:column of the value
      CHECK(what.find(std::string("`network.") + c.key + "`") != std::string::npos);
      CHECK(what.find(" from ") != std::string::npos);  // the range is said
    }
  }
  // The limits themselves are accepted, in the user file and in a project file alike.
  TempDir d;
  auto user = d.write("u.toml", "[network]\nmax_retries = 20\nretry_base_ms = 86400000\nretry_max_wait_ms = 0\n");
  auto project = d.write("p.toml", "[network]\nconnect_timeout_ms = 1\nidle_timeout_ms = 86400000\n");
  Config ok = load_config(user, project);
  CHECK(ok.network.max_retries == 20);
  CHECK(ok.network.retry_base_ms == 86400000);
  CHECK(ok.network.connect_timeout_ms == 1);
  auto bad_project = d.write("bad.toml", "[network]\n\nmax_retries = 50\n");
  try {
    load_config(user, bad_project);
    FAIL("no error");
  } catch (const ConfigError &e) {
    CHECK(std::string(e.what()).rfind(bad_project.string() + ":3:", 0) == 0);  // the project file is named
  }
}
