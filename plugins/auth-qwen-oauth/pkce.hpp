// pkce.hpp — Proof Key for Code Exchange (RFC 7636, S256) as Qwen's OAuth server expects it.
#pragma once

#include <string>
#include <string_view>

namespace qwen_oauth {

struct PkcePair {
  std::string verifier;   // 43 characters of [A-Za-z0-9_-]
  std::string challenge;  // base64url(SHA-256(verifier)), no padding
};

// base64url without padding (RFC 4648 section 5).
std::string base64url(std::string_view bytes);

// The S256 challenge of a verifier.
std::string pkce_challenge(std::string_view verifier);

// A fresh pair: the verifier is base64url of 32 random bytes, as Qwen Code makes it.
PkcePair make_pkce_pair();

}  // namespace qwen_oauth
