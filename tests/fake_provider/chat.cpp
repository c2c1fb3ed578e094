#include "chat.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace fake {
namespace {

constexpr size_t kMaxSyntheticBytes = size_t(1) << 30;
constexpr size_t kSyntheticDeltaBytes = 1024;
constexpr size_t kDeltaCodePoints = 4;

Reply invalid_api_key() {
  return json_reply(
      http::status::unauthorized,
      {{"error", {{"message", "Invalid API key"}, {"type", "invalid_request_error"}, {"code", "invalid_api_key"}}}});
}

Reply bad_request(const std::string &message) {
  return json_reply(http::status::bad_request, {{"error", {{"message", message}, {"type", "invalid_request_error"}}}});
}

Reply html_challenge() {
  return text_reply(http::status::ok, "text/html; charset=utf-8", "<html><body>Challenge</body></html>");
}

// The text of a message's `content`: a string, or the text parts of an array of parts.
std::string content_text(const nlohmann::json &message) {
  if (!message.is_object() || !message.contains("content")) return {};
  const auto &content = message["content"];
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array())
    for (const auto &part : content)
      if (part.is_object() && part.contains("text") && part["text"].is_string())
        text += part["text"].get<std::string>();
  return text;
}

// The answer's text; `__bytes:N` answers are generated on demand so benchmarks can ask for gigabytes.
class AnswerText {
 public:
  static AnswerText literal(std::string text) {
    AnswerText a;
    a.text_ = std::move(text);
    return a;
  }
  static AnswerText synthetic(size_t bytes) {
    AnswerText a;
    a.synthetic_ = true;
    a.size_ = bytes;
    return a;
  }

  size_t size() const { return synthetic_ ? size_ : text_.size(); }
  std::string slice(size_t from, size_t to) const {
    if (!synthetic_) return text_.substr(from, to - from);
    static const std::string kPattern = "The quick brown fox jumps over the lazy dog. 0123456789\n";
    std::string out;
    out.reserve(to - from);
    for (size_t i = from; i < to; ++i) out += kPattern[i % kPattern.size()];
    return out;
  }
  // Where the delta starting at `from` ends: a few characters (never splitting a UTF-8 sequence, so
  // every delta is valid JSON text), or ~1 KiB for synthetic answers.
  size_t delta_end(size_t from) const {
    if (synthetic_) return std::min(size_, from + kSyntheticDeltaBytes);
    size_t end = from;
    for (size_t cp = 0; cp < kDeltaCodePoints && end < text_.size(); ++cp) {
      ++end;
      while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    }
    return end;
  }

 private:
  bool synthetic_ = false;
  size_t size_ = 0;
  std::string text_;
};

std::optional<size_t> bytes_request(const std::string &text) {
  static const std::string kPrefix = "__bytes:";
  if (text.rfind(kPrefix, 0) != 0 || text.size() == kPrefix.size() || text.size() > kPrefix.size() + 10)
    return std::nullopt;
  size_t n = 0;
  for (size_t i = kPrefix.size(); i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(text[i] - '0');
  }
  return std::min(n, kMaxSyntheticBytes);
}

long token_estimate(size_t chars) {
  return std::max<long>(1, static_cast<long>((chars + 3) / 4));
}

nlohmann::json usage_json(size_t prompt_chars, size_t answer_chars) {
  long p = token_estimate(prompt_chars), c = token_estimate(answer_chars);
  return {{"prompt_tokens", p}, {"completion_tokens", c}, {"total_tokens", p + c}};
}

std::string sse(const nlohmann::json &event) {
  return "data: " + event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

// Produces the SSE events of one streamed answer, one per call, so huge answers never sit in memory.
struct StreamState {
  enum class Phase { Role, Content, Usage, Done, End };
  AnswerText answer;
  std::string model;
  nlohmann::json usage;
  bool include_usage = false;
  size_t content_limit = 0;          // the content stops here (`cut`)
  std::optional<size_t> max_deltas;  // ...or after this many deltas (`stall`)
  bool truncated = false;            // a truncated stream has no finish, usage or [DONE]
  Phase phase = Phase::Role;
  size_t offset = 0;
  size_t deltas = 0;

  nlohmann::json chunk(nlohmann::json delta, nlohmann::json finish_reason = nullptr) const {
    nlohmann::json choice = {{"index", 0}, {"delta", std::move(delta)}};
    if (!finish_reason.is_null()) choice["finish_reason"] = finish_reason;
    return {{"id", "chatcmpl-fake"},
            {"object", "chat.completion.chunk"},
            {"model", model},
            {"choices", nlohmann::json::array({choice})}};
  }

  std::optional<std::string> next() {
    switch (phase) {
      case Phase::Role:
        phase = Phase::Content;
        return sse(chunk({{"role", "assistant"}}));
      case Phase::Content:
        if (offset < content_limit && (!max_deltas || deltas < *max_deltas)) {
          size_t end = answer.delta_end(offset);
          std::string text = answer.slice(offset, end);
          offset = end;
          ++deltas;
          return sse(chunk({{"content", text}}));
        }
        if (truncated) {
          phase = Phase::End;
          return std::nullopt;
        }
        phase = include_usage ? Phase::Usage : Phase::Done;
        return sse(chunk(nlohmann::json::object(), "stop"));
      case Phase::Usage: {
        phase = Phase::Done;
        nlohmann::json event = {{"id", "chatcmpl-fake"},
                                {"object", "chat.completion.chunk"},
                                {"model", model},
                                {"choices", nlohmann::json::array()},
                                {"usage", usage}};
        return sse(event);
      }
      case Phase::Done:
        phase = Phase::End;
        return std::string("data: [DONE]\n\n");
      case Phase::End:
        break;
    }
    return std::nullopt;
  }
};

Reply pieces_from(std::vector<std::string> pieces) {
  auto shared = std::make_shared<std::vector<std::string>>(std::move(pieces));
  auto index = std::make_shared<size_t>(0);
  Reply r;
  r.kind = Reply::Kind::Pieces;
  r.next_piece = [shared, index]() -> std::optional<std::string> {
    if (*index >= shared->size()) return std::nullopt;
    return (*shared)[(*index)++];
  };
  return r;
}

void event_stream_head(Reply &r) {
  r.head.result(http::status::ok);
  r.head.set(http::field::server, "qwen-fake-provider");
  r.head.set(http::field::content_type, "text/event-stream");
  r.head.set(http::field::cache_control, "no-cache");
  r.head.chunked(true);
}

Reply garbage_stream() {
  Reply r = pieces_from({"data: this is not json\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\"oops\"\n\n",
                         "data: <html>not json either</html>\n\n", "data: [DONE]\n\n"});
  event_stream_head(r);
  return r;
}

// One delta whose JSON string is `raw` as given (a `delta:` fault): bytes that are not UTF-8, \u0000...
Reply raw_delta_answer(const std::string &raw, const std::string &model, bool stream) {
  const std::string head = "{\"id\":\"chatcmpl-fake\",\"model\":" + nlohmann::json(model).dump() + ",\"choices\":[{\"index\":0,";
  if (!stream)
    return text_reply(http::status::ok, "application/json",
                      head + "\"message\":{\"role\":\"assistant\",\"content\":\"" + raw +
                          "\"},\"finish_reason\":\"stop\"}]}");
  Reply r = pieces_from({"data: " + head + "\"delta\":{\"role\":\"assistant\"}}]}\n\n",
                         "data: " + head + "\"delta\":{\"content\":\"" + raw + "\"}}]}\n\n",
                         "data: " + head + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n"});
  event_stream_head(r);
  return r;
}

Reply streamed_answer(AnswerText answer, const std::string &model, nlohmann::json usage, bool include_usage,
                      const std::optional<Fault> &fault) {
  auto state = std::make_shared<StreamState>();
  state->answer = std::move(answer);
  state->model = model;
  state->usage = std::move(usage);
  state->include_usage = include_usage;
  state->content_limit = state->answer.size();
  Reply r;
  r.kind = Reply::Kind::Pieces;
  if (fault && fault->kind == Fault::Kind::Cut) {
    state->content_limit = (state->answer.size() + 1) / 2;
    state->truncated = true;
    r.ending = Reply::Ending::Close;
  } else if (fault && fault->kind == Fault::Kind::Stall) {
    state->max_deltas = 1;
    state->truncated = true;
    r.ending = Reply::Ending::Hang;
  } else if (fault && fault->kind == Fault::Kind::Slow) {
    r.delay = fault->gap;
  }
  r.next_piece = [state] { return state->next(); };
  event_stream_head(r);
  return r;
}

Reply whole_answer(const AnswerText &answer, const std::string &model, nlohmann::json usage,
                   const std::optional<Fault> &fault) {
  nlohmann::json body = {
      {"id", "chatcmpl-fake"},
      {"object", "chat.completion"},
      {"model", model},
      {"choices",
       nlohmann::json::array({{{"index", 0},
                               {"message", {{"role", "assistant"}, {"content", answer.slice(0, answer.size())}}},
                               {"finish_reason", "stop"}}})},
      {"usage", std::move(usage)}};
  Reply r = json_reply(http::status::ok, body);
  if (!fault) return r;
  switch (fault->kind) {
    case Fault::Kind::Slow:
      r.delay = fault->gap;
      return r;
    case Fault::Kind::Garbage:
      r.whole.body() = "this is not json {\"choices\": [";
      return r;
    case Fault::Kind::Cut:
    case Fault::Kind::Stall: {
      // The Content-Length promises the whole body; only part of it (or none) ever comes.
      std::string text = std::move(r.whole.body());
      bool cut = fault->kind == Fault::Kind::Cut;
      Reply p =
          pieces_from(cut ? std::vector<std::string>{text.substr(0, text.size() / 2)} : std::vector<std::string>{});
      p.head.result(http::status::ok);
      p.head.set(http::field::server, "qwen-fake-provider");
      p.head.set(http::field::content_type, "application/json");
      p.head.content_length(text.size());
      p.ending = cut ? Reply::Ending::Close : Reply::Ending::Hang;
      return p;
    }
    default:
      return r;
  }
}

}  // namespace

bool ChatApi::authorized(const Request &req) const {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return false;
  std::string value(it->value());
  if (value.size() < 7) return false;
  std::string scheme = value.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer ") return false;
  std::string token = value.substr(7);
  size_t b = token.find_first_not_of(' '), e = token.find_last_not_of(' ');
  return b != std::string::npos && tokens_.accepts_bearer(token.substr(b, e - b + 1));
}

Reply ChatApi::completions(const Request &req) {
  ++counters_.chat_requests;
  // Every chat request takes the next fault, even one that fails for its own reasons, so a test's
  // queue of faults lines up with the client's attempts.
  std::optional<Fault> fault = faults_.pop();
  if (fault) {
    switch (fault->kind) {
      case Fault::Kind::Unauthorized:
        return invalid_api_key();
      case Fault::Kind::RateLimited: {
        Reply r = json_reply(http::status::too_many_requests,
                             {{"error", {{"message", "Rate limit exceeded"}, {"type", "rate_limit_error"}}}});
        if (fault->retry_after_seconds)
          r.whole.set(http::field::retry_after, std::to_string(*fault->retry_after_seconds));
        return r;
      }
      case Fault::Kind::ServerError: {
        Reply r = json_reply(http::status::internal_server_error, {{"error", {{"message", "Internal error"}}}});
        if (fault->retry_after_seconds)
          r.whole.set(http::field::retry_after, std::to_string(*fault->retry_after_seconds));
        return r;
      }
      case Fault::Kind::Html:
        return html_challenge();
      case Fault::Kind::ErrorMessage:
        return json_reply(static_cast<http::status>(fault->status), {{"error", {{"message", fault->raw}}}});
      case Fault::Kind::Redirect: {
        Reply r = text_reply(http::status::moved_permanently, "text/html", "<html><body>Moved</body></html>");
        if (!fault->raw.empty()) r.whole.set(http::field::location, fault->raw);
        return r;
      }
      case Fault::Kind::Trickle: {
        // An SSE keep-alive comment every `gap`, and never an answer: each comment resets an idle timer.
        Reply r;
        r.kind = Reply::Kind::Pieces;
        r.delay = fault->gap;
        r.next_piece = [] { return std::optional<std::string>(": keep-alive\n\n"); };
        event_stream_head(r);
        return r;
      }
      case Fault::Kind::Close: {
        Reply r;
        r.kind = Reply::Kind::Drop;
        return r;
      }
      default:
        break;  // the others shape a normal answer
    }
  }
  if (!authorized(req)) return invalid_api_key();

  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return bad_request("The request body is not a JSON object.");
  if (!body.contains("model") || !body["model"].is_string()) return bad_request("Missing required parameter: 'model'.");
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
    return bad_request("Missing required parameter: 'messages'.");
  const std::string model = body["model"].get<std::string>();
  const bool stream = body.contains("stream") && body["stream"].is_boolean() && body["stream"].get<bool>();
  bool include_usage = false;
  if (body.contains("stream_options") && body["stream_options"].is_object()) {
    const auto &so = body["stream_options"];
    include_usage = so.contains("include_usage") && so["include_usage"].is_boolean() && so["include_usage"].get<bool>();
  }

  size_t prompt_chars = 0;
  std::string last_user;
  for (const auto &m : body["messages"]) {
    std::string text = content_text(m);
    prompt_chars += text.size();
    if (m.is_object() && m.contains("role") && m["role"] == "user") last_user = std::move(text);
  }
  AnswerText answer =
      AnswerText::literal(options_.reply.value_or("Hello from the fake provider. You said: " + last_user));
  if (auto bytes = bytes_request(last_user)) answer = AnswerText::synthetic(*bytes);
  nlohmann::json usage = usage_json(prompt_chars, answer.size());

  if (fault && fault->kind == Fault::Kind::Garbage && stream) return garbage_stream();
  if (fault && fault->kind == Fault::Kind::RawDelta) return raw_delta_answer(fault->raw, model, stream);
  if (stream) return streamed_answer(std::move(answer), model, std::move(usage), include_usage, fault);
  return whole_answer(answer, model, std::move(usage), fault);
}

Reply ChatApi::models(const Request &req) {
  ++counters_.models_requests;
  if (!authorized(req)) return invalid_api_key();
  return json_reply(http::status::ok, {{"object", "list"},
                                       {"data", nlohmann::json::array({{{"id", "fake-model"}, {"object", "model"}}})}});
}

}  // namespace fake
