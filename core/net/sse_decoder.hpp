// sse_decoder.hpp — a server-sent events decoder (WHATWG "event stream" rules)
// that gives the same events for any split of the byte stream.
//
// Lines end in LF, CRLF or CR (a CR at the end of one chunk followed by LF at
// the start of the next is one line end). `:` lines are comments. `data:`
// lines of one event are joined with "\n". A blank line dispatches the event
// when it has data. One leading space after the colon is removed. A leading
// UTF-8 BOM is dropped. At end of stream an event without its blank line is
// not dispatched (finish() reports whether such a partial event was pending).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace qwen::net {

struct SseEvent {
  std::string event;  // "message" when the stream gave no `event:` field
  std::string data;
  std::string id;
};

class SseDecoder {
 public:
  using Handler = std::function<void(const SseEvent &)>;

  // An event (or a single line) larger than this is a protocol error.
  explicit SseDecoder(size_t max_event_bytes = 16u << 20) : max_event_bytes_(max_event_bytes) {}

  // Feeds bytes; calls `on_event` for each complete event. Returns false (and
  // stops decoding for good) when an event grew past max_event_bytes.
  bool feed(std::string_view bytes, const Handler &on_event);

  // The stream ended: true when a partial event (or a partial line) was left.
  bool finish();

  bool failed() const { return failed_; }

 private:
  void process_line(std::string_view line, const Handler &on_event);

  size_t max_event_bytes_;
  std::string line_;  // the current, incomplete line
  std::string data_;  // data lines of the current event, joined
  std::string event_;
  std::string id_;
  SseEvent dispatched_;  // reused for every event
  bool has_data_ = false;
  bool pending_fields_ = false;
  bool last_was_cr_ = false;
  bool bom_checked_ = false;
  bool failed_ = false;
};

}  // namespace qwen::net
