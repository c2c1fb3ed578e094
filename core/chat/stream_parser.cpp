#include "chat/stream_parser.hpp"

#include "chat/chunk_reader.hpp"
#include "util/strings.hpp"

namespace qwen::chat {
namespace {

constexpr size_t kMaxJsonBody = 32u << 20;

bool looks_like_html(std::string_view bytes) {
  auto t = util::to_lower(util::trim(bytes.substr(0, 256)));
  return util::starts_with(t, "<!doctype html") || util::starts_with(t, "<html") || util::starts_with(t, "<");
}

// True while the first bytes are only the start of "data:" or "event:": a first chunk can be that short,
// and the choice between an event stream and an error must not depend on where the chunks split.
bool could_become_sse_field(std::string_view first) {
  auto t = util::trim(first);
  for (std::string_view field : {std::string_view("data:"), std::string_view("event:")})
    if (t.size() < field.size() && field.substr(0, t.size()) == t) return true;
  return false;
}

}  // namespace

void StreamParser::fail(qwen_status status, std::string message) {
  if (error_) return;
  error_ = std::move(message);
  error_status_ = status;
}

void StreamParser::decide_mode(std::string_view first) {
  auto type = util::to_lower(content_type_);
  if (type.find("text/event-stream") != std::string::npos) {
    mode_ = Mode::Sse;
  } else if (type.find("json") != std::string::npos) {
    mode_ = Mode::Json;
  } else if (type.find("html") != std::string::npos || looks_like_html(first)) {
    mode_ = Mode::Other;
    fail(QWEN_ERR_BAD_RESPONSE,
         "the server answered with a web page (HTML), not an API response; check the base URL, or whether a "
         "firewall or proxy intercepted the request");
  } else {
    auto t = util::trim(first);
    if (util::starts_with(t, "data:") || util::starts_with(t, ":") || util::starts_with(t, "event:"))
      mode_ = Mode::Sse;
    else if (util::starts_with(t, "{"))
      mode_ = Mode::Json;
    else {
      mode_ = Mode::Other;
      fail(QWEN_ERR_BAD_RESPONSE,
           "the server's answer is neither an event stream nor JSON (content type '" + content_type_ + "')");
    }
  }
}

bool StreamParser::feed(std::string_view bytes) {
  if (error_ || cancelled_) return false;
  if (mode_ == Mode::Unknown) {
    buffered_.append(bytes);
    if (util::trim(buffered_).empty() || could_become_sse_field(buffered_)) return true;
    return decide_mode_and_replay();
  }
  return feed_after_mode(bytes);
}

bool StreamParser::decide_mode_and_replay() {
  decide_mode(buffered_);
  std::string first;
  first.swap(buffered_);
  return feed_after_mode(first);
}

bool StreamParser::feed_after_mode(std::string_view bytes) {
  switch (mode_) {
    case Mode::Sse:
      if (!sse_.feed(bytes, [this](const net::SseEvent &e) { handle_sse_data(e.data); }))
        fail(QWEN_ERR_BAD_RESPONSE, "the server sent an event larger than the limit");
      break;
    case Mode::Json:
      buffered_.append(bytes);
      if (buffered_.size() > kMaxJsonBody) fail(QWEN_ERR_BAD_RESPONSE, "the server's answer is too large");
      break;
    default:
      break;
  }
  return !error_ && !cancelled_;
}

void StreamParser::handle_sse_data(const std::string &data) {
  if (error_ || cancelled_ || done_) return;
  if (util::trim(data) == "[DONE]") {
    done_ = true;
    return;
  }
  ChunkFields chunk = read_chunk(data, "delta");
  if (!chunk.valid) {
    fail(QWEN_ERR_BAD_RESPONSE, "the server sent an event that is not valid JSON");
    return;
  }
  if (chunk.has_error) {
    fail(QWEN_ERR_NETWORK, "the server reported an error mid-answer: " + server_error_message(data));
    return;
  }
  deliver(chunk);
}

void StreamParser::deliver(ChunkFields &chunk) {
  if (chunk.usage && handlers_.on_usage) handlers_.on_usage(*chunk.usage);
  if (chunk.content && !chunk.content->empty()) {
    text_ += *chunk.content;
    if (handlers_.on_delta && !handlers_.on_delta(*chunk.content)) cancelled_ = true;
  }
  if (chunk.finish_reason) finish_reason_ = std::move(*chunk.finish_reason);
}

void StreamParser::finish() {
  if (error_ || cancelled_) return;
  // A few bytes still waiting for the mode: the body ended, so they decide it now.
  if (mode_ == Mode::Unknown && !util::trim(buffered_).empty() && !decide_mode_and_replay()) return;
  if (mode_ == Mode::Unknown) {
    fail(QWEN_ERR_BAD_RESPONSE, "the server's answer was empty");
    return;
  }
  if (mode_ == Mode::Json) {
    ChunkFields body = read_chunk(buffered_, "message");
    if (!body.valid) {
      fail(QWEN_ERR_BAD_RESPONSE, "the server's answer is not valid JSON");
      return;
    }
    if (body.has_error) {
      fail(QWEN_ERR_NETWORK, "the server reported an error: " + server_error_message(buffered_));
      return;
    }
    if (!body.has_choices) {
      fail(QWEN_ERR_BAD_RESPONSE, "the server's answer has no choices");
      return;
    }
    deliver(body);
    done_ = true;
    return;
  }
  if (mode_ == Mode::Sse) {
    sse_.finish();
    // A stream that ended without [DONE] is still whole when the model said it finished.
    if (!done_ && finish_reason_.empty())
      fail(QWEN_ERR_NETWORK, "the connection closed before the answer was complete");
  }
}

namespace {

// The member `key` of `object` when it is a string that says something (not empty or blank).
const nlohmann::json *words(const nlohmann::json &object, const char *key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || util::trim(it->get_ref<const std::string &>()).empty()) return nullptr;
  return &*it;
}

}  // namespace

std::string server_error_message(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (auto e = j.find("error"); e != j.end()) {
      if (const auto *w = words(j, "error")) return w->get<std::string>();
      if (e->is_object()) {
        if (const auto *w = words(*e, "message")) return w->get<std::string>();
      }
    }
    if (const auto *w = words(j, "message")) return w->get<std::string>();
  }
  std::string excerpt(util::trim(body.substr(0, 200)));
  for (char &c : excerpt)
    if (c == '\n' || c == '\r') c = ' ';
  if (looks_like_html(body)) return "(an HTML page)";
  return excerpt.empty() ? "(no details)" : excerpt;
}

}  // namespace qwen::chat
