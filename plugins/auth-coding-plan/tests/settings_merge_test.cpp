// Qwen Code's "prepend-and-remove-owned" merge of modelProviders.openai, and
// the shapes of settings.json the sign-in refuses to edit.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "coding_plan_models.hpp"
#include "settings_merge.hpp"

using namespace coding_plan;
using Json = nlohmann::ordered_json;

namespace {

const std::string kChina = "https://coding.dashscope.aliyuncs.com/v1";
const std::string kIntl = "https://coding-intl.dashscope.aliyuncs.com/v1";

Json parse(const std::string &s) { return Json::parse(s); }

}  // namespace

TEST_CASE("coding-plan merge: the entries are exactly what Qwen Code 0.24.4 writes", "[coding-plan]") {
  Json list = parse(plan_entries_json(kChina));
  REQUIRE(list.size() == 10);
  // What 0.24.4 wrote (tests/fixtures/qwen-code), byte for byte (key order included).
  CHECK(list[0].dump() ==
        R"({"id":"qwen3.5-plus","name":"[ModelStudio Coding Plan] qwen3.5-plus",)"
        R"("capabilities":{"reasoning":{"thinking":true,"toggleOnly":true,"disableField":"enable_thinking"}},)"
        R"("baseUrl":"https://coding.dashscope.aliyuncs.com/v1",)"
        R"("envKey":"BAILIAN_CODING_PLAN_API_KEY","generationConfig":{"extra_body":{"enable_thinking":true},)"
        R"("contextWindowSize":1000000,"modalities":{"image":true,"video":true}}})");
  CHECK(list[1]["description"] == "Currently available to Pro subscribers only.");
  CHECK(list[3].dump() ==
        R"({"id":"glm-5","name":"[ModelStudio Coding Plan] glm-5","baseUrl":"https://coding.dashscope.aliyuncs.com/v1",)"
        R"("envKey":"BAILIAN_CODING_PLAN_API_KEY","generationConfig":{"extra_body":{"enable_thinking":true},)"
        R"("contextWindowSize":202752}})");
  CHECK(list[6].dump() ==
        R"({"id":"qwen3-coder-plus","name":"[ModelStudio Coding Plan] qwen3-coder-plus","baseUrl":"https://coding.dashscope.aliyuncs.com/v1",)"
        R"("envKey":"BAILIAN_CODING_PLAN_API_KEY","generationConfig":{"contextWindowSize":1000000}})");
  CHECK_FALSE(list[7]["generationConfig"].contains("extra_body"));
  CHECK(list[4]["generationConfig"]["modalities"] == Json{{"image", true}, {"video", true}});
  CHECK_FALSE(list[2]["generationConfig"].contains("modalities"));  // qwen3.7-plus: no images in 0.24.4
  CHECK_FALSE(list[3].contains("capabilities"));

  Json intl = parse(plan_entries_json(kIntl));
  CHECK(intl[9]["name"] == "[ModelStudio Coding Plan for Global/Intl] glm-4.7");
  CHECK(intl[9]["baseUrl"] == kIntl);
}

TEST_CASE("coding-plan merge: the version is the SHA-256 of the entries, per region", "[coding-plan]") {
  const std::string v = model_list_version(kChina);
  CHECK(v.size() == 64);
  CHECK(v.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(v == model_list_version(kChina));
  // The version real Qwen Code 0.24.4 stored for the China list (tests/fixtures/qwen-code): Qwen Code sees
  // no model-list update waiting after a qwen sign-in.
  CHECK(v == "526212538b2f2fc57ddcd2d8ec0da76e263abca83b9dacfd8aa0cf97db61cc6c");
  CHECK(v != model_list_version(kIntl));
  // sha256 of "[]" is not it: the entries are hashed, not an empty list.
  CHECK(v != "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
}

TEST_CASE("coding-plan merge: owned entries replaced and put first, foreign entries kept in order", "[coding-plan]") {
  const std::string existing = R"([
    {"id":"my-model","name":"mine","baseUrl":"https://api.example.com/v1","envKey":"MY_KEY","custom":{"b":1,"a":2}},
    {"id":"qwen3.5-plus","name":"[ModelStudio Coding Plan for Global/Intl] qwen3.5-plus","baseUrl":"https://coding-intl.dashscope.aliyuncs.com/v1","envKey":"BAILIAN_CODING_PLAN_API_KEY"},
    {"id":"old-plan-model","baseUrl":"https://coding.dashscope.aliyuncs.com/v1","envKey":"BAILIAN_CODING_PLAN_API_KEY"},
    {"id":"same-url-other-key","baseUrl":"https://coding.dashscope.aliyuncs.com/v1","envKey":"OPENAI_API_KEY"},
    {"id":"z-last","name":"z"}
  ])";
  auto r = merge_owned_entries(existing, kChina);
  REQUIRE(r.problem.empty());
  Json merged = parse(r.json);
  REQUIRE(merged.size() == 13);
  CHECK(merged[0]["id"] == "qwen3.5-plus");
  CHECK(merged[0]["baseUrl"] == kChina);
  CHECK(merged[9]["id"] == "glm-4.7");
  CHECK(merged[10].dump() ==
        R"({"id":"my-model","name":"mine","baseUrl":"https://api.example.com/v1","envKey":"MY_KEY","custom":{"b":1,"a":2}})");
  CHECK(merged[11]["id"] == "same-url-other-key");
  CHECK(merged[12]["id"] == "z-last");
  // Signing in again gives the same list: nothing doubles.
  auto again = merge_owned_entries(r.json, kChina);
  CHECK(again.json == r.json);
}

TEST_CASE("coding-plan merge: a custom endpoint owns its own entries too, and absent means just the plan's",
          "[coding-plan]") {
  const std::string local = "http://127.0.0.1:8080/v1";
  auto first = merge_owned_entries(std::nullopt, local);
  REQUIRE(first.problem.empty());
  CHECK(parse(first.json).size() == 10);
  CHECK(parse(first.json)[0]["name"] == "[ModelStudio Coding Plan] qwen3.5-plus");
  auto second = merge_owned_entries(first.json, local);
  CHECK(parse(second.json).size() == 10);
  // Moving to a region drops the region entries but keeps another custom endpoint's (not owned then).
  auto moved = merge_owned_entries(first.json, kIntl);
  CHECK(parse(moved.json).size() == 20);
  CHECK(is_owned_entry(R"({"envKey":"BAILIAN_CODING_PLAN_API_KEY","baseUrl":"http://127.0.0.1:8080/v1"})", local));
  CHECK_FALSE(is_owned_entry(R"({"envKey":"BAILIAN_CODING_PLAN_API_KEY","baseUrl":"http://127.0.0.1:8080/v1"})", ""));
  CHECK_FALSE(is_owned_entry(R"({"envKey":"BAILIAN_CODING_PLAN_API_KEY"})", ""));
  CHECK_FALSE(is_owned_entry(R"({"envKey":"BAILIAN_CODING_PLAN_API_KEY","baseUrl":7})", ""));
  CHECK_FALSE(is_owned_entry("not json", ""));
  CHECK(is_owned_entry(R"({"envKey":"BAILIAN_CODING_PLAN_API_KEY","baseUrl":"https://coding.dashscope.aliyuncs.com/v1"})", ""));
}

TEST_CASE("coding-plan merge: hostile shapes are refused with a clear message and nothing to write", "[coding-plan]") {
  struct Case {
    const char *existing;
    const char *words;
  } cases[] = {
      {R"({"id":"x"})", "is an object, not a list"},
      {R"("openai")", "is a string, not a list"},
      {"null", "is null, not a list"},
      {"42", "is a number, not a list"},
      {R"([{"id":"a"}, "b"])", "entry 2 of modelProviders.openai in settings.json is a string"},
      {R"([[1]])", "entry 1 of modelProviders.openai in settings.json is a list"},
      {R"([null])", "entry 1 of modelProviders.openai in settings.json is null"},
      {"[1,", "could not be read as JSON"},
  };
  for (const auto &c : cases) {
    INFO(c.existing);
    auto r = merge_owned_entries(std::string(c.existing), kChina);
    CHECK(r.json.empty());
    CHECK(r.problem.find(c.words) != std::string::npos);
  }
}

TEST_CASE("coding-plan merge: settings values in the way stop every edit", "[coding-plan]") {
  CHECK_FALSE(settings_shape_problem("{}").has_value());
  CHECK_FALSE(settings_shape_problem(R"({"security":{"auth":{"selectedType":"qwen-oauth"}},"model":{"name":"x"},)"
                                     R"("modelProviders":{"openai":[{"id":"a"}]},"env":{"A":"b"}})")
                  .has_value());
  struct Case {
    const char *settings;
    const char *words;
  } cases[] = {
      {"[]", "settings.json holds a list, not an object"},
      {R"({"modelProviders":[]})", "modelProviders in settings.json is a list, not an object"},
      {R"({"modelProviders":{"openai":{}}})", "modelProviders.openai in settings.json is an object"},
      {R"({"modelProviders":{"openai":[3]}})", "entry 1 of modelProviders.openai"},
      {R"({"security":"strict"})", "security in settings.json is a string"},
      {R"({"security":{"auth":true}})", "security.auth in settings.json is a boolean"},
      {R"({"model":"qwen3.5-plus"})", "model in settings.json is a string"},
      {R"({"providerMetadata":1})", "providerMetadata in settings.json is a number"},
      {R"({"env":["A=b"]})", "env in settings.json is a list"},
  };
  for (const auto &c : cases) {
    INFO(c.settings);
    auto p = settings_shape_problem(c.settings);
    REQUIRE(p.has_value());
    CHECK(p->find(c.words) != std::string::npos);
  }
}
