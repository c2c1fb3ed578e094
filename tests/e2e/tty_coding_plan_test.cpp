// Signing in to Alibaba Cloud Coding Plan from the terminal: /auth, the
// method, the region menu (with the user's own endpoint from config.toml, the
// fake provider, so nothing leaves the machine), the key typed without echo,
// checked for its sk-sp- shape and then by the server before anything is
// kept: a wrong key is refused at sign-in, not at the first question.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kOpenAiKey = "sk-tty-coding-plan-openai-4411";
constexpr const char *kKey = "sk-sp-tty-coding-plan-key-8c2d";
constexpr const char *kWrongKey = "sk-sp-tty-coding-plan-wrong-13f7";
constexpr const char *kBadShape = "sk-tty-not-a-plan-key-5e6a";

std::string authorization_of_chat(const FakeProvider &p, size_t index) {
  auto requests = p.logged_requests();
  if (index >= requests.size()) return {};
  return requests[index]["headers"].value("authorization", "");
}

}  // namespace

TEST_CASE("tty: /auth to Coding Plan offers the regions, hides the key, refuses a wrong key at sign-in, then signs "
          "in with the right one",
          "[tty][terminal][auth][coding-plan]") {
  FakeProvider p({"--api-key", kKey, "--api-key", kOpenAiKey});
  TempDir home;
  home.write(".qwen/config.toml", "[plugins.coding-plan]\nbase_url = \"" + p.base_url() + "\"\n");
  TerminalSession t(
      qwen_terminal(home, {}, {{"OPENAI_API_KEY", kOpenAiKey}, {"OPENAI_BASE_URL", p.base_url()}}));
  REQUIRE(t.wait_for("Signed in with OpenAI-compatible API key"));

  t.type_line("/auth");
  REQUIRE(t.wait_for("Choose 1-"));
  {
    const std::string menu = t.screen();
    INFO(menu);
    CHECK(menu.find("Alibaba Cloud Coding Plan") != std::string::npos);
    CHECK(menu.find("sk-sp- key, China or Singapore") != std::string::npos);  // its one-line description
  }
  t.type_line("coding-plan");

  // The region menu: both of Qwen Code's regions, and the endpoint from config.toml as the default.
  REQUIRE(t.wait_for("Coding Plan region:"));
  REQUIRE(t.wait_for("Choose 1-3 (Enter for 3):"));
  {
    const std::string menu = t.screen();
    INFO(menu);
    CHECK(menu.find("1. China (Beijing)  https://coding.dashscope.aliyuncs.com/v1") != std::string::npos);
    CHECK(menu.find("2. Singapore (International)  https://coding-intl.dashscope.aliyuncs.com/v1") !=
          std::string::npos);
    CHECK(menu.find("3. Your endpoint (config.toml)  " + p.base_url() + "\n") != std::string::npos);
  }
  t.press("Enter");

  // A key without the plan's shape is asked again with Qwen Code's words; nothing is sent for it.
  REQUIRE(t.wait_for("Coding Plan API key (sk-sp-..., input hidden):"));
  t.type_line(kBadShape);
  REQUIRE(t.wait_for("Coding Plan API keys start with \"sk-sp-\". Please check."));
  CHECK(p.stat("models_requests") == 0);
  // A key the server refuses: refused at sign-in, nothing kept, still signed in as before.
  t.type_line(kWrongKey);
  REQUIRE(t.wait_for("Sign-in failed:"));
  REQUIRE(t.wait_for("refused this key (HTTP 401)"));
  REQUIRE(t.wait_for("Still signed in with OpenAI-compatible API key."));
  CHECK(p.stat("models_requests") == 1);
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / "coding_plan.json"));

  // Again, with the right key: kept, Qwen Code's settings told (the key itself not, when the user says no).
  t.type_line("/auth coding-plan");
  // The sign-in menu and the first region menu asked the same question before: this is the third.
  REQUIRE(t.wait_for("Coding Plan region:", 15s, 2));
  REQUIRE(t.wait_for("Choose 1-3 (Enter for 3):", 15s, 3));
  t.press("Enter");
  REQUIRE(t.wait_for("Coding Plan API key (sk-sp-..., input hidden):", 15s, 2));
  t.type_line(kKey);
  REQUIRE(t.wait_for("Let Qwen Code use this key too?"));
  REQUIRE(t.wait_for("[y/N]"));
  t.press("Enter");
  REQUIRE(t.wait_for("Qwen Code reads the key from BAILIAN_CODING_PLAN_API_KEY"));
  REQUIRE(t.wait_for("Signed in with Alibaba Cloud Coding Plan; model qwen3.5-plus."));
  t.type_line("a plan question");
  REQUIRE(t.wait_for("You said: a plan question"));

  const std::string shown = t.transcript();
  INFO(shown);
  for (const char *secret : {kKey, kWrongKey, kBadShape, kOpenAiKey}) CHECK(shown.find(secret) == std::string::npos);
  CHECK(authorization_of_chat(p, 0) == std::string("Bearer ") + kKey);
  auto body = p.chat_bodies().at(0);
  CHECK(body["model"] == "qwen3.5-plus");
  CHECK(body["enable_thinking"] == true);
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.terminal_is_sane());

  CHECK(std::filesystem::exists(home.path() / ".qwen" / "coding_plan.json"));
  const std::string settings = read_file(home.path() / ".qwen" / "settings.json");
  CHECK(settings.find(kKey) == std::string::npos);  // the user said no
  CHECK(settings.find("[ModelStudio Coding Plan] qwen3.5-plus") != std::string::npos);
  CHECK(read_file(home.path() / ".qwen" / "tty_history").find(kKey) == std::string::npos);
}

TEST_CASE("tty: qwen auth coding-plan in a terminal gives Qwen Code the key only on yes, and then makes "
          "settings.json private",
          "[tty][terminal][auth][coding-plan]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "[plugins.coding-plan]\nbase_url = \"" + p.base_url() + "\"\n");
  const auto settings = home.write(".qwen/settings.json", "{\n  \"ui\": {\"theme\": \"dark\"} // mine\n}\n");
  REQUIRE(::chmod(settings.c_str(), 0644) == 0);
  TerminalSession t(qwen_terminal(home, {"auth", "coding-plan"}));
  REQUIRE(t.wait_for("Coding Plan region:"));
  REQUIRE(t.wait_for("Choose 1-3 (Enter for 3):"));
  t.press("Enter");
  REQUIRE(t.wait_for("Coding Plan API key (sk-sp-..., input hidden):"));
  t.type_line(kKey);
  REQUIRE(t.wait_for("Let Qwen Code use this key too? It is written in plain text into settings.json's env block"));
  REQUIRE(t.wait_for("[y/N]"));
  t.type_line("y");
  REQUIRE(t.wait_for("was readable by other users (mode 0644); it now holds a key, so it is 0600."));
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  INFO(t.transcript());
  CHECK(t.transcript().find(kKey) == std::string::npos);

  struct stat st {};
  REQUIRE(::stat(settings.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string text = read_file(settings);
  CHECK(text.find("// mine") != std::string::npos);
  auto s = nlohmann::json::parse(text, nullptr, false, /*ignore_comments=*/true);
  REQUIRE(s.is_object());
  CHECK(s["env"]["BAILIAN_CODING_PLAN_API_KEY"] == kKey);
  CHECK(s["security"]["auth"]["selectedType"] == "openai");
  CHECK(s["modelProviders"]["openai"].size() == 10);
}
