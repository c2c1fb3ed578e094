// qwen/sdk/random.hpp — unpredictable bytes from the kernel's CSPRNG
// (getrandom(2); never rand() or a seeded std::mt19937), for PKCE verifiers,
// OAuth `state` values and request ids.
#ifndef QWEN_SDK_RANDOM_HPP
#define QWEN_SDK_RANDOM_HPP

#include <qwen/plugin.hpp>

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace qwen::sdk {

// `count` random bytes. Blocks only until the kernel's pool is first seeded (early boot); throws
// Error(QWEN_ERR_INTERNAL) when the kernel refuses (no getrandom: a kernel older than 3.17).
inline std::string random_bytes(size_t count) {
  std::string out(count, '\0');
  size_t done = 0;
  while (done < count) {
    const ssize_t n = ::getrandom(out.data() + done, count - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw Error(QWEN_ERR_INTERNAL,
                  std::string("the system's random number generator failed: ") + std::strerror(n < 0 ? errno : EIO));
    done += static_cast<size_t>(n);
  }
  return out;
}

// A random (version 4) UUID in its usual text form ("x-request-id" headers).
inline std::string random_uuid() {
  std::string b = random_bytes(16);
  auto u = [&b](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  b[6] = static_cast<char>((u(6) & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((u(8) & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u(0), u(1),
                u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15));
  return text;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_RANDOM_HPP
