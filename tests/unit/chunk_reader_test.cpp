// The SAX reader of chat completion chunks: the fields qwen uses, ignoring everything else.
#include <catch2/catch.hpp>

#include "chat/chunk_reader.hpp"
#include "chat/events.hpp"

using qwen::chat::read_chunk;

TEST_CASE("content, finish reason and usage of a streamed chunk") {
  auto f = read_chunk(R"({"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi \"you\""},)"
                      R"("finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":3,"completion_tokens":2,)"
                      R"("total_tokens":5,"details":{"cached":1}}})");
  CHECK(f.valid);
  CHECK_FALSE(f.has_error);
  CHECK(f.has_choices);
  CHECK(f.content == std::string("Hi \"you\""));
  CHECK(f.finish_reason == std::string("stop"));
  REQUIRE(f.usage);
  CHECK((*f.usage)["total_tokens"] == 5);
  CHECK_FALSE(f.usage->contains("cached"));  // nested objects are not usage counters
}

TEST_CASE("only the first choice and only the named part count") {
  auto f = read_chunk(R"({"choices":[{"delta":{"tool":{"content":"no"}}},{"delta":{"content":"second"}}]})");
  CHECK_FALSE(f.content);
  auto m = read_chunk(R"({"choices":[{"message":{"content":"whole"}}]})", "message");
  CHECK(m.content == std::string("whole"));
  CHECK_FALSE(read_chunk(R"({"choices":[{"message":{"content":"whole"}}]})", "delta").content);
}

TEST_CASE("fields of the wrong type or in the wrong place are ignored") {
  for (const char *text :
       {R"({"choices":"nope"})", R"({"choices":[5,{"delta":{"content":"x"}}]})",
        R"({"choices":[{"delta":{"content":42}}]})", R"({"choices":[{"delta":"x"}]})", R"({"usage":"lots"})",
        R"({"content":"top level"})", R"({"x":{"choices":[{"delta":{"content":"deep"}}]}})"}) {
    auto f = read_chunk(text);
    INFO(text);
    CHECK(f.valid);
    CHECK_FALSE(f.content);
    CHECK_FALSE(f.usage);
  }
}

TEST_CASE("errors and invalid input") {
  CHECK(read_chunk(R"({"error":{"message":"overloaded"}})").has_error);
  CHECK_FALSE(read_chunk(R"({"x":{"error":1}})").has_error);
  for (const char *bad : {"", "{", "[1,2]", "\"str\"", "{\"a\":}", "{} extra", "{\"s\":\"\xff\"}"}) {
    INFO(bad);
    CHECK_FALSE(read_chunk(bad).valid);
  }
}

TEST_CASE("json_string escapes what JSON needs and replaces invalid UTF-8") {
  using qwen::chat::json_string;
  CHECK(json_string("plain text") == "\"plain text\"");
  CHECK(json_string("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
  CHECK(json_string("ünï") == "\"ünï\"");
  CHECK(json_string("bad \xff byte") == "\"bad \xEF\xBF\xBD byte\"");
}
