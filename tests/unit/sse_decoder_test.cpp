// The SSE decoder gives the same events for every split of the byte stream.
#include <catch2/catch.hpp>

#include <random>

#include "net/sse_decoder.hpp"

using qwen::net::SseDecoder;
using qwen::net::SseEvent;

namespace {

std::vector<SseEvent> decode(const std::vector<std::string> &chunks, bool *partial = nullptr) {
  SseDecoder d;
  std::vector<SseEvent> events;
  for (const auto &c : chunks) d.feed(c, [&](const SseEvent &e) { events.push_back(e); });
  bool p = d.finish();
  if (partial) *partial = p;
  return events;
}

std::string describe(const std::vector<SseEvent> &events) {
  std::string s;
  for (const auto &e : events) s += "[" + e.event + "|" + e.data + "|" + e.id + "]";
  return s;
}

const std::string kOpenAiStream =
    "\xEF\xBB\xBF: comment line\r\n\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"lo\\nworld\"}}]}\n\n"
    "event: custom\rid: 7\rdata: line one\rdata: line two\r\r"
    "data:no-space\n\n"
    "retry: 1000\ndata:  two spaces\n\n"
    "data: [DONE]\n\n";

const std::string kExpected =
    "[message|{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}|]"
    "[message|{\"choices\":[{\"delta\":{\"content\":\"lo\\nworld\"}}]}|]"
    "[custom|line one\nline two|7]"
    "[message|no-space|7]"
    "[message| two spaces|7]"
    "[message|[DONE]|7]";

}  // namespace

TEST_CASE("a realistic stream decodes to the expected events") {
  CHECK(describe(decode({kOpenAiStream})) == kExpected);
}

TEST_CASE("every single split point gives the same events") {
  for (size_t i = 0; i <= kOpenAiStream.size(); ++i) {
    INFO("split at " << i);
    CHECK(describe(decode({kOpenAiStream.substr(0, i), kOpenAiStream.substr(i)})) == kExpected);
  }
}

TEST_CASE("byte-by-byte and random multi-splits give the same events") {
  std::vector<std::string> bytes;
  for (char c : kOpenAiStream) bytes.emplace_back(1, c);
  CHECK(describe(decode(bytes)) == kExpected);
  std::mt19937 rng(12345);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> chunks;
    size_t pos = 0;
    while (pos < kOpenAiStream.size()) {
      size_t n = std::uniform_int_distribution<size_t>(0, 9)(rng);
      chunks.push_back(kOpenAiStream.substr(pos, n));
      pos += n;
    }
    CHECK(describe(decode(chunks)) == kExpected);
  }
}

TEST_CASE("an event without its blank line is not dispatched, and finish() says so") {
  bool partial = false;
  auto events = decode({"data: complete\n\ndata: never finished\n"}, &partial);
  CHECK(events.size() == 1);
  CHECK(partial);
  decode({"data: a\n\n"}, &partial);
  CHECK_FALSE(partial);
}

TEST_CASE("blank lines without data dispatch nothing, a field with no colon is a field with an empty value") {
  auto events = decode({"\n\n\nevent: x\n\ndata\n\n"});
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "message");  // the event name was reset by the empty dispatch
  CHECK(events[0].data.empty());
}

TEST_CASE("an oversized event fails the decoder for good instead of growing without bound") {
  SseDecoder d(1024);
  std::string big = "data: " + std::string(4096, 'x');
  int events = 0;
  CHECK_FALSE(d.feed(big, [&](const SseEvent &) { ++events; }));
  CHECK(d.failed());
  CHECK_FALSE(d.feed("\n\ndata: more\n\n", [&](const SseEvent &) { ++events; }));
  CHECK(events == 0);
}

TEST_CASE("an oversized line without newlines also fails") {
  SseDecoder d(1024);
  bool ok = true;
  for (int i = 0; i < 10 && ok; ++i) ok = d.feed(std::string(200, 'y'), [](const SseEvent &) {});
  CHECK_FALSE(ok);
}

// The limit was checked only on a buffered partial line and on data: one over-long comment (or `event:`
// line) arriving whole within one chunk passed unchecked.
TEST_CASE("one over-long non-data line within a single chunk fails too") {
  for (const std::string &line : {": " + std::string(4096, 'c'), "event: " + std::string(4096, 'e'),
                                  "id: " + std::string(4096, 'i'), std::string(4096, 'z')}) {
    SseDecoder d(1024);
    int events = 0;
    CHECK_FALSE(d.feed(line + "\n\ndata: after\n\n", [&](const SseEvent &) { ++events; }));
    CHECK(d.failed());
    CHECK(events == 0);
  }
  SseDecoder d(1024);  // a line of exactly the limit is still fine
  int events = 0;
  CHECK(d.feed(": " + std::string(1022, 'c') + "\n\ndata: ok\n\n", [&](const SseEvent &) { ++events; }));
  CHECK(events == 1);
}

TEST_CASE("binary junk and NUL bytes do not crash the decoder") {
  std::string junk;
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) junk += static_cast<char>(rng() & 0xff);
  SseDecoder d;
  size_t n = 0;
  d.feed(junk, [&](const SseEvent &e) { n += e.data.size(); });
  d.finish();
  SUCCEED("no crash; " << n << " bytes of data decoded");
  auto events = decode({std::string("data: a\0b\n\n", 11)});
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == std::string("a\0b", 3));
}
