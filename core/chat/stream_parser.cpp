#include "chat/stream_parser.hpp"

#include "chat/chunk_reader.hpp"
#include "util/strings.hpp"

namespace qwen::chat {
namespace {

constexpr size_t kMaxJsonBody = 32u << 20;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// `bytes` without a leading UTF-8 byte order mark (the event stream standard allows one).
std::string_view without_bom(std::string_view bytes) {
  return util::starts_with(bytes, kBom) ? bytes.substr(kBom.size()) : bytes;
}

bool looks_like_html(std::string_view bytes) {
  auto t = util::to_lower(util::trim(without_bom(bytes).substr(0, 256)));
  return util::starts_with(t, "<!doctype html") || util::starts_with(t, "<html") || util::starts_with(t, "<");
}

// The fields an event stream may start with (a comment, ":", too): not only "data:" — a stream may open
// with its `id:` or the reconnection time (`retry:`).
constexpr std::string_view kSseFields[] = {"data:", "event:", "id:", "retry:"};

// True while the first bytes are only the start of a BOM or of an SSE field name: a first chunk can be that
// short, and the choice between an event stream and an error must not depend on where the chunks split.
bool could_become_sse_field(std::string_view first) {
  if (first.size() < kBom.size() && kBom.substr(0, first.size()) == first) return true;
  auto t = util::trim(without_bom(first));
  for (std::string_view field : kSseFields)
    if (t.size() < field.size() && field.substr(0, t.size()) == t) return true;
  return false;
}

bool starts_like_sse(std::string_view first) {
  auto t = util::trim(without_bom(first));
  if (util::starts_with(t, ":")) return true;
  for (std::string_view field : kSseFields)
    if (util::starts_with(t, field)) return true;
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
    auto t = util::trim(without_bom(first));
    if (starts_like_sse(first))
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
  // The SSE decoder drops a BOM itself; a JSON body is read without it.
  if (mode_ == Mode::Json && util::starts_with(first, kBom)) first.erase(0, kBom.size());
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

// The server's words on one line: each line break (CR, LF, VT, FF, NEL, U+2028, U+2029) with the blanks
// around it becomes one space, so an error stays the one line the README promises. Other control
// characters are left for the front-end, which shows them harmlessly on a terminal.
std::string one_line(std::string_view text) {
  auto break_at = [&](size_t i) -> size_t {  // the length of a line break at i, or 0
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) return 2;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9))
      return 3;
    return 0;
  };
  std::string out;
  out.reserve(text.size());
  bool folding = false;
  for (size_t i = 0; i < text.size();) {
    if (size_t n = break_at(i)) {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      folding = true;
      i += n;
    } else if (folding && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    } else {
      if (folding && !out.empty()) out += ' ';
      folding = false;
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

std::string server_error_message(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (auto e = j.find("error"); e != j.end()) {
      if (const auto *w = words(j, "error")) return one_line(w->get_ref<const std::string &>());
      if (e->is_object()) {
        if (const auto *w = words(*e, "message")) return one_line(w->get_ref<const std::string &>());
      }
    }
    if (const auto *w = words(j, "message")) return one_line(w->get_ref<const std::string &>());
  }
  const std::string excerpt = one_line(util::trim(body.substr(0, 200)));
  if (looks_like_html(body)) return "(an HTML page)";
  return excerpt.empty() ? "(no details)" : excerpt;
}

}  // namespace qwen::chat
