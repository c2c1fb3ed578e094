// credentials_file.hpp — ~/.qwen/oauth_creds.json, byte-compatible with Qwen Code.
//
//   {
//     "access_token": "...",
//     "refresh_token": "...",
//     "token_type": "Bearer",
//     "resource_url": "portal.qwen.ai",
//     "expiry_date": 1764000000000
//   }
// expiry_date is milliseconds since the epoch. The file is JSON.stringify(x,
// null, 2) (two-space indent, no trailing newline). Fields we do not know are
// kept, in place, when we rewrite the file.
//
// qwen adds one field, "issuer": the OAuth server (base URL) the login came
// from, so its refresh token is sent there and nowhere else. Qwen Code ignores
// it; a file without it (Qwen Code's) was issued by https://chat.qwen.ai.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "token_response.hpp"

namespace qwen_oauth {

inline constexpr size_t kMaxCredentialsFileSize = 1 << 20;  // a real one is ~300 bytes
inline constexpr int64_t kRefreshMarginMs = 30000;           // refresh when less than 30 s are left
inline constexpr const char *kIssuerField = "issuer";

struct OAuthCredentials {
  nlohmann::ordered_json document = nlohmann::ordered_json::object();  // the whole file, unknown fields included
  std::string access_token;
  std::string refresh_token;  // may be empty: then the token cannot be refreshed
  std::string token_type = "Bearer";
  std::string resource_url;   // may be empty
  int64_t expiry_date_ms = 0;
  std::string issuer;         // the OAuth server that issued the login; empty = not recorded (Qwen Code's file)

  // Usable at `now_ms` with more than the refresh margin left.
  bool fresh_at(int64_t now_ms) const { return !access_token.empty() && now_ms < expiry_date_ms - kRefreshMarginMs; }
};

// The file's content is not a usable credentials file; what() says why, in plain words.
class CredentialsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the file's text. Requires a JSON object with a non-empty string
// access_token and a numeric expiry_date; refresh_token, token_type,
// resource_url and issuer must be strings when present.
OAuthCredentials parse_credentials(const std::string &text);

// The file's text: `document` with the known fields written back into it
// (issuer only when set: a file that had none keeps having none).
std::string serialize_credentials(const OAuthCredentials &creds);

// The credentials after a grant: `previous` (may be null) with the new
// access token, the new refresh token when one came (else the old one), the
// new resource_url when one came (else the old one), and the expiry; the issuer is the previous one.
OAuthCredentials apply_grant(const TokenGrant &grant, int64_t now_ms, const OAuthCredentials *previous);

}  // namespace qwen_oauth
