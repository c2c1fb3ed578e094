// Fuzzes the chat chunk reader (core/chat/chunk_reader.*): the pass that reads one streamed
// chat.completion.chunk ("delta") or a whole non-streamed chat.completion ("message"), and the other
// pieces of a chat answer: server_error_message() (core/chat/stream_parser.*), which reads an error body,
// and parse_retry_after() (core/chat/retry_after.*), which reads a Retry-After header.
//
// Input: one selector byte (bit 0: "delta" or "message"), then the JSON text.
// Checks, besides no crash and no exception:
//  - differential: read_chunk gives exactly what a plain DOM reading of the same fields gives
//    (valid, has_error, has_choices, content, finish_reason, the integer members of usage), for every
//    document without a repeated key (with repeated keys the DOM keeps the last, the SAX pass may not),
//    bytes that are not UTF-8 read as U+FFFD;
//  - server_error_message never throws and never gives an empty text;
//  - parse_retry_after gives nothing or a wait >= 0 (at most kMaxRetryAfterMs), N * 1000 for a header of at
//    most 9 digits, and a wait (never "absent") for any header of digits, however long.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chunk_reader.hpp"
#include "chat/retry_after.hpp"
#include "chat/stream_parser.hpp"
#include "fuzz_support.hpp"
#include "util/utf8.hpp"

using nlohmann::json;
using qwen::chat::ChunkFields;

namespace {

// The DOM, or discarded; `repeated` tells whether some object had a key twice.
json parse_dom(std::string_view text, bool &repeated) {
  std::vector<std::set<std::string>> keys;
  repeated = false;
  json::parser_callback_t cb = [&](int, json::parse_event_t event, json &parsed) {
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second)
      repeated = true;
    return true;
  };
  return json::parse(text.begin(), text.end(), cb, false);
}

ChunkFields expected(const json &j, const char *part) {
  ChunkFields f;
  if (!j.is_object()) return f;
  f.valid = true;
  f.has_error = j.contains("error");
  auto choices = j.find("choices");
  f.has_choices = choices != j.end() && choices->is_array();
  if (f.has_choices && !choices->empty() && (*choices)[0].is_object()) {
    const json &first = (*choices)[0];
    if (auto p = first.find(part); p != first.end() && p->is_object()) {
      if (auto c = p->find("content"); c != p->end() && c->is_string()) f.content = c->get<std::string>();
    }
    if (auto r = first.find("finish_reason"); r != first.end() && r->is_string())
      f.finish_reason = r->get<std::string>();
  }
  if (auto u = j.find("usage"); u != j.end() && u->is_object()) {
    f.usage = json::object();
    for (const auto &[k, v] : u->items()) {
      if (v.is_number_integer())
        (*f.usage)[k] = v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
    }
  }
  return f;
}

std::string show(const ChunkFields &f) {
  return std::string("valid=") + (f.valid ? "1" : "0") + " error=" + (f.has_error ? "1" : "0") +
         " choices=" + (f.has_choices ? "1" : "0") + " content=" + (f.content ? "'" + *f.content + "'" : "none") +
         " finish=" + (f.finish_reason ? "'" + *f.finish_reason + "'" : "none") +
         " usage=" + (f.usage ? f.usage->dump() : "none");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const char *part = (in.byte() & 1) ? "message" : "delta";
  std::string_view text = in.rest();

  ChunkFields got;
  std::string message;
  try {
    got = qwen::chat::read_chunk(text, part);
    message = qwen::chat::server_error_message(text);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("the chunk reader threw: ") + e.what());
  }
  FUZZ_CHECK(!message.empty());

  const auto now = std::chrono::system_clock::from_time_t(1764000000);
  const std::optional<long> wait = qwen::chat::parse_retry_after(text, now);
  if (wait) FUZZ_CHECK(*wait >= 0);
  std::string_view trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  if (wait) FUZZ_CHECK(*wait <= qwen::chat::kMaxRetryAfterMs);
  if (!trimmed.empty() && trimmed.find_first_not_of("0123456789") == std::string_view::npos) FUZZ_CHECK(wait.has_value());
  if (!trimmed.empty() && trimmed.size() <= 9 && trimmed.find_first_not_of("0123456789") == std::string_view::npos)
    FUZZ_CHECK(wait == std::stol(std::string(trimmed)) * 1000);

  // Bytes that are not UTF-8 are read as U+FFFD (core/util/utf8.hpp): the DOM reads the repaired text.
  bool repeated = false;
  const std::string repaired = qwen::util::repair_utf8(text);
  json dom = parse_dom(repaired, repeated);
  if (dom.is_discarded()) {
    FUZZ_CHECK(!got.valid);
    return 0;
  }
  if (repeated) return 0;
  ChunkFields want = expected(dom, part);
  if (got.valid != want.valid || got.has_error != want.has_error || got.has_choices != want.has_choices ||
      got.content != want.content || got.finish_reason != want.finish_reason || got.usage != want.usage)
    FUZZ_FAIL("read_chunk differs from the DOM reading:\n  sax: " + show(got) + "\n  dom: " + show(want));
  return 0;
}
