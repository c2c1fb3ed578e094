#include "chat/events.hpp"

#include <simdjson.h>

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace qwen::chat {
namespace {

ChatEvent make_event(int32_t type, std::string text, nlohmann::json json) {
  ChatEvent e;
  e.type = type;
  e.text = std::move(text);
  e.json = std::move(json);
  return e;
}

}  // namespace

void append_json_string(std::string &out, std::string_view text) {
  // Valid UTF-8 (simdjson checks it with SIMD) is escaped here exactly as nlohmann's serializer would
  // (ensure_ascii off): the short escapes, \u00xx for other control characters, every other byte as is.
  // Anything else goes through the serializer, which replaces the invalid bytes.
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  auto escape_at = [&](size_t i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, sizeof esc);
      }
    }
  };
  auto needs_escape = [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; };
  const size_t n = text.size();
  size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: a mask of the bytes below 0x20, '"' and '\\', then only those are visited.
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(text.data() + i));
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                      _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));  // v <= 0x1f, unsigned
    for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0; mask &= mask - 1)
      escape_at(i + static_cast<size_t>(__builtin_ctz(mask)));
  }
#endif
  for (; i < n; ++i)
    if (needs_escape(static_cast<unsigned char>(text[i]))) escape_at(i);
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

std::string json_string(const std::string &text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

const char *status_name(qwen_status status) {
  switch (status) {
    case QWEN_OK:
      return "ok";
    case QWEN_ERR_UNSUPPORTED:
      return "unsupported";
    case QWEN_ERR_INVALID_ARGUMENT:
      return "invalid_argument";
    case QWEN_ERR_CANCELLED:
      return "cancelled";
    case QWEN_ERR_AUTH_REQUIRED:
      return "auth_required";
    case QWEN_ERR_AUTH_REJECTED:
      return "auth_rejected";
    case QWEN_ERR_NETWORK:
      return "network";
    case QWEN_ERR_RATE_LIMITED:
      return "rate_limited";
    case QWEN_ERR_CONFIG:
      return "bad_input";
    case QWEN_ERR_BAD_RESPONSE:
      return "bad_response";
    default:
      return "internal";
  }
}

ChatEvent make_turn_start(const std::string &model, const std::string &auth_id) {
  return make_event(QWEN_EVENT_TURN_START, {},
                    {{"type", "turn_start"}, {"schema", QWEN_EVENT_SCHEMA}, {"model", model}, {"auth", auth_id}});
}

ChatEvent make_delta(std::string text) {
  // Deltas are most of a stream: their JSON line is written directly, without a DOM.
  ChatEvent e = make_event(QWEN_EVENT_DELTA, std::move(text), {});
  e.line.reserve(e.text.size() + 26);
  e.line = "{\"type\":\"delta\",\"text\":";
  append_json_string(e.line, e.text);
  e.line += '}';
  return e;
}

std::string ChatEvent::json_line() const {
  return line.empty() ? json.dump() : line;
}

ChatEvent make_usage(const nlohmann::json &usage) {
  nlohmann::json j{{"type", "usage"}};
  for (const char *key : {"prompt_tokens", "completion_tokens", "total_tokens"}) {
    if (usage.contains(key) && usage[key].is_number_integer()) j[key] = usage[key];
  }
  return make_event(QWEN_EVENT_USAGE, {}, std::move(j));
}

ChatEvent make_retry(int attempt, long wait_ms, const std::string &reason) {
  return make_event(QWEN_EVENT_RETRY, reason,
                    {{"type", "retry"}, {"attempt", attempt}, {"wait_ms", wait_ms}, {"reason", reason}});
}

ChatEvent make_error(qwen_status status, const std::string &message) {
  return make_event(QWEN_EVENT_ERROR, message,
                    {{"type", "error"},
                     {"status", status_name(status)},
                     {"exit_code", qwen_exit_status_for(status)},
                     {"message", message}});
}

ChatEvent make_turn_end(const std::string &finish_reason) {
  return make_event(QWEN_EVENT_TURN_END, {}, {{"type", "turn_end"}, {"finish_reason", finish_reason}});
}

}  // namespace qwen::chat
