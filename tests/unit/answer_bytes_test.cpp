// Bytes that are not clean text, in both directions: a prompt that is not
// UTF-8 is refused before anything is sent (and before the history takes it),
// an answer holding bad bytes is repaired (U+FFFD) instead of being refused
// whole, and a NUL byte ("\u0000") inside a delta travels with the rest of it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "chat/chat_session.hpp"
#include "chat/chunk_reader.hpp"
#include "chat/events.hpp"
#include "chat/stream_parser.hpp"
#include "util/utf8.hpp"

using namespace std::string_literals;
using qwen::chat::StreamParser;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string sse_delta(const std::string &raw_json_string) {
  return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + raw_json_string + "\"}}]}\n\n";
}

struct Answer {
  std::vector<std::string> deltas;
  std::optional<std::string> error;
  std::string text;
};

Answer parse(const std::string &content_type, const std::string &body) {
  Answer a;
  StreamParser p({[&a](std::string_view piece) {
                    a.deltas.emplace_back(piece);
                    return true;
                  },
                  {}});
  p.set_content_type(content_type);
  p.feed(body);
  p.finish();
  a.error = p.error();
  a.text = p.text();
  return a;
}

// Never asked: the turns below are refused before credentials are needed.
class NoCredentials : public qwen::chat::CredentialSource {
 public:
  qwen_status credentials(uint32_t, qwen::chat::Credentials &, std::string &error) override {
    ++asked;
    error = "no credentials in this test";
    return QWEN_ERR_AUTH_REQUIRED;
  }
  std::optional<std::string> on_api_response(int, const std::string &) override { return std::nullopt; }
  std::string id() const override { return "none"; }
  int asked = 0;
};

}  // namespace

TEST_CASE("utf8: the first bad byte is found, and each bad sequence becomes one U+FFFD", "[utf8]") {
  using qwen::util::first_invalid_utf8;
  using qwen::util::repair_utf8;
  CHECK_FALSE(first_invalid_utf8("plain ASCII, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80"));
  CHECK_FALSE(first_invalid_utf8("a\0b"s));  // NUL is a character
  CHECK(first_invalid_utf8("caf\xE9 latin-1") == 3u);
  CHECK(first_invalid_utf8("ok \xC0\x80") == 3u);           // an overlong NUL
  CHECK(first_invalid_utf8("ok \xED\xA0\x80") == 3u);       // a UTF-16 surrogate
  CHECK(first_invalid_utf8("ok \xF4\x90\x80\x80") == 3u);   // above U+10FFFF
  CHECK(first_invalid_utf8("cut \xE2\x82") == 4u);          // a sequence cut at the end
  CHECK(first_invalid_utf8("\x80 lone continuation") == 0u);

  CHECK(repair_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(repair_utf8("caf\xE9!") == "caf" + kReplacement + "!");
  CHECK(repair_utf8("a\xE2\x82z") == "a" + kReplacement + "z");  // one maximal subpart, one U+FFFD
  CHECK(repair_utf8("\xFF\xFE") == kReplacement + kReplacement);
  CHECK(repair_utf8("\xED\xA0\x80") == kReplacement + kReplacement + kReplacement);  // Unicode's table 3-8
  CHECK(repair_utf8("end \xF0\x9F\x98") == "end " + kReplacement);
  CHECK_FALSE(first_invalid_utf8(repair_utf8("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41")));
}

TEST_CASE("read_chunk: a delta with bytes that are not UTF-8 is read, the bad bytes as U+FFFD", "[utf8]") {
  auto chunk = qwen::chat::read_chunk(
      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\xE9 au lait\"},\"finish_reason\":\"st\xFFop\"}]}");
  REQUIRE(chunk.valid);
  CHECK(chunk.content == "caf" + kReplacement + " au lait");
  CHECK(chunk.finish_reason == "st" + kReplacement + "op");
  // Still refused: text that is not JSON whatever its bytes.
  CHECK_FALSE(qwen::chat::read_chunk("{\"choices\":[\xFF]}").valid);
  CHECK_FALSE(qwen::chat::read_chunk("not json \xFF").valid);
}

TEST_CASE("read_chunk: a \\u0000 in a delta is kept with everything after it", "[utf8]") {
  auto chunk = qwen::chat::read_chunk("{\"choices\":[{\"delta\":{\"content\":\"before\\u0000after\"}}]}");
  REQUIRE(chunk.content);
  CHECK(*chunk.content == "before\0after"s);
  CHECK(chunk.content->size() == 12);
}

TEST_CASE("stream parser: an answer with bytes that are not UTF-8 streams, repaired, in both forms", "[utf8]") {
  SECTION("an event stream") {
    Answer a = parse("text/event-stream", sse_delta("Gr\xFC\xDF") + sse_delta(" Gott") +
                                              "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                                              "data: [DONE]\n\n");
    INFO(a.error.value_or(""));
    CHECK_FALSE(a.error);
    CHECK(a.text == "Gr" + kReplacement + kReplacement + " Gott");
    CHECK(a.deltas.size() == 2);
  }
  SECTION("one JSON answer (a server that ignores stream)") {
    Answer a = parse("application/json",
                     "{\"choices\":[{\"message\":{\"content\":\"na\xEFve\"},\"finish_reason\":\"stop\"}]}");
    INFO(a.error.value_or(""));
    CHECK_FALSE(a.error);
    CHECK(a.text == "na" + kReplacement + "ve");
  }
}

TEST_CASE("stream parser: a \\u0000 in a delta reaches the handler with the rest of the delta", "[utf8]") {
  Answer a = parse("text/event-stream", sse_delta("one\\u0000two") +
                                            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
  CHECK_FALSE(a.error);
  REQUIRE(a.deltas.size() == 1);
  CHECK(a.deltas[0] == "one\0two"s);
  // The event carries it whole, and its JSON line escapes it.
  auto event = qwen::chat::make_delta(a.deltas[0]);
  CHECK(event.text.size() == 7);
  CHECK(event.json_line() == "{\"type\":\"delta\",\"text\":\"one\\u0000two\"}");
}

TEST_CASE("chat session: a message that is not UTF-8 is refused as bad input, with an error event, "
          "and the conversation is untouched",
          "[utf8]") {
  qwen::config::NetworkSettings network;
  qwen::chat::ChatSession session(network, [] { return false; }, [](long) { return true; });
  NoCredentials auth;
  std::vector<qwen::chat::ChatEvent> events;
  std::string error;
  qwen_status s = session.send("caf\xE9 ol\xE9", auth, [&](const qwen::chat::ChatEvent &e) {
    events.push_back(e);
    return true;
  }, error);
  CHECK(s == QWEN_ERR_CONFIG);
  CHECK(qwen_exit_status_for(s) == QWEN_EXIT_BAD_INPUT);
  CHECK(error == "the message is not UTF-8 text (byte 0xE9 at offset 3); the model API takes UTF-8 only: convert "
                 "it first, e.g. with iconv");
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == QWEN_EVENT_ERROR);
  CHECK(events[0].json_line().find("\"status\":\"bad_input\"") != std::string::npos);
  CHECK(events[0].json_line().find("\"exit_code\":3") != std::string::npos);
  CHECK(session.history().empty());
  CHECK(auth.asked == 0);  // refused before anything else happens

  // The next, good message is sent as usual (here: it reaches the sign-in method, which has nothing).
  s = session.send("caf\xC3\xA9 ol\xC3\xA9", auth, [](const qwen::chat::ChatEvent &) { return true; }, error);
  CHECK(s == QWEN_ERR_AUTH_REQUIRED);
  CHECK(auth.asked == 1);
}
