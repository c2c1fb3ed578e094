// Fuzzes the SSE decoder (core/net/sse_decoder.*).
//
// Input: a header (split count, split points, a size limit byte), then the byte stream.
// Checks, besides no crash and no exception:
//  - the events, and whether finish() reports a partial event, are the same for the whole stream in one
//    feed, for the chunks the header chose (empty chunks included), and for one byte at a time;
//  - they match a straightforward reference implementation of the WHATWG rules on the whole text;
//  - events are well-formed (a type, no line end in type or id, no NUL in id, no CR in data);
//  - with a small size limit (from the header), a decoder gives a prefix of the unlimited events, stops
//    for good once it failed, and fails whenever some event's data is larger than the limit.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "net/sse_decoder.hpp"

using qwen::net::SseDecoder;
using qwen::net::SseEvent;

namespace {

struct Outcome {
  std::vector<SseEvent> events;
  bool partial = false;
  bool failed = false;
};

bool same_event(const SseEvent &a, const SseEvent &b) {
  return a.event == b.event && a.data == b.data && a.id == b.id;
}

bool same_events(const std::vector<SseEvent> &a, const std::vector<SseEvent> &b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_event(a[i], b[i])) return false;
  return true;
}

Outcome decode(const std::vector<std::string_view> &chunks, size_t limit) {
  Outcome o;
  SseDecoder d(limit);
  try {
    for (auto c : chunks) {
      size_t before = o.events.size();
      bool ok = d.feed(c, [&](const SseEvent &e) { o.events.push_back(e); });
      FUZZ_CHECK(ok == !d.failed());
      if (o.failed) FUZZ_CHECK(o.events.size() == before);  // nothing after a failure
      if (!ok) o.failed = true;
    }
    o.partial = d.finish();
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("the SSE decoder threw: ") + e.what());
  }
  return o;
}

// The WHATWG event-stream rules, applied to the whole text at once.
Outcome reference(std::string_view text) {
  Outcome o;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string data, type, id;
  bool has_data = false, pending = false;
  size_t pos = 0;
  while (true) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) break;
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    if (line.empty()) {
      if (has_data) o.events.push_back({type.empty() ? "message" : type, data, id});
      data.clear();
      type.clear();
      has_data = pending = false;
      continue;
    }
    if (line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    pending = true;
    if (field == "data") {
      if (has_data) data += '\n';
      data += value;
      has_data = true;
    } else if (field == "event") {
      type = value;
    } else if (field == "id" && value.find('\0') == std::string_view::npos) {
      id = value;
    }
  }
  o.partial = pos < text.size() || pending;
  return o;
}

void check_same(const Outcome &a, const Outcome &b, const char *what) {
  if (!same_events(a.events, b.events)) FUZZ_FAIL(std::string("events differ: ") + what);
  if (a.partial != b.partial) FUZZ_FAIL(std::string("finish() differs: ") + what);
  if (a.failed != b.failed) FUZZ_FAIL(std::string("failure differs: ") + what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const size_t small_limit = 1 + in.byte();
  std::string_view text;
  std::vector<std::string_view> chunks = qwen_fuzz::split_by_header(in, &text);

  const size_t unlimited = size_t(1) << 30;
  Outcome whole = decode({text}, unlimited);
  FUZZ_CHECK(!whole.failed);
  for (const auto &e : whole.events) {
    FUZZ_CHECK(!e.event.empty());
    FUZZ_CHECK(e.event.find_first_of("\r\n") == std::string::npos);
    FUZZ_CHECK(e.id.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    FUZZ_CHECK(e.data.find('\r') == std::string::npos);
  }
  check_same(whole, reference(text), "one feed vs the reference rules");
  check_same(whole, decode(chunks, unlimited), "one feed vs the chosen chunks");
  check_same(whole, decode(qwen_fuzz::single_bytes(text), unlimited), "one feed vs one byte at a time");

  bool too_large = false;
  for (const auto &e : whole.events) too_large = too_large || e.data.size() > small_limit;
  for (const auto &split : {std::vector<std::string_view>{text}, chunks}) {
    Outcome limited = decode(split, small_limit);
    FUZZ_CHECK(limited.events.size() <= whole.events.size());
    for (size_t i = 0; i < limited.events.size(); ++i) FUZZ_CHECK(same_event(limited.events[i], whole.events[i]));
    if (!limited.failed) FUZZ_CHECK(limited.events.size() == whole.events.size());
    if (too_large) FUZZ_CHECK(limited.failed);
  }
  return 0;
}
