// dotenv.hpp — parsing `.env` files (the rules of the dotenv package Qwen Code uses).
//
// Supported: KEY=VALUE, `export KEY=VALUE`, blank lines, `#` comment lines, an
// unquoted ` #` starting a trailing comment, 'single quotes' (literal),
// "double quotes" (\n, \r, \t, \\ and \" escapes; may span lines), `backticks`
// (literal), empty values, CRLF line ends, a leading UTF-8 BOM, spaces around
// `=` and around unquoted values. A line that is none of these (no `=`, a key
// with characters outside [A-Za-z0-9_.-], an unterminated quote) is skipped
// with a warning that names the line; parsing goes on. After
// kMaxListedDotenvWarnings warnings, one more says how many were not listed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qwen::config {

struct DotenvEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line where the entry starts
};

inline constexpr size_t kMaxListedDotenvWarnings = 5;

struct DotenvWarning {
  int line = 0;
  std::string message;  // never contains the line's value (it may be a secret)
};

struct DotenvParse {
  std::vector<DotenvEntry> entries;  // in file order; a repeated key appears twice, the last one wins
  std::vector<DotenvWarning> warnings;
};

DotenvParse parse_dotenv(std::string_view text);

}  // namespace qwen::config
