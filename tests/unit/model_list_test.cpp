// The provider's GET /models answer is a stranger's: its parser keeps what a user can be shown.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "app/model_list.hpp"

using qwen::app::parse_models_answer;

TEST_CASE("models answer: OpenAI's shape, sorted, duplicates once, descriptions kept", "[models]") {
  auto m = parse_models_answer(
      R"({"object":"list","data":[{"id":"b-model","object":"model"},{"id":"a-model","description":"the first"},)"
      R"({"id":"b-model"}]})");
  REQUIRE(m.size() == 2);
  CHECK(m[0].id == "a-model");
  CHECK(m[0].description == "the first");
  CHECK(m[1].id == "b-model");
  CHECK(m[1].description.empty());
}

TEST_CASE("models answer: hostile or broken answers are a clear error or dropped entries, never a crash", "[models]") {
  CHECK_THROWS_WITH(parse_models_answer("<html>challenge</html>"), "the answer is not JSON");
  CHECK_THROWS_WITH(parse_models_answer("[]"), "the answer has no \"data\" list of models");
  CHECK_THROWS_WITH(parse_models_answer(R"({"data":{"id":"x"}})"), "the answer has no \"data\" list of models");
  CHECK_THROWS(parse_models_answer(""));
  // Bytes that are not UTF-8 make the answer not JSON at all.
  CHECK_THROWS_WITH(parse_models_answer("{\"data\":[{\"id\":\"bad\xff\"}]}"), "the answer is not JSON");
  // Entries that are not objects, ids that are not text, empty, too long, or hold control characters are
  // dropped; a description with control characters is dropped, the id kept.
  auto m = parse_models_answer(std::string(R"({"data":[1,"x",{"id":7},{"id":""},{"id":")") + std::string(300, 'a') +
                               R"("},{"id":"esc\u001b[2Jape"},{"id":"ok","description":"red\u001b[31m"}]})");
  REQUIRE(m.size() == 1);
  CHECK(m[0].id == "ok");
  CHECK(m[0].description.empty());
}

TEST_CASE("models answer: a huge list is bounded", "[models]") {
  std::string body = R"({"data":[)";
  for (int i = 0; i < 6000; ++i) body += (i ? "," : "") + std::string(R"({"id":"m)") + std::to_string(i) + "\"}";
  body += "]}";
  CHECK(parse_models_answer(body).size() == 5000);
}
