#include "crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace fake {
namespace {

std::vector<unsigned char> random_bytes(size_t n) {
  std::vector<unsigned char> b(n);
  if (n > 0 && RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
  return b;
}

}  // namespace

std::string pkce_challenge(const std::string &verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned int i = 0;
  for (; i + 2 < len; i += 3) {
    unsigned v = (digest[i] << 16) | (digest[i + 1] << 8) | digest[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (len - i == 1) {
    unsigned v = digest[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (len - i == 2) {
    unsigned v = (digest[i] << 16) | (digest[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string random_hex(size_t bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : random_bytes(bytes)) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string random_user_code() {
  static const char kLetters[] = "BCDFGHJKLMNPQRSTVWXZ";
  std::string out;
  auto b = random_bytes(8);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4) out += '-';
    out += kLetters[b[i] % 20];
  }
  return out;
}

std::optional<std::string> base64_decode(const std::string &text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 8192) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                reinterpret_cast<const unsigned char *>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && pad < 2; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace fake
