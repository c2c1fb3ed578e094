// qwen/sdk/base64.hpp — Base64 (RFC 4648 section 4, padded: HTTP Basic
// credentials) and base64url (section 5, unpadded: PKCE, JWT parts).
#ifndef QWEN_SDK_BASE64_HPP
#define QWEN_SDK_BASE64_HPP

#include <string>
#include <string_view>

namespace qwen::sdk {

namespace detail {

inline std::string base64_with(std::string_view bytes, const char *alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&bytes](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  const unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0u);
  out += alphabet[v >> 18 & 63];
  out += alphabet[v >> 12 & 63];
  if (rest == 2) out += alphabet[v >> 6 & 63];
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

}  // namespace detail

// Standard Base64 with '=' padding.
inline std::string base64(std::string_view bytes) {
  return detail::base64_with(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

// base64url without padding.
inline std::string base64url(std::string_view bytes) {
  return detail::base64_with(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_BASE64_HPP
