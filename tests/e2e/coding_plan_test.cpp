// The coding-plan sign-in method headless, with the real `qwen` against the
// fake provider: `qwen auth coding-plan --base-url URL --with-key` checks the
// key with GET /models before keeping anything, keeps it only in the host's
// secret store (secrets.json here: no session bus), its base URL in the qwen
// home's 0600 coding_plan.json, and gives Qwen Code's settings.json the
// entries Qwen Code writes for the plan (other entries and comments kept, no
// key); `qwen -p` then sends the key, DashScope's headers and enable_thinking.
// Refusals at sign-in: a key the server refuses, a key without the sk-sp-
// shape, a server that does not answer, plain http to another machine, no key.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-sp-e2e-coding-plan-key-5f1c3a";
constexpr const char *kWrongKey = "sk-sp-e2e-coding-plan-wrong-9d2e";

// Qwen Code's settings.json as a user keeps it: comments, an entry of their own, another setting.
constexpr const char *kUserSettings = R"(// my Qwen Code settings
{
  "modelProviders": {
    "openai": [
      {"id": "my-model", "name": "Mine", "baseUrl": "https://api.example.com/v1", "envKey": "MY_MODEL_KEY"}
    ]
  },
  "ui": {"theme": "dark"} // keep this comment
}
)";

std::filesystem::path qwen_home(const TempDir &home) { return home.path() / ".qwen"; }
std::filesystem::path saved_key(const TempDir &home) { return qwen_home(home) / "coding_plan.json"; }
std::filesystem::path settings_file(const TempDir &home) { return qwen_home(home) / "settings.json"; }

ProcessResult sign_in(const TempDir &home, const std::string &base_url, const std::string &key,
                      QwenRunOptions o = {}) {
  o.stdin_text = key + "\n";
  return run_qwen(home, {"auth", "coding-plan", "--base-url", base_url, "--with-key"}, o);
}

nlohmann::json settings_of(const TempDir &home) {
  return nlohmann::json::parse(read_file(settings_file(home)), nullptr, false, /*ignore_comments=*/true);
}

// Every file under `dir` that holds `secret`, but `except`.
std::vector<std::string> files_holding(const std::filesystem::path &dir, const std::string &secret,
                                       const std::filesystem::path &except = {}) {
  std::vector<std::string> found;
  for (const auto &e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path() == except) continue;
    if (read_file(e.path()).find(secret) != std::string::npos) found.push_back(e.path().string());
  }
  return found;
}

// A loopback port nothing listens on.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void check_nothing_saved(const TempDir &home, const std::string &settings_before) {
  CHECK_FALSE(std::filesystem::exists(saved_key(home)));
  CHECK(read_file(settings_file(home)) == settings_before);
}

}  // namespace

TEST_CASE("coding-plan: sign-in with --with-key is checked with GET /models, kept in a 0600 file, and Qwen Code's "
          "settings.json gets the plan's entries without the key",
          "[coding-plan][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", kUserSettings);
  auto r = sign_in(home, p.base_url(), kKey);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  // Checked before it was kept: one GET /models with the key.
  auto checks = p.logged_requests("/v1/models");
  REQUIRE(checks.size() == 1);
  CHECK(checks[0]["method"] == "GET");
  CHECK(checks[0]["headers"].value("authorization", "") == std::string("Bearer ") + kKey);

  // Kept in the qwen home, readable only by the user.
  struct stat st {};
  REQUIRE(::stat(saved_key(home).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto saved = nlohmann::json::parse(read_file(saved_key(home)));
  CHECK(saved["base_url"] == p.base_url());
  CHECK_FALSE(saved.contains("api_key"));  // the key is in the secret store

  // Qwen Code's view: the plan's ten entries first, the user's own kept after them, selectedType openai.
  const std::string text = read_file(settings_file(home));
  auto s = settings_of(home);
  REQUIRE(s.is_object());
  auto list = s["modelProviders"]["openai"];
  REQUIRE(list.is_array());
  REQUIRE(list.size() == 11);
  const std::vector<std::string> ids = {"qwen3.5-plus", "qwen3.6-plus", "qwen3.7-plus", "glm-5",
                                        "kimi-k2.5", "MiniMax-M2.5", "qwen3-coder-plus", "qwen3-coder-next",
                                        "qwen3-max-2026-01-23", "glm-4.7"};
  for (size_t i = 0; i < ids.size(); ++i) {
    INFO(list[i].dump());
    CHECK(list[i]["id"] == ids[i]);
    CHECK(list[i]["name"] == "[ModelStudio Coding Plan] " + ids[i]);
    CHECK(list[i]["baseUrl"] == p.base_url());
    CHECK(list[i]["envKey"] == "BAILIAN_CODING_PLAN_API_KEY");
    const bool thinking = ids[i] != "qwen3-coder-plus" && ids[i] != "qwen3-coder-next";
    CHECK(list[i]["generationConfig"].contains("extra_body") == thinking);
    CHECK(list[i]["generationConfig"]["contextWindowSize"].is_number_integer());
  }
  CHECK(list[0]["generationConfig"]["modalities"] == nlohmann::json{{"image", true}, {"video", true}});
  CHECK(list[10] == nlohmann::json{{"id", "my-model"}, {"name", "Mine"}, {"baseUrl", "https://api.example.com/v1"},
                                   {"envKey", "MY_MODEL_KEY"}});
  CHECK(s["security"]["auth"]["selectedType"] == "openai");
  CHECK(s["model"]["name"] == "qwen3.5-plus");
  CHECK(s["providerMetadata"]["coding-plan"]["baseUrl"] == p.base_url());
  CHECK(s["providerMetadata"]["coding-plan"]["version"].get<std::string>().size() == 64);
  CHECK(s["ui"]["theme"] == "dark");
  CHECK(text.find("// my Qwen Code settings") != std::string::npos);
  CHECK(text.find("// keep this comment") != std::string::npos);
  CHECK_FALSE(s.contains("env"));  // the key is not written there unless the user asks (in a terminal)

  // The next question uses it: the key, DashScope's headers, enable_thinking, the plan's default model.
  auto ask = run_qwen(home, {"-p", "hi", "--auth-type", "coding-plan"});
  INFO(ask.out << ask.err);
  REQUIRE(ask.exit_code == 0);
  CHECK(ask.out.find("You said: hi") != std::string::npos);
  auto chats = p.logged_requests();
  REQUIRE(chats.size() == 1);
  const auto &h = chats[0]["headers"];
  CHECK(h.value("authorization", "") == std::string("Bearer ") + kKey);
  CHECK(h.value("x-dashscope-authtype", "") == "openai");
  CHECK(h.value("x-dashscope-cachecontrol", "") == "enable");
  CHECK(h.value("user-agent", "").rfind("QwenCode/", 0) == 0);
  CHECK(h.value("x-dashscope-useragent", "") == h.value("user-agent", ""));
  auto body = nlohmann::json::parse(chats[0]["body"].get<std::string>());
  CHECK(body["model"] == "qwen3.5-plus");
  CHECK(body["enable_thinking"] == true);

  // The key is in no output and in no file but the store's secrets.json.
  for (const auto *out : {&r.out, &r.err, &ask.out, &ask.err}) CHECK(out->find(kKey) == std::string::npos);
  CHECK(files_holding(home.path(), kKey, qwen_home(home) / "secrets.json").empty());
  CHECK(read_file(qwen_home(home) / "secrets.json").find(kKey) != std::string::npos);

  // Status names where the key comes from, redacted.
  auto status = run_qwen(home, {"auth", "status", "--auth-type", "coding-plan"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("state: ready") != std::string::npos);
  CHECK(status.out.find("from qwen's secret store") != std::string::npos);
  CHECK(status.out.find(kKey) == std::string::npos);

  // Signing in again does not double the entries.
  REQUIRE(sign_in(home, p.base_url(), kKey).exit_code == 0);
  CHECK(settings_of(home)["modelProviders"]["openai"].size() == 11);
}

TEST_CASE("coding-plan: a key the server refuses is refused at sign-in (HTTP 401, exit 4), nothing saved",
          "[coding-plan][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", kUserSettings);
  auto r = sign_in(home, p.base_url(), kWrongKey);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("refused this key (HTTP 401)") != std::string::npos);
  CHECK(r.err.find(p.base_url() + "/models") != std::string::npos);
  CHECK(p.stat("models_requests") == 1);
  check_nothing_saved(home, kUserSettings);
  CHECK(r.out.find(kWrongKey) == std::string::npos);
  CHECK(r.err.find(kWrongKey) == std::string::npos);
  CHECK(files_holding(home.path(), kWrongKey).empty());
}

TEST_CASE("coding-plan: a key without the sk-sp- shape is refused before any request (exit 3)", "[coding-plan][auth]") {
  FakeProvider p;  // would accept any key: the refusal is qwen's
  TempDir home;
  home.write(".qwen/settings.json", kUserSettings);
  const std::string key = "sk-e2e-not-a-coding-plan-key-77aa";
  auto r = sign_in(home, p.base_url(), key);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("Invalid API key. Coding Plan API keys start with \"sk-sp-\". Please check.") != std::string::npos);
  CHECK(p.stat("models_requests") == 0);
  check_nothing_saved(home, kUserSettings);
  CHECK(r.err.find(key) == std::string::npos);
}

TEST_CASE("coding-plan: a server that does not answer is refused at sign-in, naming the URL (exit 7)",
          "[coding-plan][auth]") {
  TempDir home;
  home.write(".qwen/settings.json", kUserSettings);
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  auto r = sign_in(home, url, kKey);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find(url + "/models") != std::string::npos);
  CHECK(r.err.find("nothing was saved") != std::string::npos);
  check_nothing_saved(home, kUserSettings);
  CHECK(r.err.find(kKey) == std::string::npos);
}

TEST_CASE("coding-plan: a plain-http base URL to another machine is refused before any request (exit 3)",
          "[coding-plan][auth]") {
  TempDir home;
  QwenRunOptions o;
  o.no_network = true;  // nothing may leave the machine, whatever happens
  auto r = sign_in(home, "http://10.1.2.3/v1", kKey, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("plain http") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(saved_key(home)));
  CHECK_FALSE(std::filesystem::exists(settings_file(home)));
}

TEST_CASE("coding-plan: headless without a key says how to give one (exit 4)", "[coding-plan][auth]") {
  FakeProvider p;
  TempDir home;
  QwenRunOptions o;
  o.stdin_text = "";
  auto r = run_qwen(home, {"auth", "coding-plan", "--base-url", p.base_url()}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("qwen auth coding-plan --with-key") != std::string::npos);
  CHECK(r.err.find("BAILIAN_CODING_PLAN_API_KEY") != std::string::npos);
  CHECK(p.stat("models_requests") == 0);
  CHECK_FALSE(std::filesystem::exists(saved_key(home)));

  // And a question without any sign-in says to sign in, before any request.
  QwenRunOptions offline;
  offline.no_network = true;
  auto ask = run_qwen(home, {"-p", "hi", "--auth-type", "coding-plan"}, offline);
  INFO(ask.out << ask.err);
  CHECK(ask.exit_code == 4);
  CHECK(ask.err.find("qwen auth coding-plan") != std::string::npos);
}

TEST_CASE("coding-plan: BAILIAN_CODING_PLAN_API_KEY alone serves a question, and a model without thinking gets no "
          "enable_thinking",
          "[coding-plan][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/config.toml", "[plugins.coding-plan]\nbase_url = \"" + p.base_url() + "\"\n");
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "coding-plan", "-m", "qwen3-coder-plus"},
                    with_env({{"BAILIAN_CODING_PLAN_API_KEY", kKey}}));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto chats = p.logged_requests();
  REQUIRE(chats.size() == 1);
  CHECK(chats[0]["headers"].value("authorization", "") == std::string("Bearer ") + kKey);
  auto body = nlohmann::json::parse(chats[0]["body"].get<std::string>());
  CHECK(body["model"] == "qwen3-coder-plus");
  CHECK_FALSE(body.contains("enable_thinking"));
  CHECK(r.err.find(kKey) == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(saved_key(home)));  // nothing kept: the environment holds it
}

TEST_CASE("coding-plan: a settings.json whose modelProviders.openai is not a list is left byte for byte, and the "
          "sign-in still works",
          "[coding-plan][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string hostile = "{\n  // not a list\n  \"modelProviders\": {\"openai\": {\"id\": \"x\"}}\n}\n";
  home.write(".qwen/settings.json", hostile);
  auto r = sign_in(home, p.base_url(), kKey);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("modelProviders.openai in settings.json is an object, not a list") != std::string::npos);
  CHECK(read_file(settings_file(home)) == hostile);
  CHECK(std::filesystem::exists(saved_key(home)));
}

TEST_CASE("coding-plan: logout removes coding_plan.json, names a key still in the environment, and leaves "
          "settings.json alone",
          "[coding-plan][auth]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/settings.json", kUserSettings);
  REQUIRE(sign_in(home, p.base_url(), kKey).exit_code == 0);
  const std::string settings_after_sign_in = read_file(settings_file(home));
  auto r = run_qwen(home, {"auth", "logout", "--auth-type", "coding-plan"},
                    with_env({{"BAILIAN_CODING_PLAN_API_KEY", "sk-sp-e2e-env-key-still-here-31"}}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(saved_key(home)));
  CHECK(read_file(qwen_home(home) / "secrets.json").find(kKey) == std::string::npos);
  const std::string said = r.out + r.err;
  CHECK(said.find("Removed the Coding Plan key") != std::string::npos);
  CHECK(said.find("BAILIAN_CODING_PLAN_API_KEY still signs you in") != std::string::npos);
  CHECK(said.find("settings.json is left as it was") != std::string::npos);
  CHECK(said.find("sk-sp-e2e-env-key-still-here-31") == std::string::npos);
  CHECK(read_file(settings_file(home)) == settings_after_sign_in);
}

TEST_CASE("coding-plan: the entries written are the ones Qwen Code 0.24.4 itself writes, member for member",
          "[coding-plan][qwen-code]") {
  // tests/fixtures/qwen-code/coding-plan-*.0.24.4.json: what real Qwen Code 0.24.4 wrote (its README says how).
  for (const auto &[file, url] :
       {std::pair{"coding-plan-china.0.24.4.json", "https://coding.dashscope.aliyuncs.com/v1"},
        std::pair{"coding-plan-singapore.0.24.4.json", "https://coding-intl.dashscope.aliyuncs.com/v1"}}) {
    CAPTURE(file);
    std::ifstream in(std::filesystem::path(QWEN_TEST_SOURCE_DIR) / "tests/fixtures/qwen-code" / file);
    const auto theirs = nlohmann::ordered_json::parse(in, nullptr, true, true);
    // Signing in against a loopback server writes that URL; the region URL is what Qwen Code wrote. So the
    // entries are compared with the URL put back: everything else, and the order of members, must match.
    FakeProvider p({"--api-key", kKey});
    TempDir home;
    auto r = sign_in(home, p.base_url(), kKey);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream written(settings_file(home));
    auto ours = nlohmann::ordered_json::parse(written, nullptr, true, true)["modelProviders"]["openai"];
    for (auto &e : ours) e["baseUrl"] = url;
    auto expected = theirs["modelProviders"]["openai"];
    REQUIRE(ours.size() == expected.size());
    for (size_t i = 0; i < ours.size(); ++i) {
      CAPTURE(i);
      // Names: the China prefix for any URL but Singapore's (ours was written for the loopback URL).
      if (std::string(url).find("intl") != std::string::npos) ours[i]["name"] = expected[i]["name"];
      CHECK(ours[i].dump() == expected[i].dump());
    }
  }
}

TEST_CASE("coding-plan: a coding_plan.json written before the secret store still signs in, and a new sign-in takes "
          "the key out of it",
          "[coding-plan][auth][secrets]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  home.write(".qwen/coding_plan.json", "{\"base_url\":\"" + p.base_url() + "\",\"api_key\":\"" + kKey + "\"}\n");
  auto ask = run_qwen(home, {"-p", "old login", "--auth-type", "coding-plan"});
  INFO(ask.out << ask.err);
  CHECK(ask.exit_code == 0);
  REQUIRE(p.logged_requests().size() == 1);
  CHECK(p.logged_requests()[0]["headers"].value("authorization", "") == std::string("Bearer ") + kKey);

  REQUIRE(sign_in(home, p.base_url(), kKey).exit_code == 0);
  const auto saved = nlohmann::json::parse(read_file(saved_key(home)));
  CHECK(saved["base_url"] == p.base_url());
  CHECK_FALSE(saved.contains("api_key"));
  CHECK(files_holding(home.path(), kKey, qwen_home(home) / "secrets.json").empty());
  CHECK(run_qwen(home, {"-p", "new login", "--auth-type", "coding-plan"}).exit_code == 0);
}
