// qwen/sdk/pkce.hpp — Proof Key for Code Exchange (RFC 7636) with the S256
// method, for device and authorization-code flows. SHA-256 comes from
// OpenSSL's libcrypto (QwenSDK::sdk links it).
//
//   auto pkce = qwen::sdk::make_pkce_pair();
//   // send pkce.challenge with code_challenge_method=S256, later pkce.verifier
#ifndef QWEN_SDK_PKCE_HPP
#define QWEN_SDK_PKCE_HPP

#include <qwen/sdk/base64.hpp>
#include <qwen/sdk/random.hpp>

#include <openssl/sha.h>

#include <string>
#include <string_view>

namespace qwen::sdk {

struct PkcePair {
  std::string verifier;   // 43 characters of [A-Za-z0-9_-] (RFC 7636 section 4.1)
  std::string challenge;  // base64url(SHA-256(verifier)), unpadded
};

// The S256 challenge of a verifier.
inline std::string pkce_challenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char *>(verifier.data()), verifier.size(), digest);
  return base64url(std::string_view(reinterpret_cast<const char *>(digest), sizeof digest));
}

// A fresh pair: the verifier is base64url of 32 random bytes (the RFC's recommendation).
inline PkcePair make_pkce_pair() {
  PkcePair p;
  p.verifier = base64url(random_bytes(32));
  p.challenge = pkce_challenge(p.verifier);
  return p;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_PKCE_HPP
