// The SDK's OAuth client through the host's real HTTP service, against the fake provider over loopback
// (and a raw listener for answers the fake provider would never give).
#include <catch2/catch.hpp>

#include <qwen/sdk/oauth_client.hpp>
#include <qwen/sdk/pkce.hpp>

#include "sdk_test_host.hpp"
#include "support/connection_counter.hpp"
#include "support/fake_provider.hpp"

using namespace qwen::sdk;
using qwen::test::ConnectionCounter;
using qwen::test::FakeProvider;
using qwen::test::SdkTestHost;

namespace {

OAuthClientOptions options_for(const std::string &token_url, const std::string &id, const std::string &secret) {
  OAuthClientOptions o;
  o.token_url = token_url;
  o.client_id = id;
  o.client_secret = secret;
  o.timeout_ms = 10000;
  return o;
}

qwen_status status_of(const std::function<void()> &f, std::string *message = nullptr) {
  try {
    f();
    return QWEN_OK;
  } catch (const Error &e) {
    if (message) *message = e.what();
    return e.status();
  }
}

}  // namespace

TEST_CASE("client credentials: Basic and body client authentication get a token the API accepts", "[sdk][oauth]") {
  FakeProvider provider({"--client", "acme-id:s3cret&x=y", "--token-lifetime", "120"});
  SdkTestHost host;
  for (ClientAuth how : {ClientAuth::Basic, ClientAuth::Body}) {
    auto o = options_for(provider.root_url() + "/oauth/token", "acme-id", "s3cret&x=y");
    o.client_auth = how;
    TokenAnswer t = OAuthClient(host.host(), o).client_credentials("models.read");
    CHECK(t.access_token.rfind("fake-at-", 0) == 0);
    CHECK(t.expires_in == 120);
    CHECK(t.refresh_token.empty());
  }
  CHECK(provider.stat("client_credentials_requests") == 2);
  auto requests = provider.logged_requests("/oauth/token");
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["headers"]["authorization"].get<std::string>().rfind("Basic ", 0) == 0);
  CHECK(requests[0]["body"] == "grant_type=client_credentials&scope=models.read");
  CHECK(requests[1]["headers"].count("authorization") == 0);
  CHECK(requests[1]["body"] ==
        "grant_type=client_credentials&scope=models.read&client_id=acme-id&client_secret=s3cret%26x%3Dy");
}

TEST_CASE("client credentials: a wrong secret is AUTH_REJECTED and the secret is not in the message", "[sdk][oauth]") {
  FakeProvider provider({"--client", "acme-id:right-secret-0001"});
  SdkTestHost host;
  std::string message;
  auto o = options_for(provider.root_url() + "/oauth/token", "acme-id", "wrong-secret-0002");
  CHECK(status_of([&] { OAuthClient(host.host(), o).client_credentials(); }, &message) == QWEN_ERR_AUTH_REJECTED);
  CHECK(message.find("invalid_client") != std::string::npos);
  CHECK(message.find("wrong-secret-0002") == std::string::npos);
}

TEST_CASE("refresh grant: a rotated token works once, then invalid_grant is AUTH_REJECTED", "[sdk][oauth]") {
  FakeProvider provider;
  provider.post("/__control/seed-refresh-token", "rt-seeded-1");
  SdkTestHost host;
  auto o = options_for(provider.root_url() + "/api/v1/oauth2/token", "public-client", "");
  OAuthClient client(host.host(), o);
  TokenAnswer t = client.refresh("rt-seeded-1");
  CHECK_FALSE(t.refresh_token.empty());
  CHECK(provider.logged_requests("/api/v1/oauth2/token")[0]["body"] ==
        "grant_type=refresh_token&refresh_token=rt-seeded-1&client_id=public-client");
  CHECK(status_of([&] { client.refresh("rt-seeded-1"); }) == QWEN_ERR_AUTH_REJECTED);
  CHECK(client.refresh(t.refresh_token).access_token != t.access_token);
}

TEST_CASE("device flow with PKCE: start, approve, poll to the tokens", "[sdk][oauth]") {
  FakeProvider provider({"--interval", "0"});
  SdkTestHost host;
  auto o = options_for(provider.root_url() + "/api/v1/oauth2/token", "device-client", "");
  o.device_code_url = provider.root_url() + "/api/v1/oauth2/device/code";
  OAuthClient client(host.host(), o);
  PkcePair pkce = make_pkce_pair();
  DeviceAuthorization d = client.start_device_flow("openid", pkce.challenge);
  CHECK_FALSE(d.user_code.empty());
  TokenAnswer pending;
  CHECK(client.poll_device_token(d, pkce.verifier, pending).kind == DevicePoll::Kind::Pending);
  provider.post("/__control/approve-all");
  TokenAnswer t = client.finish_device_flow(d, pkce.verifier);
  CHECK(t.access_token.rfind("fake-at-", 0) == 0);
  // A wrong verifier is refused by the server: Failed with AUTH_REJECTED, not a retry.
  DeviceAuthorization d2 = client.start_device_flow("openid", pkce.challenge);
  provider.post("/__control/approve-all");
  CHECK(status_of([&] { client.finish_device_flow(d2, "not-the-verifier"); }) == QWEN_ERR_AUTH_REJECTED);
}

TEST_CASE("transport failures are NETWORK, a huge or garbage answer BAD_RESPONSE", "[sdk][oauth]") {
  SdkTestHost host;
  std::string message;
  {
    ConnectionCounter closed("127.0.0.2");  // accepts, reads, closes without a word
    auto o = options_for(closed.url() + "/token", "id", "secret-x");
    CHECK(status_of([&] { OAuthClient(host.host(), o).client_credentials(); }) == QWEN_ERR_NETWORK);
  }
  {
    const std::string body(4u << 20, 'x');
    ConnectionCounter huge("127.0.0.2", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\n\r\n" + body);
    auto o = options_for(huge.url() + "/token", "id", "secret-x");
    CHECK(status_of([&] { OAuthClient(host.host(), o).client_credentials(); }, &message) == QWEN_ERR_BAD_RESPONSE);
    CHECK(message.find("KiB") != std::string::npos);
  }
  {
    ConnectionCounter garbage(
        "127.0.0.2", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\":[1,");
    auto o = options_for(garbage.url() + "/token", "id", "secret-x");
    CHECK(status_of([&] { OAuthClient(host.host(), o).client_credentials(); }) == QWEN_ERR_BAD_RESPONSE);
  }
  {
    ConnectionCounter busy("127.0.0.2", "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
    auto o = options_for(busy.url() + "/token", "id", "secret-x");
    CHECK(status_of([&] { OAuthClient(host.host(), o).client_credentials(); }) == QWEN_ERR_NETWORK);
  }
}
