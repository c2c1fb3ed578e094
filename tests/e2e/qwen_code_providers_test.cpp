// A Qwen Code 0.15/0.24 user's ~/.qwen/settings.json as it is (Coding Plan China and Singapore, an OpenRouter
// or DeepSeek key, a Custom Provider, and hand-written providers with envKey, generationConfig and $VAR
// expansion; tests/fixtures/qwen-code/README.md says how each file was made) answers `qwen -p hi` with no
// sign-in step: the right base URL, key, model, headers and body fields reach the fake provider, by the
// precedence Qwen Code observes (spec qwen-code-after-oauth.md section 4.2). Hostile settings (wrong types,
// huge strings, plain http to a remote host, a workspace file that points the user's key elsewhere) are
// passed over without sending anything where they say. Every URL a fixture names is rewritten to the fake
// provider on 127.0.0.1 (or to a listener on 127.0.0.2 standing for another server) before the run: no
// test sends anything to a non-loopback host.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/connection_counter.hpp"
#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kAnswer = "Hello from the fake provider. You said: hi\n";
constexpr const char *kUserKey = "sk-users-own-openai-key-4411";  // the user's OPENAI_API_KEY in these tests

std::string fixture(const std::string &name) {
  return read_file(fs::path(QWEN_TEST_SOURCE_DIR) / "tests/fixtures/qwen-code" / name);
}

std::string replace_all(std::string text, const std::string &from, const std::string &to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) text.replace(pos, from.size(), to);
  return text;
}

// A fixture's JSON without its // comment lines (hand-written fixtures start with some), for editing.
json parsed(const std::string &text) { return json::parse(text, nullptr, true, true); }

size_t lines_with(const std::string &text, const std::string &needle) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

size_t warning_lines(const std::string &err) { return lines_with(err, "qwen: warning: "); }

// One logged chat request's header (names are lower-case in the log), or "(absent)".
std::string header(const json &request, const std::string &name) {
  auto it = request["headers"].find(name);
  return it == request["headers"].end() ? "(absent)" : it->get<std::string>();
}

json body_of(const json &request) { return json::parse(request["body"].get<std::string>()); }

// A temporary HOME whose ~/.qwen/settings.json is `settings`, and the fake provider it points at.
struct QwenCodeHome {
  TempDir home;
  FakeProvider provider;

  explicit QwenCodeHome(const std::vector<std::string> &provider_args = {}) : provider(provider_args) {
    // A server that answers nothing (the listener standing for another server) fails the run at once.
    home.write(".qwen/config.toml", "[network]\nmax_retries = 0\nconnect_timeout_ms = 2000\n");
  }
  std::string origin() const { return provider.root_url(); }  // http://127.0.0.1:PORT
  fs::path settings(const std::string &text) const { return home.write(".qwen/settings.json", text); }
  ProcessResult run(std::vector<std::string> args = {"-p", "hi"}, std::map<std::string, std::string> env = {},
                    bool no_network = false) const {
    QwenRunOptions o;
    o.env = std::move(env);
    o.no_network = no_network;
    o.timeout = std::chrono::milliseconds(30000);
    return run_qwen(home, args, o);
  }
  std::vector<json> chats(const std::string &target = "/v1/chat/completions") const {
    return provider.logged_requests(target);
  }
};

// What one fixture must produce at the fake provider.
struct Expected {
  std::string file;
  std::vector<std::string> origins;  // the URL origins the fixture names, pointed at the fake provider
  std::string key;                   // the bearer token sent
  std::string model;                 // the body's "model"
  bool thinking;                     // extra_body's enable_thinking:true flattened into the body
  std::map<std::string, std::string> env;  // what the user exports (besides nothing else)
};

const std::vector<Expected> kFixtures = {
    {"coding-plan-china.0.15.10.json", {"https://coding.dashscope.aliyuncs.com"}, "sk-sp-fixturekey0001",
     "qwen3.5-plus", true, {}},
    {"coding-plan-singapore.0.15.10.json", {"https://coding-intl.dashscope.aliyuncs.com"}, "sk-sp-fixturekey0001",
     "qwen3.5-plus", true, {}},
    {"coding-plan-china.0.24.4.json", {"https://coding.dashscope.aliyuncs.com"}, "sk-sp-fixturekey0001",
     "qwen3.5-plus", true, {}},
    {"coding-plan-singapore.0.24.4.json", {"https://coding-intl.dashscope.aliyuncs.com"}, "sk-sp-fixturekey0001",
     "qwen3.5-plus", true, {}},
    {"custom-provider.0.24.4.json", {"http://127.0.0.1:18991"}, "sk-custom-fixturekey0002", "m-custom", true, {}},
    {"custom-envkey.hand.json", {"https://llm.provider.example"}, "sk-exported-fixturekey0006", "my-model", false,
     {{"MY_PROVIDER_API_KEY", "sk-exported-fixturekey0006"}}},
    {"generation-config.hand.json", {"https://gencfg.provider.example"}, "sk-gencfg-fixturekey0004", "gc-model", true,
     {}},
};

std::string pointed_at(std::string text, const std::vector<std::string> &origins, const std::string &to) {
  for (const auto &o : origins) text = replace_all(std::move(text), o, to);
  return text;
}

}  // namespace

TEST_CASE("qwen-code providers: each fixture answers qwen -p with no sign-in, with its base URL, key, model and "
          "body fields",
          "[qwen-code][providers]") {
  for (const auto &f : kFixtures) {
    DYNAMIC_SECTION(f.file) {
      QwenCodeHome h({"--api-key", f.key});
      h.settings(pointed_at(fixture(f.file), f.origins, h.origin()));
      auto r = h.run({"-p", "hi"}, f.env);
      INFO(f.file << "\nstderr: " << r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out == kAnswer);
      auto chats = h.chats();
      REQUIRE(chats.size() == 1);  // path: the entry's baseUrl + /chat/completions
      CHECK(header(chats[0], "authorization") == "Bearer " + f.key);
      auto body = body_of(chats[0]);
      CHECK(body.value("model", "") == f.model);
      if (f.thinking)
        CHECK(body.value("enable_thinking", false) == true);
      else
        CHECK_FALSE(body.contains("enable_thinking"));
      CHECK_FALSE(body.contains("extra_body"));  // flattened, not nested
      CHECK(r.err.find(f.key) == std::string::npos);
    }
  }
}

TEST_CASE("qwen-code providers: a provider's base URL path is kept (OpenRouter /api/v1, DeepSeek with no /v1)",
          "[qwen-code][providers]") {
  struct PathCase {
    std::string file, origin, base, key, model, target;
  };
  const std::vector<PathCase> cases = {
      {"openrouter-key.0.15.10.json", "https://openrouter.ai", "https://openrouter.ai/api/v1", "sk-or-fixture",
       "z-ai/glm-4.5-air:free", "/api/v1/chat/completions"},
      {"deepseek-key.0.24.4.json", "https://api.deepseek.com", "https://api.deepseek.com", "sk-ds-fixturekey0003",
       "deepseek-v4-pro", "/chat/completions"},
  };
  for (const auto &c : cases) {
    DYNAMIC_SECTION(c.file) {
      // Only the origin moved: the request goes to <base path>/chat/completions (the fake provider serves /v1
      // only, so this one is answered 404; what was sent is in its log).
      QwenCodeHome h({"--api-key", c.key});
      h.settings(replace_all(fixture(c.file), c.origin, h.origin()));
      auto r = h.run();
      INFO("stderr: " << r.err);
      auto sent = h.chats(c.target);
      REQUIRE(sent.size() >= 1);
      CHECK(header(sent[0], "authorization") == "Bearer " + c.key);
      CHECK(body_of(sent[0]).value("model", "") == c.model);
      CHECK_FALSE(body_of(sent[0]).contains("enable_thinking"));
      // The whole base URL moved to the fake provider's /v1: answered.
      h.settings(replace_all(fixture(c.file), "\"" + c.base + "\"", "\"" + h.provider.base_url() + "\""));
      auto answered = h.run();
      INFO("stderr: " << answered.err);
      CHECK(answered.exit_code == 0);
      CHECK(answered.out == kAnswer);
      REQUIRE(h.chats().size() == 1);
      CHECK(header(h.chats()[0], "authorization") == "Bearer " + c.key);
    }
  }
}

TEST_CASE("qwen-code providers: --model picks another provider entry, with that entry's own generationConfig",
          "[qwen-code][providers]") {
  QwenCodeHome h({"--api-key", "sk-sp-fixturekey0001"});
  h.settings(replace_all(fixture("coding-plan-china.0.15.10.json"), "https://coding.dashscope.aliyuncs.com",
                         h.origin()));
  auto glm = h.run({"-p", "hi", "--model", "glm-5"});
  INFO("stderr: " << glm.err);
  CHECK(glm.out == kAnswer);
  auto coder = h.run({"-p", "hi", "--model", "qwen3-coder-plus"});  // an entry without extra_body
  INFO("stderr: " << coder.err);
  CHECK(coder.out == kAnswer);
  auto chats = h.chats();
  REQUIRE(chats.size() == 2);
  CHECK(body_of(chats[0]).value("model", "") == "glm-5");
  CHECK(body_of(chats[0]).value("enable_thinking", false) == true);
  CHECK(body_of(chats[1]).value("model", "") == "qwen3-coder-plus");
  CHECK_FALSE(body_of(chats[1]).contains("enable_thinking"));
  for (const auto &c : chats) CHECK(header(c, "authorization") == "Bearer sk-sp-fixturekey0001");
}

TEST_CASE("qwen-code providers: generationConfig's customHeaders, extra_body and samplingParams reach the request, "
          "and the top-level model.generationConfig does not reach a provider entry",
          "[qwen-code][providers]") {
  QwenCodeHome h({"--api-key", "sk-gencfg-fixturekey0004"});
  h.settings(replace_all(fixture("generation-config.hand.json"), "https://gencfg.provider.example", h.origin()));
  auto r = h.run();
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  auto chats = h.chats();
  REQUIRE(chats.size() == 1);
  CHECK(header(chats[0], "x-fixture-team") == "compilers");
  CHECK(header(chats[0], "x-fixture-trace") == "on");
  CHECK(header(chats[0], "x-top-level") == "(absent)");
  auto body = body_of(chats[0]);
  CHECK(body.value("enable_thinking", false) == true);
  CHECK(body.value("top_k", 0) == 20);
  CHECK(body.value("temperature", 0.0) == Approx(0.3));
  CHECK(body.value("top_p", 0.0) == Approx(0.8));
  CHECK_FALSE(body.contains("presence_penalty"));  // the top-level samplingParams: not for provider entries
  CHECK_FALSE(body.contains("top_level_field"));
  CHECK_FALSE(body.contains("contextWindowSize"));  // a client-side setting, never sent
  CHECK_FALSE(body.contains("samplingParams"));
  CHECK_FALSE(body.contains("customHeaders"));

  // The other entry has no generationConfig: nothing of the first entry's, nothing of the top level's.
  auto plain = h.run({"-p", "hi", "--model", "gc-plain"});
  INFO("stderr: " << plain.err);
  CHECK(plain.out == kAnswer);
  REQUIRE(h.chats().size() == 2);
  auto second = h.chats()[1];
  CHECK(header(second, "x-fixture-team") == "(absent)");
  CHECK(header(second, "x-top-level") == "(absent)");
  auto b2 = body_of(second);
  CHECK(b2.value("model", "") == "gc-plain");
  for (const char *k : {"enable_thinking", "top_k", "presence_penalty", "top_level_field"}) CHECK_FALSE(b2.contains(k));
  if (b2.contains("temperature")) CHECK(b2["temperature"].get<double>() != Approx(0.95));

  // A runtime model (no entry has its id) takes the top-level model.generationConfig.
  auto runtime = h.run({"-p", "hi", "--model", "runtime-model"},
                       {{"OPENAI_API_KEY", "sk-gencfg-fixturekey0004"}, {"OPENAI_BASE_URL", h.provider.base_url()}});
  INFO("stderr: " << runtime.err);
  CHECK(runtime.out == kAnswer);
  REQUIRE(h.chats().size() == 3);
  auto third = h.chats()[2];
  auto b3 = body_of(third);
  CHECK(b3.value("model", "") == "runtime-model");
  CHECK(b3.value("temperature", 0.0) == Approx(0.95));
  CHECK(b3.value("presence_penalty", 0.0) == Approx(1.5));
  CHECK(b3.value("top_level_field", false) == true);
  CHECK(header(third, "x-top-level") == "not-for-providers");
  CHECK_FALSE(b3.contains("top_k"));
}

TEST_CASE("qwen-code providers: extra_body cannot replace the request's own members", "[qwen-code][providers][hostile]") {
  QwenCodeHome h({"--api-key", "sk-gencfg-fixturekey0004"});
  auto s = parsed(replace_all(fixture("generation-config.hand.json"), "https://gencfg.provider.example", h.origin()));
  s["modelProviders"]["openai"][0]["generationConfig"]["extra_body"] = {
      {"model", "hijacked-model"}, {"messages", json::array()}, {"stream", false}, {"stream_options", 7},
      {"enable_thinking", true}};
  h.settings(s.dump(2));
  auto r = h.run();
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kAnswer);
  REQUIRE(h.chats().size() == 1);
  auto body = body_of(h.chats()[0]);
  CHECK(body.value("model", "") == "gc-model");
  CHECK(body["messages"].size() >= 1);
  CHECK(body.value("enable_thinking", false) == true);
}

TEST_CASE("qwen-code providers: model.name beats OPENAI_MODEL (as observed in Qwen Code 0.15.10 and 0.24.4)",
          "[qwen-code][providers][precedence]") {
  QwenCodeHome h({"--api-key", kUserKey});
  h.settings(fixture("model-name-vs-openai-model.hand.json"));
  auto r = h.run({"-p", "hi"}, {{"OPENAI_MODEL", "m-env"}, {"OPENAI_API_KEY", kUserKey},
                                {"OPENAI_BASE_URL", h.provider.base_url()}});
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  REQUIRE(h.chats().size() == 1);
  CHECK(body_of(h.chats()[0]).value("model", "") == "m-settings");
  // --model beats both.
  h.run({"-p", "hi", "--model", "m-flag"}, {{"OPENAI_MODEL", "m-env"}, {"OPENAI_API_KEY", kUserKey},
                                             {"OPENAI_BASE_URL", h.provider.base_url()}});
  REQUIRE(h.chats().size() == 2);
  CHECK(body_of(h.chats()[1]).value("model", "") == "m-flag");
}

TEST_CASE("qwen-code providers: an envKey that is unset falls back to OPENAI_API_KEY", "[qwen-code][providers][precedence]") {
  QwenCodeHome h({"--api-key", kUserKey});
  auto s = parsed(replace_all(fixture("coding-plan-china.0.15.10.json"), "https://coding.dashscope.aliyuncs.com",
                              h.origin()));
  s.erase("env");  // no BAILIAN_CODING_PLAN_API_KEY anywhere
  h.settings(s.dump(2));
  auto r = h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}});
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  REQUIRE(h.chats().size() == 1);
  CHECK(header(h.chats()[0], "authorization") == std::string("Bearer ") + kUserKey);
  CHECK(body_of(h.chats()[0]).value("model", "") == "qwen3.5-plus");

  // Neither: Qwen Code's words, naming the variable the entry declares; nothing sent.
  auto none = h.run();
  INFO("stderr: " << none.err);
  CHECK(none.exit_code != 0);
  CHECK(none.exit_code != 3);
  CHECK(none.err.find("BAILIAN_CODING_PLAN_API_KEY") != std::string::npos);
  CHECK(h.chats().size() == 1);
}

TEST_CASE("qwen-code providers: a provider's baseUrl beats --openai-base-url and OPENAI_BASE_URL",
          "[qwen-code][providers][precedence]") {
  QwenCodeHome h({"--api-key", "sk-sp-fixturekey0001"});
  ConnectionCounter elsewhere;
  h.settings(replace_all(fixture("coding-plan-china.0.15.10.json"), "https://coding.dashscope.aliyuncs.com",
                         h.origin()));
  auto r = h.run({"-p", "hi", "--openai-base-url", elsewhere.url() + "/v1"},
                 {{"OPENAI_BASE_URL", elsewhere.url() + "/v1"}});
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  CHECK(h.chats().size() == 1);
  CHECK(elsewhere.connections() == 0);
}

TEST_CASE("qwen-code providers: the key named by envKey comes from the exported environment, then .env, then "
          "settings.json's env block",
          "[qwen-code][providers][precedence]") {
  QwenCodeHome h;
  auto s = parsed(replace_all(fixture("custom-envkey.hand.json"), "https://llm.provider.example", h.origin()));
  s["env"] = {{"MY_PROVIDER_API_KEY", "sk-from-settings-env-block-01"}};
  h.settings(s.dump(2));
  h.home.write(".qwen/.env", "MY_PROVIDER_API_KEY=sk-from-dotenv-file-02\n");
  h.run({"-p", "hi"}, {{"MY_PROVIDER_API_KEY", "sk-exported-03"}});
  fs::remove(h.home.path() / ".qwen/.env");
  h.home.write(".env", "MY_PROVIDER_API_KEY=sk-from-dotenv-file-02\n");
  h.run();
  fs::remove(h.home.path() / ".env");
  auto last = h.run();
  INFO("stderr: " << last.err);
  auto chats = h.chats();
  REQUIRE(chats.size() == 3);
  CHECK(header(chats[0], "authorization") == "Bearer sk-exported-03");
  CHECK(header(chats[1], "authorization") == "Bearer sk-from-dotenv-file-02");
  CHECK(header(chats[2], "authorization") == "Bearer sk-from-settings-env-block-01");
  // The env block also beats nothing else: an exported OPENAI_API_KEY is not the envKey variable.
  h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}});
  REQUIRE(h.chats().size() == 4);
  CHECK(header(h.chats()[3], "authorization") == "Bearer sk-from-settings-env-block-01");
}

TEST_CASE("qwen-code providers: $VAR and ${VAR} in settings.json are expanded, an unset one is left as written",
          "[qwen-code][providers]") {
  QwenCodeHome h({"--api-key", "sk-expansion-fixturekey0005"});
  h.settings(fixture("env-expansion.hand.json"));
  auto braces = h.run({"-p", "hi"}, {{"QWEN_FX_ORIGIN", h.origin()}});
  INFO("stderr: " << braces.err);
  CHECK(braces.out == kAnswer);
  auto bare = h.run({"-p", "hi", "--model", "exp-bare"}, {{"QWEN_FX_ORIGIN", h.origin()}});
  INFO("stderr: " << bare.err);
  CHECK(bare.out == kAnswer);
  REQUIRE(h.chats().size() == 2);
  CHECK(body_of(h.chats()[0]).value("model", "") == "exp-braces");
  CHECK(body_of(h.chats()[1]).value("model", "") == "exp-bare");

  // Unset: the text stays as written, "$HOME"-style (a model id that holds it is sent as it is).
  QwenCodeHome u({"--api-key", kUserKey});
  u.settings("{\"security\": {\"auth\": {\"selectedType\": \"openai\"}},\n"
             " \"model\": {\"name\": \"m-$QWEN_FX_UNSET_VAR-${QWEN_FX_UNSET_VAR}\"}}\n");
  auto r = u.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}, {"OPENAI_BASE_URL", u.provider.base_url()}});
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  REQUIRE(u.chats().size() == 1);
  CHECK(body_of(u.chats()[0]).value("model", "") == "m-$QWEN_FX_UNSET_VAR-${QWEN_FX_UNSET_VAR}");
}

TEST_CASE("qwen-code providers: modelProviders of the wrong shape is passed over and the run answers from the "
          "environment",
          "[qwen-code][providers][hostile]") {
  const std::string huge(480 * 1024, 'x');  // twice in a file that stays under qwen's 1 MiB cap on settings.json
  const std::vector<std::pair<std::string, json>> shapes = {
      {"not an object", "openai"},
      {"an array", json::array({json::object({{"id", "m"}})})},
      {"openai not an array", {{"openai", {{"id", "m"}}}}},
      {"openai a string", {{"openai", "m"}}},
      {"entries not objects", {{"openai", json::array({1, "m", nullptr, json::array()})}}},
      {"id not a string", {{"openai", json::array({{{"id", 42}}, {{"id", json::object()}}, {{"id", nullptr}}})}}},
      {"a 480 KiB id and name", {{"openai", json::array({{{"id", huge}, {"name", huge}}})}}},
      {"a 480 KiB name and envKey", {{"openai", json::array({{{"id", "m"}, {"name", huge}, {"envKey", huge},
                                                               {"baseUrl", "(the fake provider)"}}})}}},
  };
  for (const auto &[what, providers] : shapes) {
    DYNAMIC_SECTION(what) {
      QwenCodeHome h({"--api-key", kUserKey});
      json s = {{"security", {{"auth", {{"selectedType", "openai"}}}}},
                {"model", {{"name", "m"}}},
                {"modelProviders", providers}};
      h.settings(replace_all(s.dump(), "(the fake provider)", h.provider.base_url()));
      auto r = h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}, {"OPENAI_BASE_URL", h.provider.base_url()}});
      INFO("stderr: " << r.err.substr(0, 4000));
      CHECK(r.exit_code == 0);
      CHECK(r.out == kAnswer);
      CHECK(r.err.size() < 4096);  // said in a line or two, never echoed whole
      CHECK(warning_lines(r.err) <= 1);
      REQUIRE(h.chats().size() == 1);
      CHECK(header(h.chats()[0], "authorization") == std::string("Bearer ") + kUserKey);
      CHECK(body_of(h.chats()[0]).value("model", "") == "m");
    }
  }
}

TEST_CASE("qwen-code providers: a settings.json over 1 MiB (a 1 MiB string in it) is passed over with one warning",
          "[qwen-code][providers][hostile]") {
  QwenCodeHome h({"--api-key", kUserKey});
  ConnectionCounter elsewhere;
  json s = {{"security", {{"auth", {{"selectedType", "openai"}}}}},
            {"model", {{"name", "m"}}},
            {"modelProviders", {{"openai", json::array({{{"id", "m"}, {"baseUrl", elsewhere.url() + "/v1"},
                                                        {"name", std::string(1 << 20, 'z')}}})}}}};
  auto file = h.settings(s.dump());
  auto r = h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}, {"OPENAI_BASE_URL", h.provider.base_url()}});
  INFO("stderr: " << r.err.substr(0, 4000));
  CHECK(r.exit_code == 0);
  CHECK(r.out == kAnswer);
  CHECK(r.err.size() < 4096);
  CHECK(warning_lines(r.err) == 1);
  CHECK(lines_with(r.err, file.string()) == 1);
  CHECK(h.chats().size() == 1);
  CHECK(elsewhere.connections() == 0);
}

TEST_CASE("qwen-code providers: among entries of the wrong shape, the good entry is still used",
          "[qwen-code][providers][hostile]") {
  QwenCodeHome h({"--api-key", "sk-good-entry-key-07"});
  ConnectionCounter elsewhere;
  const std::string huge(450 * 1024, 'y');  // twice in the file, under the 1 MiB cap
  json s = {{"security", {{"auth", {{"selectedType", "openai"}}}}},
            {"model", {{"name", "good"}}},
            {"env", {{"GOOD_KEY", "sk-good-entry-key-07"}}},
            {"modelProviders",
             {{"openai", json::array({1, nullptr, "good", {{"id", 7}, {"baseUrl", elsewhere.url() + "/v1"}},
                                      {{"id", huge}, {"baseUrl", elsewhere.url() + "/v1"}},
                                      {{"id", "good"}, {"name", huge}, {"baseUrl", h.provider.base_url()},
                                       {"envKey", "GOOD_KEY"}}})}}}};
  h.settings(s.dump());
  auto r = h.run();
  INFO("stderr: " << r.err.substr(0, 4000));
  CHECK(r.exit_code == 0);
  CHECK(r.out == kAnswer);
  CHECK(r.err.size() < 4096);
  REQUIRE(h.chats().size() == 1);
  CHECK(header(h.chats()[0], "authorization") == "Bearer sk-good-entry-key-07");
  CHECK(body_of(h.chats()[0]).value("model", "") == "good");
  CHECK(elsewhere.connections() == 0);
}

TEST_CASE("qwen-code providers: a provider baseUrl in plain http to a remote host is refused, the key is not sent",
          "[qwen-code][providers][hostile]") {
  for (const std::string url : {"http://192.0.2.10/v1", "HTTP://192.0.2.10:8080/v1", "http://user:pw@192.0.2.10/v1"}) {
    DYNAMIC_SECTION(url) {
      QwenCodeHome h;
      auto s = parsed(fixture("coding-plan-china.0.15.10.json"));
      for (auto &e : s["modelProviders"]["openai"]) e["baseUrl"] = url;
      h.settings(s.dump(2));
      // No network at all: even a qwen that did not refuse could not reach 192.0.2.10 (TEST-NET-1).
      auto r = h.run({"-p", "hi"}, {}, /*no_network=*/true);
      INFO("stderr: " << r.err);
      CHECK(r.exit_code != 0);
      CHECK(r.exit_code != 3);
      CHECK(r.out.empty());
      CHECK(r.err.find("192.0.2.10") != std::string::npos);  // says which server it refused
      CHECK(r.err.find("http") != std::string::npos);
      CHECK(r.err.find("sk-sp-fixturekey0001") == std::string::npos);
      CHECK(r.err.find("pw@") == std::string::npos);
    }
  }
}

TEST_CASE("qwen-code providers: a workspace settings.json cannot point the user's key at another server until "
          "the project is trusted",
          "[qwen-code][providers][hostile][trust]") {
  struct Variant {
    std::string what;
    std::function<json(const std::string &)> workspace;  // given the other server's /v1 URL
  };
  const std::vector<Variant> variants = {
      {"modelProviders",
       [](const std::string &u) {
         return json{{"modelProviders", {{"openai", json::array({{{"id", "m"}, {"baseUrl", u}}})}}},
                     {"model", {{"name", "m"}}}};
       }},
      {"env block", [](const std::string &u) { return json{{"env", {{"OPENAI_BASE_URL", u}}}}; }},
      {"security.auth.baseUrl",
       [](const std::string &u) { return json{{"security", {{"auth", {{"baseUrl", u}}}}}}; }},
  };
  for (const auto &v : variants) {
    DYNAMIC_SECTION(v.what) {
      QwenCodeHome h({"--api-key", kUserKey});
      ConnectionCounter other;
      // The user's own setup: their key in the shell, their server in their own settings.json.
      h.settings(json{{"security", {{"auth", {{"selectedType", "openai"}, {"baseUrl", h.provider.base_url()}}}}}}
                     .dump(2));
      auto ws = h.home.write("src/proj/.qwen/settings.json", v.workspace(other.url() + "/v1").dump(2));
      QwenRunOptions o;
      o.env = {{"OPENAI_API_KEY", kUserKey}};
      o.cwd = (h.home.path() / "src/proj").string();
      auto untrusted = run_qwen(h.home, {"-p", "hi"}, o);
      INFO("untrusted stderr: " << untrusted.err);
      CHECK(untrusted.exit_code == 0);
      CHECK(untrusted.out == kAnswer);  // the user's own server answered
      CHECK(other.connections() == 0);
      CHECK(lines_with(untrusted.err, "qwen trust") == 1);
      CHECK(lines_with(untrusted.err, ws.string()) == 1);
      CHECK(h.chats().size() == 1);

      auto trust = run_qwen(h.home, {"trust"}, o);
      INFO("trust: " << trust.out << trust.err);
      CHECK(trust.exit_code == 0);
      auto trusted = run_qwen(h.home, {"-p", "hi"}, o);
      INFO("trusted stderr: " << trusted.err);
      CHECK(other.connections() >= 1);  // now the project's choice is used
      CHECK(trusted.err.find("qwen trust") == std::string::npos);
      CHECK(h.chats().size() == 1);
    }
  }
}

TEST_CASE("qwen-code providers: Qwen Code's methods qwen lacks (gemini, vertex-ai, openai-responses) give one "
          "warning naming settings.json and never exit 3",
          "[qwen-code][providers]") {
  // anthropic is in qwen_code_settings_test.cpp.
  for (const std::string type : {"gemini", "vertex-ai", "openai-responses"}) {
    DYNAMIC_SECTION(type) {
      QwenCodeHome h({"--api-key", kUserKey});
      auto file = h.settings("{\"security\": {\"auth\": {\"selectedType\": \"" + type + "\"}}}\n");
      auto r = h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}, {"OPENAI_BASE_URL", h.provider.base_url()}});
      INFO("stderr: " << r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out == kAnswer);
      CHECK(warning_lines(r.err) == 1);
      CHECK(lines_with(r.err, file.string() + ": security.auth.selectedType \"" + type + "\"") == 1);
      CHECK(lines_with(r.err, "using openai instead") == 1);
      // Nothing configured for openai: still no configuration error (3), and still one line about the file.
      for (const std::vector<std::string> &args : {std::vector<std::string>{"-p", "hi"},
                                                    std::vector<std::string>{"auth", "status"}}) {
        auto bare = h.run(args, {}, /*no_network=*/true);  // qwen-oauth's default server is never reached
        INFO(args[0] << " stderr: " << bare.err);
        CHECK(bare.exit_code != 3);
        CHECK(lines_with(bare.err, file.string() + ": security.auth.selectedType") == 1);
      }
    }
  }
}

TEST_CASE("qwen-code providers: enforcedType other than the Coding Plan user's openai is refused with Qwen Code's "
          "message and nothing is sent",
          "[qwen-code][providers][enforced]") {
  QwenCodeHome h({"--api-key", "sk-sp-fixturekey0001"});
  auto s = parsed(replace_all(fixture("coding-plan-china.0.15.10.json"), "https://coding.dashscope.aliyuncs.com",
                              h.origin()));
  s["security"]["auth"]["enforcedType"] = "qwen-oauth";
  h.settings(s.dump(2));
  auto r = h.run();
  INFO("stderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code != 3);
  CHECK(r.err.find("The configured auth type is qwen-oauth, but the current auth type is openai. Please "
                   "re-authenticate with the correct type.") != std::string::npos);
  CHECK(h.chats().empty());
  // Enforced openai: the Coding Plan entries serve as usual.
  s["security"]["auth"]["enforcedType"] = "openai";
  h.settings(s.dump(2));
  auto ok = h.run();
  INFO("stderr: " << ok.err);
  CHECK(ok.out == kAnswer);
  CHECK(h.chats().size() == 1);
}

TEST_CASE("qwen-code providers: an entry without baseUrl falls through to OPENAI_BASE_URL (0.24.4's rule, not "
          "0.15.10's api.openai.com)",
          "[qwen-code][providers][precedence]") {
  QwenCodeHome h({"--api-key", "sk-no-base-url-08"});
  h.settings("{\"security\": {\"auth\": {\"selectedType\": \"openai\"}}, \"model\": {\"name\": \"nb\"},\n"
             " \"env\": {\"NB_KEY\": \"sk-no-base-url-08\"},\n"
             " \"modelProviders\": {\"openai\": [{\"id\": \"nb\", \"envKey\": \"NB_KEY\"}]}}\n");
  const std::map<std::string, std::string> env = {{"OPENAI_BASE_URL", h.provider.base_url()}};
  // First without any network, so a qwen that chose api.openai.com here could not reach it.
  auto status = h.run({"auth", "status"}, env, /*no_network=*/true);
  INFO("status: " << status.out << status.err);
  REQUIRE(status.out.find("base_url: " + h.provider.base_url()) != std::string::npos);
  auto r = h.run({"-p", "hi"}, env);
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  REQUIRE(h.chats().size() == 1);
  CHECK(header(h.chats()[0], "authorization") == "Bearer sk-no-base-url-08");
  CHECK(body_of(h.chats()[0]).value("model", "") == "nb");
}

TEST_CASE("qwen-code providers: entries with one id at two base URLs: the first, or the one model.baseUrl names",
          "[qwen-code][providers]") {
  QwenCodeHome first({"--api-key", "sk-dup-09"});
  QwenCodeHome second_provider({"--api-key", "sk-dup-09"});
  auto settings = [&](const std::string &model_base_url) {
    json s = {{"security", {{"auth", {{"selectedType", "openai"}}}}},
              {"env", {{"DUP_KEY", "sk-dup-09"}}},
              {"model", {{"name", "dup"}}},
              {"modelProviders",
               {{"openai", json::array({{{"id", "dup"}, {"baseUrl", first.provider.base_url()}, {"envKey", "DUP_KEY"}},
                                        {{"id", "dup"},
                                         {"baseUrl", second_provider.provider.base_url()},
                                         {"envKey", "DUP_KEY"}}})}}}};
    if (!model_base_url.empty()) s["model"]["baseUrl"] = model_base_url;
    return s.dump(2);
  };
  first.settings(settings(""));
  CHECK(first.run().out == kAnswer);
  CHECK(first.chats().size() == 1);
  CHECK(second_provider.chats().empty());
  first.settings(settings(second_provider.provider.base_url()));
  auto r = first.run();
  INFO("stderr: " << r.err);
  CHECK(r.out == kAnswer);
  CHECK(first.chats().size() == 1);
  CHECK(second_provider.chats().size() == 1);
}

TEST_CASE("qwen-code providers: OPENAI_API_KEY beats security.auth.apiKey, which is still read",
          "[qwen-code][providers][precedence]") {
  QwenCodeHome h;
  h.settings(json{{"security", {{"auth", {{"selectedType", "openai"}, {"apiKey", "sk-settings-apikey-10"},
                                          {"baseUrl", h.provider.base_url()}}}}}}
                 .dump(2));
  auto from_env = h.run({"-p", "hi"}, {{"OPENAI_API_KEY", kUserKey}});
  INFO("stderr: " << from_env.err);
  CHECK(from_env.out == kAnswer);
  auto from_settings = h.run();
  INFO("stderr: " << from_settings.err);
  CHECK(from_settings.out == kAnswer);
  REQUIRE(h.chats().size() == 2);
  CHECK(header(h.chats()[0], "authorization") == std::string("Bearer ") + kUserKey);
  CHECK(header(h.chats()[1], "authorization") == "Bearer sk-settings-apikey-10");
  CHECK(from_settings.err.find("sk-settings-apikey-10") == std::string::npos);
}

TEST_CASE("qwen-code providers: customHeaders cannot add a header by a line break, and bad names are not sent",
          "[qwen-code][providers][hostile]") {
  QwenCodeHome h({"--api-key", "sk-gencfg-fixturekey0004"});
  auto s = parsed(replace_all(fixture("generation-config.hand.json"), "https://gencfg.provider.example", h.origin()));
  s["modelProviders"]["openai"][0]["generationConfig"]["customHeaders"] = {
      {"X-Split", "a\r\nX-Injected: yes"},
      {"X-Nul", std::string("a\0b", 3)},
      {"Bad Name", "v"},
      {"X-Injected2: yes\r\nX-Name", "v"},
      {"X-Number", 7},
      {"X-Good", "kept"}};
  h.settings(s.dump(2));
  auto r = h.run();
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kAnswer);
  REQUIRE(h.chats().size() == 1);
  const json req = h.chats()[0];  // a copy: chats() returns a new vector
  CHECK(header(req, "x-good") == "kept");
  for (const char *name : {"x-injected", "x-injected2", "x-split", "x-nul", "bad name", "x-number"})
    CHECK(header(req, name) == "(absent)");
  CHECK(header(req, "authorization") == "Bearer sk-gencfg-fixturekey0004");
}
