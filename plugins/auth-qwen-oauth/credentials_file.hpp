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
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "token_response.hpp"

namespace qwen_oauth {

inline constexpr size_t kMaxCredentialsFileSize = 1 << 20;  // a real one is ~300 bytes
inline constexpr int64_t kRefreshMarginMs = 30000;           // refresh when less than 30 s are left

struct OAuthCredentials {
  nlohmann::ordered_json document = nlohmann::ordered_json::object();  // the whole file, unknown fields included
  std::string access_token;
  std::string refresh_token;  // may be empty: then the token cannot be refreshed
  std::string token_type = "Bearer";
  std::string resource_url;   // may be empty
  int64_t expiry_date_ms = 0;

  // Usable at `now_ms` with more than the refresh margin left.
  bool fresh_at(int64_t now_ms) const { return !access_token.empty() && now_ms < expiry_date_ms - kRefreshMarginMs; }
};

// The file's content is not a usable credentials file; what() says why, in plain words.
class CredentialsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the file's text. Requires a JSON object with a non-empty string
// access_token and a numeric expiry_date; refresh_token, token_type and
// resource_url must be strings when present.
OAuthCredentials parse_credentials(const std::string &text);

// The file's text: `document` with the known fields written back into it.
std::string serialize_credentials(const OAuthCredentials &creds);

// The credentials after a grant: `previous` (may be null) with the new
// access token, the new refresh token when one came (else the old one), the
// new resource_url when one came (else the old one), and the expiry.
OAuthCredentials apply_grant(const TokenGrant &grant, int64_t now_ms, const OAuthCredentials *previous);

}  // namespace qwen_oauth
