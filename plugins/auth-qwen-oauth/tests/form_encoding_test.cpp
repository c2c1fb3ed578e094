// Form bodies byte for byte as Qwen Code (encodeURIComponent) makes them. The SDK's own tests
// (tests/unit/sdk_encoding_test.cpp) cover field order, empty forms and hostile values in general.
#include <catch2/catch.hpp>

#include <qwen/sdk/form_encoding.hpp>

using namespace qwen::sdk;  // the SDK's blocks, held to the bytes Qwen Code sends

TEST_CASE("spaces are %20, never +", "[form]") {
  CHECK(form_encode({{"scope", "openid profile email model.completion"}}) ==
        "scope=openid%20profile%20email%20model.completion");
  CHECK(form_encode({{"param with spaces", "value with spaces"}}) == "param%20with%20spaces=value%20with%20spaces");
}

TEST_CASE("reserved characters are escaped like encodeURIComponent", "[form]") {
  CHECK(uri_component("urn:ietf:params:oauth:grant-type:device_code") ==
        "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code");
  CHECK(uri_component("https://example.com/callback") == "https%3A%2F%2Fexample.com%2Fcallback");
  CHECK(uri_component("a&b=c+d") == "a%26b%3Dc%2Bd");
}
