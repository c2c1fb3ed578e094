// The plan's facts as Qwen Code 0.24.4 has them: regions, the ten models in
// order, the sk-sp- shape check, and which model and body fields a turn uses.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "coding_plan_models.hpp"

using namespace coding_plan;

TEST_CASE("coding-plan models: the ten models of Qwen Code 0.24.4, in its order, each described", "[coding-plan]") {
  std::vector<std::string> ids;
  for (const auto &m : models()) {
    ids.push_back(m.id);
    CHECK(std::string(m.description).size() > 10);
    CHECK(std::string(m.description).find('\n') == std::string::npos);
  }
  CHECK(ids == std::vector<std::string>{"qwen3.5-plus", "qwen3.6-plus", "qwen3.7-plus", "glm-5", "kimi-k2.5",
                                        "MiniMax-M2.5", "qwen3-coder-plus", "qwen3-coder-next", "qwen3-max-2026-01-23",
                                        "glm-4.7"});
}

TEST_CASE("coding-plan models: two regions, China first, and a custom URL is no region", "[coding-plan]") {
  REQUIRE(regions().size() == 2);
  CHECK(std::string(regions()[0].base_url) == "https://coding.dashscope.aliyuncs.com/v1");
  CHECK(std::string(regions()[0].label) == "China (Beijing)");
  CHECK(std::string(regions()[1].base_url) == "https://coding-intl.dashscope.aliyuncs.com/v1");
  CHECK(std::string(regions()[1].label) == "Singapore (International)");
  CHECK(region_of("https://coding-intl.dashscope.aliyuncs.com/v1") == &regions()[1]);
  CHECK(region_of("https://coding-intl.dashscope.aliyuncs.com/v1/") == nullptr);
  CHECK(region_of("http://127.0.0.1:9/v1") == nullptr);
}

TEST_CASE("coding-plan key shape: sk-sp- keys pass, others get Qwen Code's words", "[coding-plan]") {
  CHECK_FALSE(key_shape_problem("sk-sp-0123456789abcdef").has_value());
  const std::string words = "Invalid API key. Coding Plan API keys start with \"sk-sp-\". Please check.";
  for (const char *bad : {"sk-0123456789abcdef", "SK-SP-0123", " sk-sp-0123", "sk-sp-", "", "sk_sp_0123", "notsp-key"}) {
    INFO(bad);
    auto p = key_shape_problem(bad);
    REQUIRE(p.has_value());
    CHECK(*p == words);
    CHECK((std::string(bad).size() <= 6 || p->find(bad) == std::string::npos));  // the key itself is never quoted
  }
}

TEST_CASE("coding-plan model choice: the host's model, else a plan model from settings.json, else qwen3.5-plus",
          "[coding-plan]") {
  CHECK(choose_model(std::nullopt, std::nullopt) == "qwen3.5-plus");
  CHECK(choose_model(std::string("glm-5"), std::string("kimi-k2.5")) == "glm-5");
  CHECK(choose_model(std::string("my-own-model"), std::nullopt) == "my-own-model");
  CHECK(choose_model(std::nullopt, std::string("kimi-k2.5")) == "kimi-k2.5");
  // A model.name left from another provider is not sent to the plan's endpoint.
  CHECK(choose_model(std::nullopt, std::string("gpt-4o")) == "qwen3.5-plus");
  CHECK(choose_model(std::string(""), std::string("glm-4.7")) == "glm-4.7");
}

TEST_CASE("coding-plan body: enable_thinking for the thinking models only", "[coding-plan]") {
  for (const char *thinking : {"qwen3.5-plus", "qwen3.6-plus", "qwen3.7-plus", "glm-5", "kimi-k2.5", "MiniMax-M2.5",
                               "qwen3-max-2026-01-23", "glm-4.7"}) {
    INFO(thinking);
    CHECK(body_for_model(thinking) == std::optional<std::string>(R"({"enable_thinking":true})"));
  }
  CHECK_FALSE(body_for_model("qwen3-coder-plus").has_value());
  CHECK_FALSE(body_for_model("qwen3-coder-next").has_value());
  CHECK_FALSE(body_for_model("gpt-4o").has_value());
  CHECK_FALSE(body_for_model("QWEN3.5-PLUS").has_value());  // ids are exact, as the server's are
}
