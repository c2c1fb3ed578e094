// The little cryptography the fake OAuth server needs: PKCE and unguessable tokens.
#pragma once

#include <optional>
#include <string>

namespace fake {

// base64url without padding of SHA-256(verifier): the S256 code_challenge (RFC 7636).
std::string pkce_challenge(const std::string &verifier);

// `bytes` random bytes as lower-case hex.
std::string random_hex(size_t bytes);

// Standard Base64 (padded) decoded; nullopt when it is not Base64.
std::optional<std::string> base64_decode(const std::string &text);

// A user code like "WDJB-MJHT": consonants only, so it is easy to read out and never spells a word.
std::string random_user_code();

}  // namespace fake
