// The SDK's encodings for sign-in: form bodies, Base64/base64url, PKCE S256, random bytes.
#include <catch2/catch.hpp>

#include <qwen/sdk/base64.hpp>
#include <qwen/sdk/form_encoding.hpp>
#include <qwen/sdk/pkce.hpp>
#include <qwen/sdk/random.hpp>

#include <set>

using namespace qwen::sdk;

TEST_CASE("form encoding writes spaces as %20 and keeps the field order", "[sdk][oauth]") {
  CHECK(form_encode({{"grant_type", "client_credentials"}, {"scope", "a b"}}) ==
        "grant_type=client_credentials&scope=a%20b");
  CHECK(form_encode({{"z", "1"}, {"a", "2"}}) == "z=1&a=2");
  CHECK(form_encode({}).empty());
}

TEST_CASE("form encoding escapes every separator a hostile value could smuggle in", "[sdk][oauth]") {
  // A secret holding '&' and '=' must not add a field; '+' must not become a space at the server.
  CHECK(form_encode({{"client_secret", "a&grant_type=password+x"}}) == "client_secret=a%26grant_type%3Dpassword%2Bx");
  CHECK(uri_component(std::string("\0\r\n%", 4)) == "%00%0D%0A%25");
  CHECK(uri_component("caf\xc3\xa9") == "caf%C3%A9");
  CHECK(uri_component("-_.!~*'()") == "-_.!~*'()");
}

TEST_CASE("Base64 pads and base64url does not (RFC 4648 test vectors)", "[sdk][oauth]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("\xfb\xff") == "-_8");
  CHECK(base64("\xfb\xff") == "+/8=");
}

TEST_CASE("the PKCE S256 challenge matches RFC 7636 appendix B", "[sdk][oauth]") {
  CHECK(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  PkcePair p = make_pkce_pair();
  CHECK(p.verifier.size() == 43);
  CHECK(p.verifier.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(p.challenge == pkce_challenge(p.verifier));
  CHECK(make_pkce_pair().verifier != p.verifier);
}

TEST_CASE("random bytes come from the kernel and do not repeat", "[sdk][oauth]") {
  CHECK(random_bytes(0).empty());
  CHECK(random_bytes(100000).size() == 100000);  // larger than one getrandom call may give
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) seen.insert(random_bytes(16));
  CHECK(seen.size() == 64);
  const std::string all = random_bytes(4096);
  std::set<char> distinct(all.begin(), all.end());
  CHECK(distinct.size() > 200);  // not a constant or a short cycle
  const std::string uuid = random_uuid();
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);
}
