// What an OpenAI-compatible request carries from settings.json's generationConfig, and the headers a
// provider's host gets, as Qwen Code sends them.
#include <catch2/catch.hpp>

#include <algorithm>

#include "request_extras.hpp"

using namespace openai_key;
using nlohmann::json;

namespace {
bool has(const std::vector<std::string> &v, const std::string &s) { return std::find(v.begin(), v.end(), s) != v.end(); }
}  // namespace

TEST_CASE("a provider entry's extra_body and samplingParams join the body, its customHeaders the headers",
          "[extras]") {
  json entry = {{"id", "m"},
                {"generationConfig",
                 {{"extra_body", {{"enable_thinking", true}}},
                  {"samplingParams", {{"temperature", 0.2}, {"max_tokens", 100}}},
                  {"customHeaders", {{"X-Team", "blue"}}}}}};
  auto x = request_extras(entry, json{{"extra_body", {{"top_level", 1}}}}, "http://127.0.0.1:9/v1", "0.1.0");
  CHECK(x.body == json{{"enable_thinking", true}, {"temperature", 0.2}, {"max_tokens", 100}});
  CHECK(x.headers == std::vector<std::string>{"X-Team: blue"});
  CHECK(x.ignored.empty());
}

TEST_CASE("a provider entry's generationConfig is impermeable: model.generationConfig applies only without one",
          "[extras]") {
  json top = {{"extra_body", {{"top_level", 1}}}};
  CHECK(request_extras(json{{"id", "m"}}, top, "http://127.0.0.1/v1", "1").body.empty());
  CHECK(request_extras(std::nullopt, top, "http://127.0.0.1/v1", "1").body == json{{"top_level", 1}});
}

TEST_CASE("a DashScope host gets Qwen Code's DashScope headers, and customHeaders replace one of a name",
          "[extras]") {
  auto x = request_extras(std::nullopt, std::nullopt, "https://coding.dashscope.aliyuncs.com/v1", "0.1.0");
  CHECK(has(x.headers, "X-DashScope-CacheControl: enable"));
  CHECK(has(x.headers, "X-DashScope-AuthType: openai"));
  json mine = {{"customHeaders", {{"x-dashscope-cachecontrol", "disable"}}}};
  x = request_extras(std::nullopt, mine, "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "0.1.0");
  CHECK(has(x.headers, "x-dashscope-cachecontrol: disable"));
  CHECK_FALSE(has(x.headers, "X-DashScope-CacheControl: enable"));
  CHECK(request_extras(std::nullopt, std::nullopt, "https://dashscope.aliyuncs.com.evil.example/v1", "1")
            .headers.empty());
  x = request_extras(std::nullopt, std::nullopt, "https://openrouter.ai/api/v1", "1");
  CHECK(has(x.headers, "X-OpenRouter-Title: Qwen Code"));
}

TEST_CASE("hostile generationConfig: header injection and wrong types are left out and said", "[extras]") {
  json bad = {{"customHeaders",
               {{"X-Ok", "yes"}, {"X-Evil", "a\r\nAuthorization: Bearer stolen"}, {"Bad Name", "x"}, {"X-Num", 5}}},
              {"extra_body", "not an object"}};
  auto x = request_extras(std::nullopt, bad, "http://127.0.0.1/v1", "1");
  CHECK(x.headers == std::vector<std::string>{"X-Ok: yes"});
  CHECK(x.body.empty());
  CHECK(x.ignored.size() == 4);
  for (const auto &why : x.ignored) CHECK(why.find("stolen") == std::string::npos);
  CHECK(request_extras(json{{"id", "m"}, {"generationConfig", 7}}, std::nullopt, "http://127.0.0.1/v1", "1")
            .ignored.size() == 1);
}
