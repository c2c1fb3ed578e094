// Fuzzes the config writer (core/config/config_writer.*): /auth remembering the chosen method in the
// user's config.toml by rewriting one top-level line of whatever the user wrote.
//
// Input: a value selector byte, then the config.toml text.
// Checks, besides no crash and no hang:
//  - set_top_level_string either succeeds or throws std::runtime_error (as documented); nothing else escapes;
//  - when it throws, the file is unchanged;
//  - when it succeeds, the file parses, its top-level `auth` is the new value, and every other value, in
//    every table, is what it was (nothing the user wrote is lost or changed).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <toml++/toml.h>

#include "config/config_writer.hpp"
#include "fuzz_support.hpp"

namespace fs = std::filesystem;

namespace {

const char *const kValues[] = {"openai",   "qwen-oauth", "", "a \"quoted\" \\ value", "caf\xC3\xA9 \xE2\x9C\x93",
                               "tab\there"};

std::string read(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const std::string value = kValues[in.byte() % (sizeof kValues / sizeof *kValues)];
  const std::string text(in.rest());
  const fs::path file = qwen_fuzz::scratch_dir("qwen-config-writer-fuzz-") / "config.toml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  toml::table before;
  bool parsed_before = true;
  try {
    before = toml::parse(text);
  } catch (const toml::parse_error &) {
    parsed_before = false;
  }

  try {
    qwen::config::set_top_level_string(file, "auth", value);
  } catch (const std::runtime_error &e) {
    FUZZ_CHECK(e.what()[0] != '\0');
    if (read(file) != text) FUZZ_FAIL(std::string("the file changed although the write failed: ") + e.what());
    return 0;
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("set_top_level_string threw something else than std::runtime_error: ") + e.what());
  }
  FUZZ_CHECK(parsed_before);  // a file that does not parse is never changed

  const std::string written = read(file);
  toml::table after;
  try {
    after = toml::parse(written);
  } catch (const toml::parse_error &e) {
    FUZZ_FAIL(std::string("the written file does not parse: ") + std::string(e.description()));
  }
  const auto *auth = after.get_as<std::string>("auth");
  if (!auth || auth->get() != value) FUZZ_FAIL("the top-level auth is not the value written:\n" + written);
  after.erase("auth");
  before.erase("auth");
  if (after != before) FUZZ_FAIL("other values changed:\n--- before\n" + text + "\n--- after\n" + written);
  return 0;
}
