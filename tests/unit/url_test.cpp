// The SDK's URL helpers, which decide whether a key may travel in clear.
#include <catch2/catch.hpp>

#include <qwen/sdk/url.hpp>

using namespace qwen::sdk;

TEST_CASE("loopback hosts") {
  for (const char *u : {"http://127.0.0.1/v1", "http://127.5.6.7:99/x", "http://localhost:8080", "http://[::1]:80/",
                        "https://user:pw@127.0.0.1/x"})
    CHECK(is_loopback_url(u));
  for (const char *u : {"http://127.0.0.1.evil.com/v1", "http://128.0.0.1/", "http://localhost.evil.com/",
                        "http://evil.com/127.0.0.1", "http://evil.com?x=127.0.0.1", "http://127.0.0.999/",
                        "http://127.0.0/", "not a url", "http://evil.com@127.0.0.1.evil.com/"})
    CHECK_FALSE(is_loopback_url(u));
}

TEST_CASE("insecure remote URLs") {
  CHECK(is_insecure_remote_url("http://api.example.com/v1"));
  CHECK_FALSE(is_insecure_remote_url("https://api.example.com/v1"));
  CHECK_FALSE(is_insecure_remote_url("http://127.0.0.1:1/v1"));
}
