// qwen/sdk/terminal_text.hpp — text written by a stranger (a model's answer, a
// server's error message, a notice) made safe to show on a terminal.
//
// A terminal acts on control characters: ESC starts sequences that set the
// window title, clear the screen, move the cursor, rewrite what was shown
// (and in some terminals answer back, or write files); BEL rings; CR and BS
// overwrite. Shown on a terminal, such bytes from a server are made visible
// instead of being executed, the way `cat -v` shows them:
//   - newline and tab are kept, and CR right before a newline;
//   - other C0 controls and DEL in caret notation: ESC "^[", BEL "^G", CR "^M", NUL "^@", DEL "^?";
//   - the C1 controls U+0080..U+009F as "\u009b", a stray byte 0x80..0x9F (not inside a UTF-8
//     character) as "\x9b": an 8-bit terminal takes 0x9B for CSI.
// Every other byte, valid UTF-8 or not, is kept. Apply it only when the output is a terminal: into a pipe
// or a file the text stays byte for byte what the server sent. Give it whole characters (a delta of a
// streamed answer is): a UTF-8 character cut in two would be shown as stray bytes.
#ifndef QWEN_SDK_TERMINAL_TEXT_HPP
#define QWEN_SDK_TERMINAL_TEXT_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace qwen::sdk {

namespace detail {

// The length of the valid UTF-8 character starting at text[i] (2..4 bytes), or 0.
inline size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t n = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  // No overlong forms, no surrogates, nothing above U+10FFFF.
  if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (lead == 0xED && byte(i + 1) > 0x9F) return 0;
  if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xF4 && byte(i + 1) > 0x8F) return 0;
  return n;
}

}  // namespace detail

// True when `text` holds a byte or character that terminal_safe() would change.
inline bool has_terminal_controls(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && i + 1 < text.size() && text[i + 1] == '\n'))
      return true;
    if (c == 0x7F || (c >= 0x80 && c <= 0x9F)) return true;
    if (c >= 0xC2) {
      const size_t n = detail::utf8_sequence_length(text, i);
      if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
      if (n > 0) i += n - 1;
    }
  }
  return false;
}

// `text` with its control characters shown visibly (see the top of this file).
inline std::string terminal_safe(std::string_view text) {
  if (!has_terminal_controls(text)) return std::string(text);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\t' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += '^';
      out += static_cast<char>(c + 0x40);
    } else if (c == 0x7F) {
      out += "^?";
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c <= 0x9F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (size_t n = c >= 0xC2 ? detail::utf8_sequence_length(text, i) : 0; n > 0) {
      const unsigned char second = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC2 && second <= 0x9F) {
        out += "\\u00";
        out += kHex[second >> 4];
        out += kHex[second & 15];
      } else {
        out.append(text.data() + i, n);
      }
      i += n - 1;
    } else {
      out += static_cast<char>(c);  // not UTF-8 and not a control: the terminal shows a replacement
    }
  }
  return out;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_TERMINAL_TEXT_HPP
