// Fuzzes the qwen-oauth credentials file parser (plugins/auth-qwen-oauth/credentials_file.*):
// ~/.qwen/oauth_creds.json, which Qwen Code also writes.
//
// Checks, besides no crash and no hang:
//  - parse_credentials either returns or throws CredentialsFileError with a message; nothing else escapes;
//  - what it accepts is what the header promises: a non-empty access token, an expiry > 0, a token type;
//  - round trip: serialize_credentials of what was read parses again to the same fields and document,
//    and serializing that again gives the same bytes (a rewrite keeps unknown fields and is stable);
//  - fresh_at() is callable at any time.
#include <cstdint>
#include <limits>
#include <string>

#include "credentials_file.hpp"
#include "fuzz_support.hpp"

using namespace qwen_oauth;

namespace {

bool same_fields(const OAuthCredentials &a, const OAuthCredentials &b) {
  return a.access_token == b.access_token && a.refresh_token == b.refresh_token && a.token_type == b.token_type &&
         a.resource_url == b.resource_url && a.expiry_date_ms == b.expiry_date_ms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  OAuthCredentials first;
  try {
    first = parse_credentials(text);
  } catch (const CredentialsFileError &e) {
    FUZZ_CHECK(e.what()[0] != '\0');
    return 0;
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("an exception other than CredentialsFileError escaped: ") + e.what());
  }
  FUZZ_CHECK(!first.access_token.empty());
  FUZZ_CHECK(!first.token_type.empty());
  FUZZ_CHECK(first.expiry_date_ms > 0);
  FUZZ_CHECK(first.document.is_object());
  (void)first.fresh_at(0);
  (void)first.fresh_at(std::numeric_limits<int64_t>::max());
  (void)first.fresh_at(std::numeric_limits<int64_t>::min());

  try {
    const std::string written = serialize_credentials(first);
    OAuthCredentials second = parse_credentials(written);
    FUZZ_CHECK(same_fields(first, second));
    const std::string rewritten = serialize_credentials(second);
    FUZZ_CHECK(rewritten == written);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("what parse_credentials accepted does not survive a rewrite: ") + e.what());
  }
  return 0;
}
