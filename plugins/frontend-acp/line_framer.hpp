// Splits a byte stream into lines (ACP's framing: one JSON-RPC message per
// line, '\n'-terminated, an optional '\r' before it dropped), with a cap on a
// line's length so a client that never sends '\n' cannot make qwen hold an
// unbounded buffer. An over-long line is skipped up to its end and reported
// once, so the next line is read as usual.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace acp {

// The same cap as the TypeScript SDK's DEFAULT_MAX_MESSAGE_BYTES.
constexpr std::size_t kMaxLineBytes = 32u << 20;

class LineFramer {
 public:
  // `on_line(text, too_long)`: a complete line (without its end), or, with
  // too_long, notice that a line over the cap was dropped (text then empty).
  using LineHandler = std::function<void(std::string &&text, bool too_long)>;

  explicit LineFramer(LineHandler on_line, std::size_t max_line = kMaxLineBytes)
      : on_line_(std::move(on_line)), max_line_(max_line) {}

  void feed(const char *data, std::size_t size);
  // End of input: a last line without '\n' still counts.
  void finish();

 private:
  void emit();

  LineHandler on_line_;
  std::size_t max_line_;
  std::string buffer_;
  bool skipping_ = false;  // inside a line already reported as too long
};

}  // namespace acp
