// The SDK's OAuth client, per request: header lines of a request's own after the client's, and a cap on the
// answer's size that a client sets (qwen-oauth sends Qwen Code's x-request-id on one request only).
#include <catch2/catch.hpp>

#include <qwen/sdk/oauth_client.hpp>

#include "sdk_test_host.hpp"
#include "support/connection_counter.hpp"

using namespace qwen::sdk;
using qwen::test::ConnectionCounter;
using qwen::test::SdkTestHost;

namespace {

std::string http_answer(const std::string &body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

OAuthClientOptions options_for(const std::string &token_url) {
  OAuthClientOptions o;
  o.token_url = token_url;
  o.client_id = "public-client";
  o.headers = {"User-Agent: acme-cli/1.0"};
  o.timeout_ms = 10000;
  return o;
}

}  // namespace

TEST_CASE("sdk oauth: a request's own headers follow the client's, and go on that request only", "[sdk][oauth]") {
  SdkTestHost host;
  {
    ConnectionCounter server("127.0.0.2", http_answer(R"({"access_token":"at-1","token_type":"Bearer"})"));
    OAuthRequestOptions extra;
    extra.headers = {"x-request-id: 0f9e2d6c-1111-4222-8333-444455556666"};
    extra.timeout_ms = 5000;
    TokenAnswer t = OAuthClient(host.host(), options_for(server.url() + "/token")).refresh("rt-1", {}, extra);
    CHECK(t.access_token == "at-1");
    const std::string sent = server.received();
    const size_t ua = sent.find("User-Agent: acme-cli/1.0\r\n");
    const size_t id = sent.find("x-request-id: 0f9e2d6c-1111-4222-8333-444455556666\r\n");
    REQUIRE(ua != std::string::npos);
    REQUIRE(id != std::string::npos);
    CHECK(ua < id);
    CHECK(sent.find("grant_type=refresh_token&refresh_token=rt-1&client_id=public-client") != std::string::npos);
  }
  {
    ConnectionCounter server("127.0.0.2", http_answer(R"({"access_token":"at-2"})"));
    OAuthClient(host.host(), options_for(server.url() + "/token")).refresh("rt-2");
    CHECK(server.received().find("User-Agent: acme-cli/1.0\r\n") != std::string::npos);
    CHECK(server.received().find("x-request-id") == std::string::npos);
  }
}

TEST_CASE("sdk oauth: an answer one byte over the client's cap is BAD_RESPONSE naming the cap, one at it is read",
          "[sdk][oauth][hostile]") {
  SdkTestHost host;
  std::string body = R"({"access_token":"at-cap","pad":")";
  body += std::string(1000 - body.size() - 2, 'x') + "\"}";
  REQUIRE(body.size() == 1000);
  {
    ConnectionCounter server("127.0.0.2", http_answer(body));
    auto o = options_for(server.url() + "/token");
    o.max_answer_size = 1000;
    CHECK(OAuthClient(host.host(), o).refresh("rt").access_token == "at-cap");
  }
  {
    ConnectionCounter server("127.0.0.2", http_answer(body + " "));
    auto o = options_for(server.url() + "/token");
    o.max_answer_size = 1000;
    o.server_name = "the Acme token endpoint";
    try {
      OAuthClient(host.host(), o).refresh("rt");
      FAIL("an answer over the cap was accepted");
    } catch (const Error &e) {
      CHECK(e.status() == QWEN_ERR_BAD_RESPONSE);
      CHECK(std::string(e.what()) == "the Acme token endpoint (" + server.url() +
                                         "/token) answered more than 1000 bytes, more than a token answer can be");
    }
  }
}
