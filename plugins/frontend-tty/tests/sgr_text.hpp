// sgr_text.hpp — for the tests of what the renderer and the code colours write: their text without its SGR
// attributes, and whether SGR attributes are the only control sequences in it.
#pragma once

#include <qwen/sdk/terminal_text.hpp>

#include <cctype>
#include <string>

namespace tty_frontend::test {

// The index of the 'm' ending an SGR sequence (ESC [ digits/; m) that starts at text[i], or npos.
inline size_t sgr_end(const std::string &text, size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') return std::string::npos;
  size_t j = i + 2;
  while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ';')) ++j;
  return j < text.size() && text[j] == 'm' ? j : std::string::npos;
}

// `text` without SGR sequences; any other ESC is kept, so a comparison sees it.
inline std::string strip_sgr(const std::string &text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t end = sgr_end(text, i);
    if (end != std::string::npos) {
      i = end;
      continue;
    }
    out += text[i];
  }
  return out;
}

// True when the only control characters in `text` are ESCs starting SGR sequences and line ends (and tabs,
// when `tabs` says so): no other C0, no DEL, no C1 (a stray byte, or one encoded as UTF-8).
inline bool only_sgr(const std::string &text, bool tabs = false) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || (tabs && c == '\t')) continue;
    if (c == 0x1b) {
      const size_t end = sgr_end(text, i);
      if (end == std::string::npos) return false;
      i = end;
      continue;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) return false;
    if (c >= 0xC2) {
      const size_t n = qwen::sdk::detail::utf8_sequence_length(text, i);
      if (c == 0xC2 && n == 2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return false;
      if (n) i += n - 1;
    }
  }
  return true;
}

}  // namespace tty_frontend::test
