// PKCE: the known vector from the wire, and the shape of fresh verifiers.
#include <catch2/catch.hpp>

#include <regex>

#include <qwen/sdk/pkce.hpp>
#include <qwen/sdk/random.hpp>

using namespace qwen::sdk;  // the SDK's blocks, held to the bytes Qwen Code sends

TEST_CASE("the S256 challenge of the spec's verifier is the one seen on the wire", "[pkce]") {
  CHECK(pkce_challenge("UFecaJSulMECZ_rFCLsDMga-XjYk5aU-yFzkeE5tW-o") ==
        "UzboKepRp_nsPrvTu8uOyG2hqMWQ3nDbcuXN1b8uN-E");
}

TEST_CASE("base64url has no padding and uses - and _", "[pkce]") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("foob") == "Zm9vYg");
  CHECK(base64url(std::string("\xfb\xff\xfe", 3)) == "-__-");
}

TEST_CASE("fresh verifiers are 43 url-safe characters, differ, and match their challenge", "[pkce]") {
  PkcePair a = make_pkce_pair(), b = make_pkce_pair();
  static const std::regex shape("^[A-Za-z0-9_-]{43}$");
  CHECK(std::regex_match(a.verifier, shape));
  CHECK(std::regex_match(a.challenge, shape));
  CHECK(a.verifier != b.verifier);
  CHECK(a.challenge != a.verifier);
  CHECK(a.challenge == pkce_challenge(a.verifier));
}

TEST_CASE("request ids are version 4 UUIDs", "[pkce]") {
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::string a = random_uuid();
  CHECK(std::regex_match(a, uuid));
  CHECK(a != random_uuid());
}
