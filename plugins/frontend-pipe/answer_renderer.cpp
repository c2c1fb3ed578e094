#include "answer_renderer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace pipe_frontend {
namespace {

bool write_all(int fd, std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool AnswerRenderer::write_out(const std::string &bytes) {
  return write_all(STDOUT_FILENO, bytes);
}

bool AnswerRenderer::on_event(const qwen_event &event) {
  // Deltas are most of a stream: only the rare events are worth parsing.
  const bool wants_json = event.type != QWEN_EVENT_DELTA && event.json;
  nlohmann::json j = wants_json ? nlohmann::json::parse(event.json, nullptr, false) : nlohmann::json();
  if (event.type == QWEN_EVENT_TURN_START && j.is_object()) model_ = j.value("model", "");
  if (event.type == QWEN_EVENT_USAGE && j.is_object()) {
    usage_ = j;
    usage_.erase("type");
  }
  if (format_ == "stream-json") return write_out(std::string(event.json ? event.json : "{}") + "\n");
  if (event.type == QWEN_EVENT_DELTA && event.text) {
    std::string_view piece = event.text;
    if (format_ == "json") {
      response_ += piece;
      return true;
    }
    if (piece.empty()) return true;
    wrote_text_ = true;
    ends_with_newline_ = piece.back() == '\n';
    return write_all(STDOUT_FILENO, piece);  // unbuffered: the user sees each delta as it arrives
  }
  if (event.type == QWEN_EVENT_RETRY && event.text) {
    long wait = j.is_object() ? j.value("wait_ms", 0L) : 0L;
    write_all(STDERR_FILENO,
              "qwen: " + std::string(event.text) + "; retrying in " + std::to_string((wait + 500) / 1000) + " s\n");
  }
  if (event.type == QWEN_EVENT_ERROR && event.text && format_ == "text") {
    if (!ends_with_newline_) write_out("\n");
    ends_with_newline_ = true;
    write_all(STDERR_FILENO, "qwen: error: " + std::string(event.text) + "\n");
    error_printed_ = true;
  }
  return true;
}

void AnswerRenderer::finish(qwen_status status, const std::string &error_message) {
  if (format_ == "json") {
    nlohmann::json out{{"response", response_}, {"model", model_.is_null() ? nlohmann::json("") : model_}};
    out["usage"] = usage_.is_null() ? nlohmann::json::object() : usage_;
    if (status != QWEN_OK) {
      out["error"] = {{"code", qwen_exit_status_for(status)}, {"message", error_message}};
      write_all(STDERR_FILENO, "qwen: error: " + error_message + "\n");
    }
    write_out(out.dump() + "\n");
    return;
  }
  if (format_ == "text") {
    if (wrote_text_ && !ends_with_newline_) write_out("\n");
    if (status != QWEN_OK && !error_printed_ && !error_message.empty())
      write_all(STDERR_FILENO, "qwen: error: " + error_message + "\n");
  }
}

}  // namespace pipe_frontend
