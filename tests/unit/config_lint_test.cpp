// The config.toml linter: misspelt host keys, mistyped shared plugin keys (removed so no plugin reads
// them), plugin tables one typo from an installed id; each warning names file, line and column.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/config.hpp"
#include "config/config_lint.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::config;
using qwen::test::TempDir;

namespace {

const std::vector<std::string> kInstalled = {"openai", "pipe", "qwen-oauth", "tty"};

std::vector<std::string> lint_text(const TempDir &d, const std::string &toml_text, Config *out = nullptr) {
  auto file = d.write("config.toml", toml_text);
  Config c = load_config(file, std::nullopt);
  auto warnings = lint_config(c.merged, kInstalled);
  if (out) *out = std::move(c);
  return warnings;
}

std::string all(const std::vector<std::string> &lines) {
  std::string out;
  for (const auto &l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("config lint: a misspelt [network] key is named with file, line and the key it resembles") {
  TempDir d;
  auto w = lint_text(d, "# retries\n[network]\nmax_retrys = 5\n");
  INFO(all(w));
  REQUIRE(w.size() == 1);
  CHECK(w[0] == (d.path() / "config.toml").string() +
                    ":3:1: unknown setting `max_retrys` in [network] (did you mean `max_retries`?); it is ignored");
}

TEST_CASE("config lint: unknown top-level keys, with a guess, a wrong table, or the list of known keys") {
  TempDir d;
  auto w = lint_text(d, "modle = \"m\"\nmax_retries = 4\nflavour = \"x\"\n");
  INFO(all(w));
  REQUIRE(w.size() == 3);
  CHECK(w[0].find(":1:1: unknown setting `modle` at the top level (did you mean `model`?)") != std::string::npos);
  CHECK(w[1].find(":2:1: unknown setting `max_retries` at the top level (it belongs in [network])") !=
        std::string::npos);
  CHECK(w[2].find(":3:1: unknown setting `flavour` at the top level (known: frontend, auth, model,") !=
        std::string::npos);
}

TEST_CASE("config lint: allow_insecure_http must be a boolean, and a mistyped one is removed so no plugin reads it") {
  TempDir d;
  for (const char *value : {"\"yes\"", "\"true\"", "1"}) {
    DYNAMIC_SECTION(value) {
      Config c;
      auto w = lint_text(d, std::string("[plugins.openai]\nmodel = \"m\"\nallow_insecure_http = ") + value + "\n", &c);
      INFO(all(w));
      REQUIRE(w.size() == 1);
      CHECK(w[0].find(":3:1: `allow_insecure_http` in [plugins.openai] must be a boolean (true or false), not ") !=
            std::string::npos);
      CHECK(w[0].find("it is ignored (the default, false, applies)") != std::string::npos);
      CHECK_FALSE(c.lookup("plugins.openai.allow_insecure_http"));
      CHECK(c.lookup("plugins.openai.model") == "m");  // the rest of the table is untouched
    }
  }
}

TEST_CASE("config lint: a misspelling of a shared plugin key is reported, a plugin's own key is not") {
  TempDir d;
  auto w = lint_text(d,
                     "[plugins.qwen-oauth]\nallow_insecure_htp = true\nBase-URL = \"https://x\"\n"
                     "[plugins.shout]\nvolume = 11\nmodels = [\"a\"]\nmodel = \"b\"\n");
  INFO(all(w));
  REQUIRE(w.size() == 2);
  CHECK(w[0].find(":2:1: `allow_insecure_htp` in [plugins.qwen-oauth]: did you mean `allow_insecure_http`?") !=
        std::string::npos);
  CHECK(w[1].find(":3:1: `Base-URL` in [plugins.qwen-oauth]: did you mean `base_url`?") != std::string::npos);
}

TEST_CASE("config lint: a plugin table one typo from an installed id is reported, another machine's plugin is not") {
  TempDir d;
  auto w = lint_text(d, "[plugins.openia]\nmodel = \"m\"\n[plugins.my-company-sso]\nrealm = \"x\"\n");
  INFO(all(w));
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("[plugins.openia]: no installed plugin has the id 'openia' (did you mean [plugins.openai]?)") !=
        std::string::npos);
}

TEST_CASE("config lint: a plugin entry that is not a table is reported and dropped") {
  TempDir d;
  Config c;
  auto w = lint_text(d, "[plugins]\nopenai = \"fast\"\n", &c);
  INFO(all(w));
  REQUIRE(w.size() == 1);
  CHECK(w[0].find(":2:1: `plugins.openai` must be a table ([plugins.openai]), not a string") != std::string::npos);
  CHECK_FALSE(c.lookup("plugins.openai"));
}

TEST_CASE("config lint: warnings come in line order, and each file names itself") {
  TempDir d;
  auto user = d.write("home/.qwen/config.toml", "zzz = 1\naaa = 2\n");
  auto project = d.write("proj/.qwen/config.toml", "[network]\nretry_bsae_ms = 10\n");
  Config c = load_config(user, project);
  auto w = lint_config(c.merged, kInstalled);
  INFO(all(w));
  REQUIRE(w.size() == 3);
  CHECK(w[0].rfind(user.string() + ":1:1: unknown setting `zzz`", 0) == 0);
  CHECK(w[1].rfind(user.string() + ":2:1: unknown setting `aaa`", 0) == 0);
  CHECK(w[2].rfind(project.string() + ":2:1: unknown setting `retry_bsae_ms` in [network] (did you mean "
                                      "`retry_base_ms`?)",
                   0) == 0);
}

TEST_CASE("config lint: the README's example configuration draws no warning") {
  // The README shows every setting of the host; a key added to config.cpp and documented there but not
  // known here (or the reverse) fails this test.
  std::ifstream in(std::string(QWEN_TEST_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string marker = "```toml\nfrontend = ";
  auto start = readme.find(marker);
  REQUIRE(start != std::string::npos);
  start += std::string("```toml\n").size();
  auto end = readme.find("```", start);
  REQUIRE(end != std::string::npos);
  std::string example = readme.substr(start, end - start);
  // The example's CA bundle path is a placeholder: point it at a file that exists.
  TempDir d;
  auto ca = d.write("ca.pem", "");
  example = std::regex_replace(example, std::regex("\"/path/ca.pem\""), "\"" + ca.string() + "\"");
  auto w = lint_text(d, example);
  INFO(example);
  INFO(all(w));
  CHECK(w.empty());
  CHECK(example.find("max_retries") != std::string::npos);
}

TEST_CASE("config lint: edit distance counts a swap of neighbours as one typo and stops at the limit") {
  CHECK(edit_distance("max_retries", "max_retries", 2) == 0);
  CHECK(edit_distance("max_retrys", "max_retries", 2) == 2);
  CHECK(edit_distance("retry_bsae_ms", "retry_base_ms", 2) == 1);
  CHECK(edit_distance("a", "abcdef", 2) == 3);
  CHECK(edit_distance("", "ab", 2) == 2);
}
