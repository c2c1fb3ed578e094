#include "random_id.hpp"

#include <openssl/rand.h>
#include <qwen/plugin.hpp>

#include <cstdio>

namespace qwen_oauth {

std::string random_bytes(size_t count) {
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(count)) != 1)
    throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "the system's random number generator failed");
  return out;
}

std::string random_uuid() {
  std::string b = random_bytes(16);
  auto u = [&b](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  b[6] = static_cast<char>((u(6) & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((u(8) & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u(0), u(1),
                u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15));
  return text;
}

}  // namespace qwen_oauth
