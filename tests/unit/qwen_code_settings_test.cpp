// Qwen Code's settings.json as qwen reads and writes it: the sign-in choice,
// the .env exclusions, a damaged file's position, and the in-place edit that
// keeps every comment, key and indentation of the user's file.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/auth_choice.hpp"
#include "config/qwen_code_settings.hpp"
#include "config/qwen_code_settings_writer.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::config;
using qwen::test::read_file;
using qwen::test::TempDir;

namespace {

std::string set_choice(const std::string &text, const std::string &value) {
  return with_selected_auth_type(text, value, "settings.json");
}

nlohmann::json parsed(const std::string &text) {
  return nlohmann::json::parse(text, nullptr, true, true);
}

}  // namespace

TEST_CASE("settings reader: the choice, the v1 name, and excludedEnvVars") {
  TempDir d;
  auto f = d.write("s.json",
                   "{\n  // a comment\n  \"security\": {\"auth\": {\"selectedType\": \"openai\"}}, /* more */\n"
                   "  \"advanced\": {\"excludedEnvVars\": [\"NODE_ENV\", 3]}\n}\n");
  auto s = read_qwen_code_settings(f);
  CHECK(s.exists);
  CHECK_FALSE(s.error);
  CHECK(s.selected_auth == std::string("openai"));
  CHECK(s.excluded_env_vars == std::vector<std::string>{"NODE_ENV"});

  auto v1 = read_qwen_code_settings(
      d.write("v1.json", "{\"selectedAuthType\": \"qwen-oauth\", \"excludedProjectEnvVars\": []}"));
  CHECK(v1.selected_auth == std::string("qwen-oauth"));
  CHECK(v1.excluded_env_vars == std::vector<std::string>{});

  auto none = read_qwen_code_settings(d.path() / "absent.json");
  CHECK_FALSE(none.exists);
  CHECK_FALSE(none.error);
  CHECK_FALSE(none.excluded_env_vars);

  auto number = read_qwen_code_settings(d.write("n.json", "{\"security\": {\"auth\": {\"selectedType\": 7}}}"));
  CHECK_FALSE(number.selected_auth);
  CHECK(number.selected_auth_not_text);
}

TEST_CASE("settings reader: a malformed file is an error at its line and column, without the file's text") {
  TempDir d;
  auto f = d.write("s.json", "{\n  \"env\": {\"OPENAI_API_KEY\": \"sk-secret-in-settings\"},\n  \"model\": x\n}\n");
  auto s = read_qwen_code_settings(f);
  REQUIRE(s.error);
  INFO(*s.error);
  CHECK(s.error->rfind(f.string() + ":3:12: not valid JSON (", 0) == 0);
  CHECK(s.error->find("sk-secret") == std::string::npos);
  CHECK_FALSE(s.selected_auth);

  // A trailing comma is an error in Qwen Code too (JSON.parse after the comments are removed).
  auto comma = read_qwen_code_settings(d.write("c.json", "{\"a\": 1,\n}"));
  REQUIRE(comma.error);
  CHECK(comma.error->find(":2:1:") != std::string::npos);
  // A character before counts once, whatever its UTF-8 length.
  auto utf8 = read_qwen_code_settings(d.write("u.json", "{\"\xC3\xA9\": tru}"));
  REQUIRE(utf8.error);
  INFO(*utf8.error);
  CHECK(utf8.error->find(":1:10:") != std::string::npos);  // the "}" after "tru", 11th byte
}

TEST_CASE("settings reader: a planted FIFO, a link in a project and a huge file are refused without blocking") {
  TempDir d;
  auto fifo = d.path() / "fifo.json";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  auto s = read_qwen_code_settings(fifo, {/*follow_links=*/false});
  REQUIRE(s.error);
  CHECK(s.error->find("FIFO (named pipe), not a file") != std::string::npos);

  auto target = d.write("elsewhere.json", "{\"security\": {\"auth\": {\"selectedType\": \"openai\"}}}");
  std::filesystem::create_symlink(target, d.path() / "link.json");
  auto project = read_qwen_code_settings(d.path() / "link.json", {/*follow_links=*/false});
  REQUIRE(project.error);
  CHECK(project.error->find("symbolic link") != std::string::npos);
  CHECK_FALSE(project.selected_auth);
  CHECK(read_qwen_code_settings(d.path() / "link.json").selected_auth == std::string("openai"));

  auto big = read_qwen_code_settings(d.write("big.json", "{\"a\": \"" + std::string(1100000, 'x') + "\"}"));
  REQUIRE(big.error);
  CHECK(big.error->find("too large") != std::string::npos);
}

TEST_CASE("settings writer: an existing choice is replaced in place, comments and formatting kept") {
  const std::string before =
      "{\n"
      "  // chosen in Qwen Code\n"
      "  \"security\": {\n"
      "    \"auth\": {\n"
      "      \"selectedType\":   \"openai\" // the provider\n"
      "    }\n"
      "  },\n"
      "  /* keep */ \"model\": {\"name\": \"m\"}\n"
      "}\n";
  std::string after = before;
  after.replace(after.find("\"openai\""), 8, "\"qwen-oauth\"");
  CHECK(set_choice(before, "qwen-oauth") == after);
  CHECK(set_choice(before, "openai") == before);
}

TEST_CASE("settings writer: the missing members are added last, indented like the file, other keys kept") {
  const std::string before =
      "{\n"
      "    // four spaces here\n"
      "    \"model\": {\"name\": \"m\"},\n"
      "    \"env\": {\"OPENAI_API_KEY\": \"sk-kept\"}\n"
      "}\n";
  const std::string after = set_choice(before, "qwen-oauth");
  CHECK(after ==
        "{\n"
        "    // four spaces here\n"
        "    \"model\": {\"name\": \"m\"},\n"
        "    \"env\": {\"OPENAI_API_KEY\": \"sk-kept\"},\n"
        "    \"security\": {\n"
        "        \"auth\": {\n"
        "            \"selectedType\": \"qwen-oauth\"\n"
        "        }\n"
        "    }\n"
        "}\n");

  // `security` without `auth`, on one line: the member goes in on that line.
  CHECK(set_choice("{\"security\": {\"folderTrust\": {\"enabled\": true}}}", "openai") ==
        "{\"security\": {\"folderTrust\": {\"enabled\": true}, \"auth\": {\"selectedType\": \"openai\"}}}");
  // Empty objects, on one line or several (an empty root is laid out as Qwen Code writes its file).
  CHECK(set_choice("{}", "openai") ==
        "{\n  \"security\": {\n    \"auth\": {\n      \"selectedType\": \"openai\"\n    }\n  }\n}");
  CHECK(set_choice("{\n}\n", "openai") ==
        "{\n  \"security\": {\n    \"auth\": {\n      \"selectedType\": \"openai\"\n    }\n  }\n}\n");
  CHECK(parsed(set_choice("{\"security\": {\"auth\": {}}}", "openai"))["security"]["auth"]["selectedType"] ==
        "openai");
}

TEST_CASE("settings writer: a v1 file keeps its v1 name, a v2 key wins over it") {
  CHECK(set_choice("{\"selectedAuthType\": \"openai\", \"theme\": \"x\"}", "qwen-oauth") ==
        "{\"selectedAuthType\": \"qwen-oauth\", \"theme\": \"x\"}");
  auto both = parsed(set_choice("{\"selectedAuthType\": \"openai\", \"security\": {}}", "qwen-oauth"));
  CHECK(both["security"]["auth"]["selectedType"] == "qwen-oauth");
  CHECK(both["selectedAuthType"] == "openai");
}

TEST_CASE("settings writer: hostile and damaged files are refused, never rewritten into something else") {
  // Not JSON: the error names the position.
  try {
    set_choice("{\n  \"security\": {,\n}", "openai");
    FAIL("no error");
  } catch (const SettingsWriteError &e) {
    CHECK(e.syntax_error());
    CHECK(std::string(e.what()).find("settings.json:2:16:") != std::string::npos);
  }
  // A value in the way is not replaced by an object.
  CHECK_THROWS_AS(set_choice("{\"security\": \"strict\"}", "openai"), SettingsWriteError);
  CHECK_THROWS_AS(set_choice("{\"security\": {\"auth\": null}}", "openai"), SettingsWriteError);
  CHECK_THROWS_AS(set_choice("[1, 2]", "openai"), SettingsWriteError);
  // Duplicate keys: JSON.parse keeps the last `security`; the edit must not change which one counts.
  const auto dup = set_choice("{\"security\": {\"auth\": {\"selectedType\": \"a\"}}, \"security\": {\"x\": 1}}", "openai");
  CHECK(parsed(dup)["security"]["auth"]["selectedType"] == "openai");
  CHECK(parsed(dup)["security"]["x"] == 1);
  // Comment-looking text inside strings and an escaped key are not mistaken for structure.
  const std::string tricky =
      "{\"note\": \"// not a comment, /* nor this */ {\\\"security\\\": 1}\", \"\\u0073ecurity\": {\"auth\": {}}}";
  auto j = parsed(set_choice(tricky, "openai"));
  CHECK(j["note"] == "// not a comment, /* nor this */ {\"security\": 1}");
  CHECK(j["security"]["auth"]["selectedType"] == "openai");
  // A value that needs escaping stays one JSON string.
  CHECK(parsed(set_choice("{}", "a\"b\n"))["security"]["auth"]["selectedType"] == "a\"b\n");
}

TEST_CASE("settings writer: the file is replaced atomically with its mode, never through a link") {
  TempDir d;
  auto f = d.write("settings.json", "{\n  // mine\n  \"theme\": \"dark\"\n}\n");
  chmod(f.c_str(), 0640);
  set_selected_auth_type(f, "openai");
  CHECK(parsed(read_file(f))["security"]["auth"]["selectedType"] == "openai");
  CHECK(read_file(f).find("// mine") != std::string::npos);
  struct stat st {};
  REQUIRE(stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  // No temporary file is left beside it.
  size_t entries = 0;
  for (const auto &e : std::filesystem::directory_iterator(d.path())) entries += e.path().filename() != "" ? 1 : 0;
  CHECK(entries == 1);

  auto target = d.write("real/settings.json", "{}");
  auto link = d.path() / "link/settings.json";
  std::filesystem::create_directories(link.parent_path());
  std::filesystem::create_symlink(target, link);
  try {
    set_selected_auth_type(link, "openai");
    FAIL("written through a link");
  } catch (const SettingsWriteError &e) {
    CHECK(std::string(e.what()).find("symbolic link") != std::string::npos);
  }
  CHECK(read_file(target) == "{}");
  CHECK(std::filesystem::is_symlink(link));
  CHECK_THROWS_AS(set_selected_auth_type(d.path() / "absent.json", "openai"), SettingsWriteError);
}

TEST_CASE("project .env exclusions: qwen's and Qwen Code's lists joined, the default only when neither is set") {
  using L = std::vector<std::string>;
  CHECK(project_env_exclusions(std::nullopt, std::nullopt) == L{"DEBUG", "DEBUG_MODE"});
  CHECK(project_env_exclusions(std::nullopt, L{"NODE_ENV"}) == L{"NODE_ENV"});
  CHECK(project_env_exclusions(std::nullopt, L{}) == L{});
  CHECK(project_env_exclusions(L{"DEBUG", "X"}, L{"X", "Y"}) == L{"DEBUG", "X", "Y"});
}

TEST_CASE("the sign-in choice: order of the sources, settings.json values qwen cannot use fall back once") {
  using qwen::app::AuthChoiceInputs;
  using qwen::app::decide_auth;
  TempDir d;
  AuthChoiceInputs in;
  in.user_settings = d.path() / "home/settings.json";
  in.installed = [](const std::string &id) { return id == "qwen-oauth" || id == "openai" || id == "shout"; };

  CHECK(decide_auth(in).id == "qwen-oauth");
  CHECK_FALSE(decide_auth(in).chosen_by_user);
  in.environment_method = [] { return std::optional<std::string>("openai"); };
  CHECK(decide_auth(in).id == "openai");

  in.user_config = "qwen-oauth";
  CHECK(decide_auth(in).id == "qwen-oauth");
  d.write("home/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"openai\"}}}");
  auto c = decide_auth(in);
  CHECK(c.id == "openai");  // settings.json holds the shared choice over config.toml
  CHECK(c.chosen_by_user);
  in.user_config = "shout";  // a method only qwen has stays in config.toml and wins
  CHECK(decide_auth(in).id == "shout");
  in.user_config.reset();

  d.write("proj/.qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"qwen-oauth\"}}}");
  in.workspace_settings = d.path() / "proj/.qwen/settings.json";
  CHECK(decide_auth(in).id == "qwen-oauth");
  in.project_config = "openai";
  CHECK(decide_auth(in).id == "openai");
  in.flag = "shout";
  CHECK(decide_auth(in).id == "shout");
  in.flag.reset();
  in.project_config.reset();

  // Qwen Code's other methods, a path, a missing plugin: one warning each, naming the file, and the fallback.
  for (const std::string bad : {"anthropic", "../../evil", "gemini"}) {
    d.write("proj/.qwen/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"" + bad + "\"}}}");
    auto f = decide_auth(in);
    CHECK(f.id == "openai");  // from the user's settings.json
    REQUIRE(f.warnings.size() == 1);
    CHECK(f.warnings[0].find(in.workspace_settings->string() + ": security.auth.selectedType") == 0);
    CHECK(f.warnings[0].find("using openai instead") != std::string::npos);
  }
  // A control character from a file reaches the message escaped.
  d.write("home/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"x\\u001b[2J\"}}}");
  std::filesystem::remove(*in.workspace_settings);
  auto esc = decide_auth(in);
  CHECK(esc.id == "openai");
  REQUIRE(esc.warnings.size() == 1);
  CHECK(esc.warnings[0].find('\x1b') == std::string::npos);
  // A damaged workspace file is told; the user's own is told at start-up, not here.
  d.write("proj/.qwen/settings.json", "{");
  auto damaged = decide_auth(in);
  REQUIRE(damaged.warnings.size() == 2);
  CHECK(damaged.warnings[0].find(":1:2: not valid JSON") != std::string::npos);
}

TEST_CASE("the sign-in choice: Qwen Code's security.auth.enforcedType decides when nobody chose, refuses another choice",
          "[auth-choice][enforced]") {
  using qwen::app::AuthChoiceInputs;
  using qwen::app::decide_auth;
  TempDir d;
  AuthChoiceInputs in;
  in.user_settings = d.path() / "home/settings.json";
  in.installed = [](const std::string &id) { return id == "qwen-oauth" || id == "openai"; };
  in.environment_method = [] { return std::optional<std::string>("openai"); };
  d.write("home/settings.json", "{\"security\": {\"auth\": {\"enforcedType\": \"qwen-oauth\"}}}");
  auto c = decide_auth(in);
  CHECK(c.id == "qwen-oauth");  // over the environment's openai
  CHECK_FALSE(c.enforcement_error);
  CHECK(qwen::app::enforced_method_refusal(c, "openai").find("Authentication is enforced to be qwen-oauth") == 0);

  in.flag = "openai";
  c = decide_auth(in);
  REQUIRE(c.enforcement_error);
  CHECK(c.enforcement_error->find("The configured auth type is qwen-oauth, but the current auth type is openai. "
                                  "Please re-authenticate with the correct type.") == 0);
  in.flag = "qwen-oauth";
  CHECK_FALSE(decide_auth(in).enforcement_error);

  // A value qwen cannot use is said, with its control characters escaped; nothing else is used instead.
  in.flag.reset();
  d.write("home/settings.json", "{\"security\": {\"auth\": {\"enforcedType\": \"anthropic\\u001b[2J\"}}}");
  c = decide_auth(in);
  REQUIRE(c.enforcement_error);
  CHECK(c.enforcement_error->find("is not a sign-in method qwen has installed") != std::string::npos);
  CHECK(c.enforcement_error->find('\x1b') == std::string::npos);
}
