// answer_renderer.hpp — writes a chat turn's events to stdout in the chosen
// --output-format: `text` (the answer as it streams, flushed per delta),
// `json` (one object at the end: response, model, usage, error), or
// `stream-json` (each event's JSON line as it happens). Diagnostics go to
// stderr, never stdout.
#pragma once

#include <qwen/plugin.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pipe_frontend {

class AnswerRenderer {
 public:
  explicit AnswerRenderer(std::string format) : format_(std::move(format)) {}

  // false when stdout is gone (the turn should stop).
  bool on_event(const qwen_event &event);
  // After the turn; prints the json object, the final newline, the error line.
  void finish(qwen_status status, const std::string &error_message);
  // Whether writing to stdout failed (the reader closed the pipe, a full disk): the turn then ends with
  // exit status 1 and write_error() on stderr, not as "cancelled".
  bool write_failed() const { return write_errno_ != 0; }
  std::string write_error() const;

 private:
  bool write_out(std::string_view bytes);
  void finish_output(qwen_status status, const std::string &error_message);

  std::string format_;
  std::string response_;  // json format only
  bool wrote_text_ = false;
  nlohmann::json model_;
  nlohmann::json usage_;
  bool ends_with_newline_ = true;
  bool error_printed_ = false;
  int write_errno_ = 0;  // the first failed write to stdout
};

}  // namespace pipe_frontend
