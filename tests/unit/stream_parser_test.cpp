// The chat answer parser: SSE and plain-JSON answers, and every way an
// answer can be wrong (HTML, junk, cut off, oversized).
#include <catch2/catch.hpp>

#include "chat/stream_parser.hpp"

using qwen::chat::StreamParser;

namespace {

struct Collected {
  std::string text;
  int usage_chunks = 0;
  long total_tokens = 0;
};

StreamParser make(Collected &c, bool cancel_after_first = false) {
  return StreamParser({[&c, cancel_after_first](std::string_view piece) {
                         c.text += piece;
                         return !cancel_after_first;
                       },
                       [&c](const nlohmann::json &u) {
                         ++c.usage_chunks;
                         c.total_tokens = u.value("total_tokens", 0L);
                       }});
}

const std::string kStream =
    ": keep-alive comment\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
    "data: [DONE]\n\n";

}  // namespace

TEST_CASE("an OpenAI stream gives its text, usage and finish reason for any split") {
  for (size_t split = 0; split <= kStream.size(); split += 7) {
    Collected c;
    auto p = make(c);
    p.set_content_type("text/event-stream; charset=utf-8");
    REQUIRE(p.feed(std::string_view(kStream).substr(0, split)));
    REQUIRE(p.feed(std::string_view(kStream).substr(split)));
    p.finish();
    CHECK_FALSE(p.error());
    CHECK(c.text == "Hello");
    CHECK(p.text() == "Hello");
    CHECK(c.usage_chunks == 1);
    CHECK(c.total_tokens == 5);
    CHECK(p.finish_reason() == "stop");
  }
}

TEST_CASE("a stream without [DONE] is whole when the model said it finished") {
  Collected c;
  auto p = make(c);
  p.set_content_type("text/event-stream");
  p.feed(kStream.substr(0, kStream.find("data: [DONE]")));
  p.finish();
  CHECK_FALSE(p.error());
}

TEST_CASE("a stream that stops mid-answer is reported as cut off, keeping the text") {
  Collected c;
  auto p = make(c);
  p.set_content_type("text/event-stream");
  p.feed(kStream.substr(0, kStream.find("data: {\"choices\":[{\"index\":0,\"delta\":{},")));
  p.finish();
  REQUIRE(p.error());
  CHECK(p.error_status() == QWEN_ERR_NETWORK);
  CHECK(c.text == "Hello");
}

TEST_CASE("an HTML page is recognised, by content type or by its first bytes") {
  for (const char *type : {"text/html; charset=utf-8", ""}) {
    Collected c;
    auto p = make(c);
    p.set_content_type(type);
    CHECK_FALSE(p.feed("<!DOCTYPE html><html><body>Verify you are human</body></html>"));
    REQUIRE(p.error());
    CHECK(p.error_status() == QWEN_ERR_BAD_RESPONSE);
    CHECK(p.error()->find("web page (HTML)") != std::string::npos);
  }
}

TEST_CASE("an event that is not JSON is a bad response") {
  Collected c;
  auto p = make(c);
  p.set_content_type("text/event-stream");
  p.feed("data: {not json\n\n");
  REQUIRE(p.error());
  CHECK(p.error()->find("not valid JSON") != std::string::npos);
}

TEST_CASE("an error object inside the stream is reported with the server's message") {
  Collected c;
  auto p = make(c);
  p.set_content_type("text/event-stream");
  p.feed("data: {\"error\":{\"message\":\"model overloaded\"}}\n\n");
  REQUIRE(p.error());
  CHECK(p.error()->find("model overloaded") != std::string::npos);
}

TEST_CASE("a plain JSON chat.completion (a server that ignores stream) is accepted") {
  Collected c;
  auto p = make(c);
  p.set_content_type("application/json");
  p.feed(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Whole answer"},"finish_reason":"stop"}],)");
  p.feed(R"("usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})");
  p.finish();
  CHECK_FALSE(p.error());
  CHECK(c.text == "Whole answer");
  CHECK(c.total_tokens == 3);
}

TEST_CASE("JSON without choices, truncated JSON, and an empty body are errors") {
  for (const char *body : {R"({"id":"x"})", R"({"choices":[{"message":)", ""}) {
    Collected c;
    auto p = make(c);
    p.set_content_type("application/json");
    p.feed(body);
    p.finish();
    CHECK(p.error());
  }
}

TEST_CASE("unexpected content with no content type is refused, not guessed") {
  Collected c;
  auto p = make(c);
  p.feed("HTTP gateway says no");
  CHECK(p.error());
}

// Found by fuzz/chat_stream_fuzzer: with no content type, a first chunk "d" (or "data", "ev"...) was judged
// alone and refused as neither an event stream nor JSON, while the same body in one piece was a stream.
TEST_CASE("without a content type, a stream whose first chunk is a piece of \"data:\" is still a stream") {
  for (size_t split = 1; split <= 6; ++split) {
    Collected c;
    auto p = make(c);
    REQUIRE(p.feed(std::string_view(kStream).substr(kStream.find("data:"), split)));
    REQUIRE(p.feed(std::string_view(kStream).substr(kStream.find("data:") + split)));
    p.finish();
    CHECK_FALSE(p.error());
    CHECK(c.text == "Hello");
  }
  Collected c;
  auto p = make(c);
  REQUIRE(p.feed("  eve"));  // the body ends while the mode is still undecided: judged at finish()
  p.finish();
  REQUIRE(p.error());
  CHECK(p.error()->find("neither an event stream nor JSON") != std::string::npos);  // not "empty"
}

// With no content type, only "data:", ":" and "event:" used to open a stream: a body that starts with a BOM,
// or with its `id:` or `retry:` field, was refused as "neither an event stream nor JSON".
TEST_CASE("without a content type, a stream opening with a BOM, id: or retry: is a stream, for any split") {
  const std::string data = kStream.substr(kStream.find("data:"));
  for (const std::string &body : {"\xEF\xBB\xBF" + data, "id: 1\n" + data, "retry: 3000\n\n" + data,
                                  "\xEF\xBB\xBF: hello\n\n" + data, "\xEF\xBB\xBFretry: 10\n" + data}) {
    for (size_t split = 1; split <= 12; ++split) {
      Collected c;
      auto p = make(c);
      p.feed(std::string_view(body).substr(0, split));
      p.feed(std::string_view(body).substr(split));
      p.finish();
      INFO("split " << split << ": " << body.substr(0, 20));
      CHECK_FALSE(p.error());
      CHECK(c.text == "Hello");
    }
  }
  Collected c;  // a BOM before a plain JSON answer
  auto p = make(c);
  p.feed("\xEF\xBB");
  p.feed("\xBF{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
  p.finish();
  CHECK_FALSE(p.error());
  CHECK(c.text == "hi");
  Collected junk;  // a BOM does not make junk a stream
  auto q = make(junk);
  q.feed("\xEF\xBB\xBFidentity crisis");
  q.finish();
  REQUIRE(q.error());
  CHECK(q.error()->find("neither an event stream nor JSON") != std::string::npos);
}

TEST_CASE("a handler asking to stop cancels the parse") {
  Collected c;
  auto p = make(c, true);
  p.set_content_type("text/event-stream");
  CHECK_FALSE(p.feed(kStream));
  CHECK(p.cancelled());
}

TEST_CASE("wrongly typed fields are ignored, not crashed on") {
  Collected c;
  auto p = make(c);
  p.set_content_type("text/event-stream");
  p.feed("data: {\"choices\":\"nope\"}\n\n");
  p.feed("data: {\"choices\":[5]}\n\n");
  p.feed("data: {\"choices\":[{\"delta\":{\"content\":42}}]}\n\n");
  p.feed("data: {\"choices\":[{\"delta\":\"x\",\"finish_reason\":null}]}\n\n");
  p.feed("data: {\"usage\":\"lots\"}\n\n");
  p.feed("data: [DONE]\n\n");
  p.finish();
  CHECK_FALSE(p.error());
  CHECK(c.text.empty());
}

TEST_CASE("server_error_message reads the common error shapes") {
  using qwen::chat::server_error_message;
  CHECK(server_error_message(R"({"error":{"message":"Invalid API key"}})") == "Invalid API key");
  CHECK(server_error_message(R"({"error":"invalid_grant"})") == "invalid_grant");
  CHECK(server_error_message(R"({"message":"nope"})") == "nope");
  CHECK(server_error_message("<html>Bad gateway</html>") == "(an HTML page)");
  CHECK(server_error_message("") == "(no details)");
  CHECK(server_error_message("plain\ntext") == "plain text");
}

// One line means one line: a server's message with line breaks used to break the "qwen: error:" line.
TEST_CASE("a server's error message is folded onto one line") {
  using qwen::chat::server_error_message;
  CHECK(server_error_message(R"({"error":{"message":"Quota exceeded.\n\nSee https://x/docs\r\n  for help"}})") ==
        "Quota exceeded. See https://x/docs for help");
  CHECK(server_error_message(R"({"error":"one\rtwo\u000bthree\fend\n"})") == "one two three end");
  CHECK(server_error_message("{\"message\":\"a\u2028b\u2029c\u0085d\"}") == "a b c d");
  CHECK(server_error_message("first line\r\nsecond line\n") == "first line second line");
  // Other characters are left as they are (tabs, escapes: the front-end shows those harmlessly).
  CHECK(server_error_message(R"({"error":"a\tb\u001b[2J"})") == "a\tb\x1b[2J");
  for (const std::string &body : {std::string(R"({"error":{"message":"x\n\n\n\ny"}})"), std::string("a\n\nb\r\rc")}) {
    const std::string m = server_error_message(body);
    CHECK(m.find_first_of("\r\n") == std::string::npos);
  }
}

// Found by fuzz/chat_chunk_fuzzer: {"error":{"message":""}} gave an empty message, so the user read
// "the server reported an error: " and nothing after it.
TEST_CASE("an empty or blank message in an error body is not taken as the server's words") {
  using qwen::chat::server_error_message;
  CHECK(server_error_message(R"({"error":{"message":""}})") == R"({"error":{"message":""}})");
  CHECK(server_error_message(R"({"error":"  ","message":"the real words"})") == "the real words");
  CHECK(server_error_message(R"({"error":{"message":" \n"},"message":""})") != "");
}
