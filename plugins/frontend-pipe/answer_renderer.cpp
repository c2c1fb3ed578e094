#include "answer_renderer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <qwen/plugin.hpp>
#include <qwen/sdk/terminal_text.hpp>
#include <qwen/sdk/wait_words.hpp>

namespace pipe_frontend {
namespace {

// Whether fd 1 / fd 2 is a terminal, asked once.
bool is_terminal(int fd) {
  static const bool out = isatty(STDOUT_FILENO) == 1, err = isatty(STDERR_FILENO) == 1;
  return fd == STDOUT_FILENO ? out : err;
}

bool write_all(int fd, std::string_view raw) {
  // On a terminal, a server's control characters are shown, not run; into a pipe or a file the bytes are
  // exactly the answer.
  const std::string safe = is_terminal(fd) ? qwen::sdk::terminal_safe(raw) : std::string();
  const std::string_view bytes = is_terminal(fd) ? std::string_view(safe) : raw;
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

bool AnswerRenderer::write_out(std::string_view bytes) {
  if (write_errno_ != 0) return false;
  errno = 0;
  if (write_all(STDOUT_FILENO, bytes)) return true;
  write_errno_ = errno != 0 ? errno : EIO;  // the reader left (EPIPE), or the disk is full: the turn stops
  return false;
}

bool AnswerRenderer::on_event(const qwen_event &event) {
  if (write_errno_ != 0) return false;  // stdout is gone: the "cancelled" that follows is ours, not news
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
    std::string_view piece = qwen::sdk::event_text(event);  // all of it, a NUL byte included
    if (format_ == "json") {
      response_ += piece;
      return true;
    }
    if (piece.empty()) return true;
    wrote_text_ = true;
    ends_with_newline_ = piece.back() == '\n';
    return write_out(piece);  // unbuffered: the user sees each delta as it arrives
  }
  if (event.type == QWEN_EVENT_RETRY && event.text) {
    long wait = j.is_object() ? j.value("wait_ms", 0L) : 0L;
    write_all(STDERR_FILENO,
              "qwen: " + std::string(event.text) + "; " + qwen::sdk::retrying_in(wait) + "\n");
  }
  if (event.type == QWEN_EVENT_ERROR && event.text && format_ == "text") {
    if (!ends_with_newline_) write_out("\n");
    ends_with_newline_ = true;
    write_all(STDERR_FILENO, "qwen: error: " + std::string(event.text) + "\n");
    error_printed_ = true;
  }
  return true;
}

std::string AnswerRenderer::write_error() const {
  if (write_errno_ == 0) return {};
  if (write_errno_ == EPIPE) return "cannot write the answer: standard output was closed before it ended";
  return std::string("cannot write the answer to standard output: ") + std::strerror(write_errno_);
}

void AnswerRenderer::finish(qwen_status status, const std::string &error_message) {
  finish_output(status, error_message);
  // Standard output is gone: the turn was stopped for that, not cancelled by the user. Nothing more can go
  // to stdout; one line on stderr says why (curl's "failure writing output"; exit status 1).
  if (write_errno_ != 0) write_all(STDERR_FILENO, "qwen: error: " + write_error() + "\n");
}

void AnswerRenderer::finish_output(qwen_status status, const std::string &error_message) {
  if (write_errno_ != 0) return;
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
