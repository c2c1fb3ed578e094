// stream_parser.hpp — turns the body of a 200 answer from
// /chat/completions into answer text, usage and a finish reason. Handles the
// streamed form (server-sent events) and the plain JSON form (servers that
// ignore "stream"), and recognises answers that are neither (an HTML page
// from a firewall or a wrong URL) as errors that say so.
#pragma once

#include <qwen/plugin.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chat/chunk_reader.hpp"
#include "net/sse_decoder.hpp"

namespace qwen::chat {

class StreamParser {
 public:
  struct Handlers {
    std::function<bool(std::string_view)> on_delta;  // false: cancel
    std::function<void(const nlohmann::json &)> on_usage;
  };

  explicit StreamParser(Handlers handlers) : handlers_(std::move(handlers)) {}

  void set_content_type(std::string_view content_type) { content_type_ = content_type; }

  // Feeds body bytes; false once an error occurred or a handler cancelled.
  bool feed(std::string_view bytes);
  // The body ended. Afterwards error() tells whether the answer was complete.
  void finish();

  bool cancelled() const { return cancelled_; }
  const std::optional<std::string> &error() const { return error_; }
  qwen_status error_status() const { return error_status_; }
  const std::string &finish_reason() const { return finish_reason_; }
  const std::string &text() const { return text_; }
  std::string take_text() { return std::move(text_); }

 private:
  enum class Mode { Unknown, Sse, Json, Other };
  void decide_mode(std::string_view first_bytes);
  bool feed_after_mode(std::string_view bytes);
  // Decides the mode from the bytes buffered so far and feeds them on.
  bool decide_mode_and_replay();
  void handle_sse_data(const std::string &data);
  void deliver(ChunkFields &chunk);
  void fail(qwen_status status, std::string message);

  Handlers handlers_;
  std::string content_type_;
  Mode mode_ = Mode::Unknown;
  net::SseDecoder sse_;
  std::string buffered_;  // JSON mode, or bytes before the mode is known
  std::string text_;
  std::string finish_reason_;
  bool done_ = false;
  bool cancelled_ = false;
  std::optional<std::string> error_;
  qwen_status error_status_ = QWEN_OK;
};

// The server's own error message from an error body ({"error":{"message":...}}
// or {"error":"..."} or {"message":...}), or a short excerpt of the text.
std::string server_error_message(std::string_view body);

}  // namespace qwen::chat
