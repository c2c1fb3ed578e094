// Fuzzes the .env parser (core/config/dotenv.*).
//
// Checks, besides no crash, no hang and no exception:
//  - every entry has a well-formed key ([A-Za-z0-9_.-]+) and a line number within the text, in file order;
//  - every warning names a line within the text;
//  - round trip: writing the entries back as KEY="escaped value" lines and parsing that gives the same
//    keys and values, on lines 1, 2, 3..., with no warning.
#include <cstdint>
#include <string>

#include "config/dotenv.hpp"
#include "fuzz_support.hpp"

using qwen::config::DotenvParse;
using qwen::config::parse_dotenv;

namespace {

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// Lines of the text as the parser counts them (CRLF and lone CR are one line end each).
int line_count(std::string_view text) {
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ++lines;
    if (text[i] == '\r') {
      ++lines;
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
  }
  return lines;
}

std::string quote(const std::string &value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

DotenvParse parse(std::string_view text) {
  try {
    return parse_dotenv(text);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("parse_dotenv threw: ") + e.what());
  } catch (...) {
    FUZZ_FAIL("parse_dotenv threw a non-std exception");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  DotenvParse first = parse(text);
  const int lines = line_count(text);

  int previous_line = 0;
  for (const auto &e : first.entries) {
    FUZZ_CHECK(!e.key.empty());
    for (char c : e.key) FUZZ_CHECK(is_key_char(c));
    FUZZ_CHECK(e.line >= 1 && e.line <= lines);
    FUZZ_CHECK(e.line > previous_line);  // one entry per line at most, in order
    previous_line = e.line;
  }
  for (const auto &w : first.warnings) {
    FUZZ_CHECK(w.line >= 1 && w.line <= lines);
    FUZZ_CHECK(!w.message.empty());
  }

  std::string written;
  for (const auto &e : first.entries) written += e.key + "=" + quote(e.value) + "\n";
  DotenvParse second = parse(written);
  FUZZ_CHECK(second.warnings.empty());
  FUZZ_CHECK(second.entries.size() == first.entries.size());
  for (size_t i = 0; i < first.entries.size(); ++i) {
    FUZZ_CHECK(second.entries[i].key == first.entries[i].key);
    FUZZ_CHECK(second.entries[i].value == first.entries[i].value);
    FUZZ_CHECK(second.entries[i].line == static_cast<int>(i) + 1);
  }
  return 0;
}
