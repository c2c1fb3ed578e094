// PKCE and request ids as Qwen Code sends them. The SDK's own tests (tests/unit/sdk_encoding_test.cpp) cover
// base64url, fresh verifiers and random bytes in general; these pin the bytes seen on Qwen's wire.
#include <catch2/catch.hpp>

#include <regex>

#include <qwen/sdk/pkce.hpp>
#include <qwen/sdk/random.hpp>

using namespace qwen::sdk;  // the SDK's blocks, held to the bytes Qwen Code sends

TEST_CASE("the S256 challenge of the spec's verifier is the one seen on the wire", "[pkce]") {
  CHECK(pkce_challenge("UFecaJSulMECZ_rFCLsDMga-XjYk5aU-yFzkeE5tW-o") == "UzboKepRp_nsPrvTu8uOyG2hqMWQ3nDbcuXN1b8uN-E");
}

TEST_CASE("x-request-id values are lower-case version 4 UUIDs, as Qwen Code's", "[pkce]") {
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::string a = random_uuid();
  CHECK(std::regex_match(a, uuid));
  CHECK(a != random_uuid());
}
