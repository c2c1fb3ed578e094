// Fuzzes the settings.json editor (core/config/qwen_code_settings_writer.*): /auth and `qwen auth login`
// writing the sign-in choice into Qwen Code's settings.json (JSON with comments) as a text edit.
//
// Input: a value selector byte, then the settings.json text.
// Checks, besides no crash and no hang:
//  - with_selected_auth_type either returns or throws SettingsWriteError; nothing else escapes;
//  - a text that is not JSON with comments is always refused, as a syntax error with a position;
//  - a returned text parses, holds the value at security.auth.selectedType (or a v1 file's
//    selectedAuthType), and every other setting is what it was;
//  - the reader never throws, and agrees with the writer about which texts are valid.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "config/qwen_code_settings.hpp"
#include "config/qwen_code_settings_writer.hpp"
#include "fuzz_support.hpp"

namespace {

const char *const kValues[] = {"openai", "qwen-oauth", "a \"quoted\" \\ value\n", "caf\xC3\xA9"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const std::string value = kValues[in.byte() % (sizeof kValues / sizeof *kValues)];
  const std::string text(in.rest());
  const auto syntax = qwen::config::settings_syntax_error("settings.json", text);
  const nlohmann::json before = nlohmann::json::parse(text, nullptr, false, true);
  FUZZ_CHECK(syntax.has_value() == before.is_discarded());
  std::string written;
  try {
    written = qwen::config::with_selected_auth_type(text, value, "settings.json");
  } catch (const qwen::config::SettingsWriteError &e) {
    FUZZ_CHECK(e.what()[0] != '\0');
    if (syntax) FUZZ_CHECK(e.syntax_error());
    return 0;
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("with_selected_auth_type threw something else than SettingsWriteError: ") + e.what());
  }
  FUZZ_CHECK(!syntax);
  const nlohmann::json after = nlohmann::json::parse(written, nullptr, false, true);
  if (after.is_discarded()) FUZZ_FAIL("the written text does not parse:\n" + written);
  nlohmann::json expected = before;
  if (!before.contains("security") && before.contains("selectedAuthType"))
    expected["selectedAuthType"] = value;
  else
    expected["security"]["auth"]["selectedType"] = value;
  if (after != expected) FUZZ_FAIL("other settings changed:\n" + written);
  return 0;
}
