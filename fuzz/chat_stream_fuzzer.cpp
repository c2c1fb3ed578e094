// Fuzzes the chat answer parser (core/chat/stream_parser.*): the body of a 200 answer from
// /chat/completions, streamed (SSE) or whole (JSON), whatever the Content-Type says.
//
// Input: a Content-Type selector byte, a "cancel at delta k" byte, the split header (count, points),
// then the body.
// Checks, besides no crash and no exception:
//  - split invariance: the deltas, usage reports, text, finish reason, error (message and status) and
//    cancellation are the same for the body in one piece, in the chosen chunks and one byte at a time;
//  - text() is the concatenation of the deltas; deltas are never empty; an error has a message and a
//    failure status; nothing is delivered after a cancellation.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/stream_parser.hpp"
#include "fuzz_support.hpp"

using qwen::chat::StreamParser;

namespace {

const char *const kContentTypes[] = {
    "text/event-stream", "text/event-stream; charset=utf-8", "application/json",         "",
    "text/plain",        "text/html; charset=UTF-8",         "application/octet-stream", "TEXT/EVENT-STREAM"};

struct Outcome {
  std::vector<std::string> deltas;
  std::vector<std::string> usages;
  std::string text;
  std::string finish_reason;
  std::optional<std::string> error;
  qwen_status status = QWEN_OK;
  bool cancelled = false;

  bool operator==(const Outcome &o) const {
    return deltas == o.deltas && usages == o.usages && text == o.text && finish_reason == o.finish_reason &&
           error == o.error && status == o.status && cancelled == o.cancelled;
  }
};

std::string show(const Outcome &o) {
  std::string s = "deltas=[";
  for (const auto &d : o.deltas) s += "'" + d + "'";
  s += "] usages=" + std::to_string(o.usages.size()) + " finish='" + o.finish_reason +
       "' error=" + (o.error ? "'" + *o.error + "'" : "none") + " status=" + std::to_string(o.status) +
       " cancelled=" + (o.cancelled ? "1" : "0");
  return s;
}

Outcome run(const char *content_type, size_t cancel_at, const std::vector<std::string_view> &chunks) {
  Outcome o;
  bool stopped = false;
  StreamParser p({[&](std::string_view delta) {
                    FUZZ_CHECK(!stopped);
                    o.deltas.emplace_back(delta);
                    if (cancel_at != 0 && o.deltas.size() >= cancel_at) stopped = true;
                    return !stopped;
                  },
                  [&](const nlohmann::json &usage) {
                    FUZZ_CHECK(!stopped);
                    FUZZ_CHECK(usage.is_object());
                    o.usages.push_back(usage.dump());
                  }});
  try {
    p.set_content_type(content_type);
    for (auto c : chunks) {
      if (!p.feed(c)) {
        FUZZ_CHECK(p.error() || p.cancelled());
        break;
      }
    }
    p.finish();
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("the stream parser threw: ") + e.what());
  }
  o.text = p.text();
  o.finish_reason = p.finish_reason();
  o.error = p.error();
  o.status = p.error_status();
  o.cancelled = p.cancelled();
  FUZZ_CHECK(o.cancelled == stopped);

  std::string joined;
  for (const auto &d : o.deltas) {
    FUZZ_CHECK(!d.empty());
    joined += d;
  }
  FUZZ_CHECK(joined == o.text);
  if (o.error) {
    FUZZ_CHECK(!o.error->empty());
    FUZZ_CHECK(o.status != QWEN_OK);
  } else {
    FUZZ_CHECK(o.status == QWEN_OK);
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const char *content_type = kContentTypes[in.byte() % (sizeof kContentTypes / sizeof *kContentTypes)];
  const size_t cancel_at = in.byte() % 8;  // 0: never cancel
  std::string_view body;
  std::vector<std::string_view> chunks = qwen_fuzz::split_by_header(in, &body);

  Outcome whole = run(content_type, cancel_at, {body});
  Outcome split = run(content_type, cancel_at, chunks);
  if (!(split == whole)) FUZZ_FAIL("chunks change the result:\n  whole: " + show(whole) + "\n  split: " + show(split));
  Outcome bytes = run(content_type, cancel_at, qwen_fuzz::single_bytes(body));
  if (!(bytes == whole))
    FUZZ_FAIL("single bytes change the result:\n  whole: " + show(whole) + "\n  bytes: " + show(bytes));
  return 0;
}
