// Fuzzes the settings.json editor (core/config/qwen_code_settings_writer.*): /auth and `qwen auth login`
// writing the sign-in choice, and the host's settings_write service setting or removing any member
// (modelProviders, env, providerMetadata...), in Qwen Code's settings.json (JSON with comments) as a text edit.
//
// Input: a value selector byte, a pointer selector byte, then the settings.json text. A pointer selector of
// 0xC0 or more takes the pointer from the input instead: the bytes up to the first NUL, the text after it.
// Checks, besides no crash and no hang:
//  - with_selected_auth_type and with_json_value either return or throw SettingsWriteError; nothing else
//    escapes;
//  - a text that is not JSON with comments is always refused, as a syntax error with a position (when the
//    pointer itself is valid: a bad pointer is told first);
//  - round trip: a returned text parses, holds the value at the pointer (absent after a removal), and every
//    other setting is what it was (checked here against nlohmann's own json_pointer reading of the pointer);
//    an unchanged setting leaves the text byte for byte; the same edit again changes nothing; removing the
//    member again gives the settings without it;
//  - the editor's own after-the-fact check ("without changing other settings") only ever fires on a text
//    with duplicate keys: anywhere else it would be a layout bug;
//  - the reader never throws, and agrees with the writer about which texts are valid.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/qwen_code_settings.hpp"
#include "config/qwen_code_settings_writer.hpp"
#include "fuzz_support.hpp"

namespace {

using nlohmann::json;
using qwen::config::SettingsWriteError;

const char *const kChoices[] = {"openai", "qwen-oauth", "a \"quoted\" \\ value\n", "caf\xC3\xA9"};

const char *const kPointers[] = {
    "/security/auth/selectedType", "/selectedAuthType", "/modelProviders/openai",
    "/env/BAILIAN_CODING_PLAN_API_KEY", "/providerMetadata/coding-plan", "/a~1b/m~0n", "/security", "/env",
    "/model/name", "/a", "/", "//", "/0", "/x/y/z", "/caf\xC3\xA9", "/\"q\"", "/modelProviders/openai/0/id",
    "bad", "/a~2", "",
};

std::optional<json> value_for(uint8_t selector) {
  switch (selector % 12) {
    case 0: return std::nullopt;  // remove
    case 1: return json("openai");
    case 2: return json("a \"quoted\" \\ value\n\x01\x7f");
    case 3: return json("caf\xC3\xA9 \xF0\x9F\x98\x80");
    case 4: return json(42);
    case 5: return json(true);
    case 6: return json(nullptr);
    case 7: return json::object();
    case 8: return json::array();
    case 9:
      return json::array({{{"id", "qwen3-coder-plus"},
                           {"baseUrl", "https://coding.dashscope.aliyuncs.com/v1"},
                           {"envKey", "BAILIAN_CODING_PLAN_API_KEY"},
                           {"generationConfig", {{"extra_body", {{"enable_thinking", true}}}}}},
                          {{"id", "qwen3.5-plus"}}});
    case 10: return json::object({{"region", "cn"}, {"nested", {{"a", json::array({1, 2.5, "x"})}}}});
    default: return json(-1.5);
  }
}

// Whether some object of the (valid) text repeats a key: JSON.parse and nlohmann keep the last one, so an
// edit can make an earlier one count again.
bool has_duplicate_keys(const std::string &text) {
  std::vector<std::set<std::string>> keys;
  bool duplicate = false;
  json::parser_callback_t cb = [&](int, json::parse_event_t event, json &parsed) {
    if (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end || event == json::parse_event_t::array_end) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.back().insert(parsed.get<std::string>()).second) duplicate = true;
    return true;
  };
  (void)json::parse(text, cb, false, true);
  return duplicate;
}

// qwen_code_settings_writer.cpp's kMaxPointerDepth.
constexpr size_t kWriterMaxPointerDepth = 64;

// The member names of `pointer` as nlohmann's json_pointer reads RFC 6901, or nullopt when it is not a
// pointer to a member the writer takes.

std::optional<std::vector<std::string>> tokens_of(const std::string &pointer) {
  if (pointer.empty()) return std::nullopt;
  try {
    json::json_pointer p(pointer);
    std::vector<std::string> tokens;
    for (; !p.empty(); p.pop_back()) tokens.insert(tokens.begin(), p.back());
    // The writer refuses a pointer deeper than this as a bad pointer, before it reads the text.
    if (tokens.size() > kWriterMaxPointerDepth) return std::nullopt;
    return tokens;
  } catch (const json::exception &) {
    return std::nullopt;
  }
}

// `settings` with the member at `tokens` set to `value`, or removed; nullopt when the path runs through
// something that is not an object (or an array).
std::optional<json> changed(json settings, const std::vector<std::string> &tokens, const std::optional<json> &value) {
  json *node = &settings;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(tokens[i]);
    if (it != node->end()) {
      node = &*it;
    } else if (!value) {
      return settings;  // nothing to remove
    } else {
      node = &(*node)[tokens[i]];
      *node = json::object();  // created on the way
    }
  }
  if (!node->is_object()) return std::nullopt;
  if (value)
    (*node)[tokens.back()] = *value;
  else
    node->erase(tokens.back());
  return settings;
}

std::string edit(const std::string &text, const std::string &pointer, const std::optional<json> &value) {
  try {
    return qwen::config::with_json_value(text, pointer, value, "settings.json");
  } catch (const SettingsWriteError &) {
    throw;
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("with_json_value threw something else than SettingsWriteError: ") + e.what());
  }
}

void check_selected_auth_type(const std::string &text, const json &before, bool syntax, const std::string &value) {
  std::string written;
  try {
    written = qwen::config::with_selected_auth_type(text, value, "settings.json");
  } catch (const SettingsWriteError &e) {
    FUZZ_CHECK(e.what()[0] != '\0');
    if (syntax) FUZZ_CHECK(e.syntax_error());
    return;
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("with_selected_auth_type threw something else than SettingsWriteError: ") + e.what());
  }
  FUZZ_CHECK(!syntax);
  const json after = json::parse(written, nullptr, false, true);
  if (after.is_discarded()) FUZZ_FAIL("the written text does not parse:\n" + written);
  json expected = before;
  if (!before.contains("security") && before.contains("selectedAuthType"))
    expected["selectedAuthType"] = value;
  else
    expected["security"]["auth"]["selectedType"] = value;
  if (after != expected) FUZZ_FAIL("other settings changed:\n" + written);
}

void check_json_value(const std::string &text, const json &before, bool syntax, const std::string &pointer,
                      const std::optional<json> &value) {
  const auto tokens = tokens_of(pointer);
  std::string written;
  try {
    written = edit(text, pointer, value);
  } catch (const SettingsWriteError &e) {
    const std::string message = e.what();
    FUZZ_CHECK(!message.empty());
    if (!tokens) FUZZ_CHECK(!e.syntax_error());
    if (tokens && syntax) FUZZ_CHECK(e.syntax_error());
    const std::string verify = "without changing other settings (duplicate keys?); not changing it";
    const bool verify_failed = message.size() >= verify.size() &&
                               message.compare(message.size() - verify.size(), verify.size(), verify) == 0;
    if (verify_failed && tokens && !syntax && !has_duplicate_keys(text))
      FUZZ_FAIL("the edit broke the file (no duplicate keys): " + message);
    return;
  }
  FUZZ_CHECK(tokens && !syntax && before.is_object());
  const json after = json::parse(written, nullptr, false, true);
  if (after.is_discarded()) FUZZ_FAIL("the written text does not parse:\n" + written);
  const auto expected = changed(before, *tokens, value);
  if (!expected) FUZZ_FAIL("written through a value in the way:\n" + written);
  if (after != *expected) FUZZ_FAIL("other settings changed:\n" + written);
  if (after == before && written != text) FUZZ_FAIL("the text changed for an unchanged setting:\n" + written);
  // The same edit again: nothing to do.
  if (edit(written, pointer, value) != written) FUZZ_FAIL("a second identical edit changed the text again");
  // Removed again: the settings without the member (the earlier of a duplicate key may come back).
  if (value && !has_duplicate_keys(written)) {
    const std::string removed = edit(written, pointer, std::nullopt);
    if (json::parse(removed, nullptr, true, true) != *changed(after, *tokens, std::nullopt))
      FUZZ_FAIL("removing the member changed other settings:\n" + removed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const uint8_t value_selector = in.byte(), pointer_selector = in.byte();
  std::string text(in.rest()), pointer;
  if (pointer_selector < 0xC0) {
    pointer = kPointers[pointer_selector % (sizeof kPointers / sizeof *kPointers)];
  } else if (auto nul = text.find('\0'); nul != std::string::npos) {
    pointer = text.substr(0, nul);
    text.erase(0, nul + 1);
  }
  const auto syntax = qwen::config::settings_syntax_error("settings.json", text);
  const json before = json::parse(text, nullptr, false, true);
  FUZZ_CHECK(syntax.has_value() == before.is_discarded());
  check_selected_auth_type(text, before, syntax.has_value(),
                           kChoices[value_selector % (sizeof kChoices / sizeof *kChoices)]);
  check_json_value(text, before, syntax.has_value(), pointer, value_for(value_selector));
  return 0;
}
