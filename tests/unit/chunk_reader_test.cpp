// The SAX reader of chat completion chunks: the fields qwen uses, ignoring everything else.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

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
  // A string holding a byte that is not UTF-8 is read, with U+FFFD (answer_bytes_test.cpp), not refused.
  CHECK(read_chunk("{\"s\":\"\xff\"}").valid);
  for (const char *bad : {"", "{", "[1,2]", "\"str\"", "{\"a\":}", "{} extra", "{\"s\":\xff}"}) {
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

TEST_CASE("json_string writes what nlohmann's serializer writes") {
  using qwen::chat::json_string;
  auto reference = [](const std::string &s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (int c = 0; c < 0x80; ++c) {
    std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    INFO(c);
    CHECK(json_string(s) == reference(s));
  }
  for (std::string s : {std::string(), std::string("\n\n"), std::string("tab\there \"q\" \\ end\x1f"),
                        std::string("中文，😀 and \x7f"), std::string("cut \xe4\xb8"), std::string("\xc0\xaf overlong"),
                        std::string("\xed\xa0\x80 surrogate"), std::string("nul \0 inside", 12)}) {
    INFO(s);
    CHECK(json_string(s) == reference(s));
  }
  // Random mixes of plain, escaped, multi-byte and invalid bytes, at every alignment of the vector scan.
  const std::vector<std::string> pieces = {"a",    "xyz ", "\n", "\"", "\\",   "\t",       "\x01",       "\x1f",
                                           "\x7f", "é",    "中", "😀",  "\xff", "\xe4\xb8", " 0123456789"};
  std::mt19937 rng(6);
  for (int n = 0; n < 3000; ++n) {
    std::string s;
    for (int k = static_cast<int>(rng() % 24); k > 0; --k) s += pieces[rng() % pieces.size()];
    INFO(s);
    REQUIRE(json_string(s) == reference(s));
  }
}

TEST_CASE("documents simdjson refuses but JSON allows are still read") {
  // A leading BOM, an integer beyond 64 bits, deep nesting: the SAX pass decides these.
  auto f = read_chunk("\xEF\xBB\xBF{\"choices\":[{\"delta\":{\"content\":\"bom\"}}]}");
  CHECK(f.valid);
  CHECK(f.content == std::string("bom"));
  auto g = read_chunk(R"({"created":123456789012345678901234567890,"choices":[{"delta":{"content":"big"}}],)"
                      R"("usage":{"total_tokens":7,"huge":-9223372036854775809}})");
  CHECK(g.valid);
  CHECK(g.content == std::string("big"));
  REQUIRE(g.usage);
  CHECK((*g.usage)["total_tokens"] == 7);
  CHECK_FALSE(g.usage->contains("huge"));
  std::string deep = std::string(2000, '[') + std::string(2000, ']');
  CHECK(read_chunk("{\"x\":" + deep + ",\"choices\":[{\"delta\":{\"content\":\"deep\"}}]}").content ==
        std::string("deep"));
}

TEST_CASE("repeated members: the last one counts, as in a SAX pass") {
  auto f = read_chunk(R"({"choices":[{"delta":{"content":"a","content":"b"},"finish_reason":"x",)"
                      R"("finish_reason":"stop"}],"usage":{"total_tokens":1},"usage":{"total_tokens":2}})");
  CHECK(f.content == std::string("b"));
  CHECK(f.finish_reason == std::string("stop"));
  REQUIRE(f.usage);
  CHECK((*f.usage)["total_tokens"] == 2);
  CHECK(read_chunk(R"({"usage":{}})").usage);
  CHECK(read_chunk(R"({"choices":[]})").has_choices);
  CHECK(read_chunk(R"({"choices":[{"delta":{"content":"\u00e9\ud83d\ude00"}}]})").content == std::string("é😀"));
}
