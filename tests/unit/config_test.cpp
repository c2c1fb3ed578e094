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
