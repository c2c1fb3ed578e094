// The configuration as the user wrote it (README "Configuration"): a misspelt or mistyped setting is named
// with file and line instead of passing quietly, a mistyped allow_insecure_http never opens plain http;
// with QWEN_HOME set, ~/.qwen/config.toml is not taken for a project's; a binary .env gives a few warnings
// and a count, not thousands.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-config-lint-key-3141";

size_t count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("config: a misspelt [network] key and a mistyped allow_insecure_http are warnings naming file and line",
          "[config]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto file = home.write(".qwen/config.toml",
                               "# mine\n[network]\nmax_retrys = 5\n\n[plugins.openai]\nallow_insecure_http = \"yes\"\n");
  auto r = run_qwen(home, {"-p", "still answers"}, with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: still answers\n");
  CHECK(r.err.find("qwen: warning: " + file.string() +
                   ":3:1: unknown setting `max_retrys` in [network] (did you mean `max_retries`?); it is ignored") !=
        std::string::npos);
  CHECK(r.err.find("qwen: warning: " + file.string() +
                   ":6:1: `allow_insecure_http` in [plugins.openai] must be a boolean (true or false), not a string; "
                   "it is ignored (the default, false, applies)") != std::string::npos);
  // A correct file draws no warning at all.
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n[plugins.openai]\nallow_insecure_http = false\n");
  auto clean = run_qwen(home, {"-p", "x"}, with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  CHECK(clean.exit_code == 0);
  CHECK(clean.err.empty());
}

TEST_CASE("config: allow_insecure_http written as the string \"true\" does not send a key over plain http",
          "[config][security]") {
  TempDir home;
  home.write(".qwen/config.toml", "[plugins.openai]\nallow_insecure_http = \"true\"\n");
  QwenRunOptions o = with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", "http://model.example.com/v1"}});
  o.no_network = true;  // refused before any connection; and there is no network to reach anyway
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("must be a boolean (true or false), not a string") != std::string::npos);
  CHECK(r.err.find("refusing to send the API key in clear over plain http") != std::string::npos);
}

TEST_CASE("config: with QWEN_HOME set, ~/.qwen/config.toml is not read as a project file", "[config]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  // ~/.qwen is not the qwen home here; its config.toml must not override $QWEN_HOME/config.toml.
  home.write(".qwen/config.toml", "[plugins.openai]\nmodel = \"from-dot-qwen\"\n");
  home.write("qwen-home/config.toml", "[plugins.openai]\nmodel = \"from-qwen-home\"\n");
  home.write("work/project/readme.txt", "a project without its own .qwen\n");
  QwenRunOptions o = with_env({{"OPENAI_API_KEY", kKey},
                               {"OPENAI_BASE_URL", p.base_url()},
                               {"QWEN_HOME", (home.path() / "qwen-home").string()}});
  o.cwd = (home.path() / "work/project").string();
  auto r = run_qwen(home, {"-p", "which model"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0]["model"] == "from-qwen-home");
  // A real project file below $HOME is still one.
  home.write("work/project/.qwen/config.toml", "[plugins.openai]\nmodel = \"from-project\"\n");
  auto project = run_qwen(home, {"-p", "which model"}, o);
  CHECK(project.exit_code == 0);
  REQUIRE(p.chat_bodies().size() == 2);
  CHECK(p.chat_bodies()[1]["model"] == "from-project");
}

TEST_CASE("config: a binary .env of almost 1 MiB gives a few warnings and how many more, not thousands",
          "[config][dotenv]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  std::string binary;
  for (int i = 0; binary.size() < 1000000; ++i) {
    binary += static_cast<char>(i * 37 % 256);
    if (i % 130 == 0) binary += '\n';
  }
  const auto env_file = home.write(".qwen/.env", binary);
  auto r = run_qwen(home, {"-p", "hi"}, with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  INFO(r.err.substr(0, 2000));
  CHECK(r.exit_code == 0);
  const size_t lines = count(r.err, "\n");
  CHECK(lines <= 6);
  CHECK(count(r.err, "qwen: warning: " + env_file.string() + ":") == lines);
  CHECK(r.err.find(" more problems from this line on are not listed (is this a .env file?)") != std::string::npos);
}
