// Reading token endpoint answers: the struct, and each hostile answer mapped to a qwen status.
#include <catch2/catch.hpp>

#include <qwen/sdk/oauth_token.hpp>

using namespace qwen::sdk;

namespace {

HttpResponse answer(int status, std::string body, std::string content_type = "application/json") {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

qwen_status status_of(const HttpResponse &r, std::string *message = nullptr) {
  try {
    parse_token_answer(r, "the Acme token endpoint");
    return QWEN_OK;
  } catch (const Error &e) {
    if (message) *message = e.what();
    return e.status();
  }
}

}  // namespace

TEST_CASE("a token answer is read into the struct, a provider's own fields kept", "[sdk][oauth]") {
  TokenAnswer t = parse_token_answer(
      answer(200, R"({"access_token":"at-1","token_type":"bearer","expires_in":3600,"refresh_token":"rt-1",)"
                  R"("scope":"models.read","resource_url":"portal.example"})"),
      "s");
  CHECK(t.access_token == "at-1");
  CHECK(t.token_type == "bearer");
  CHECK(t.refresh_token == "rt-1");
  CHECK(t.expires_in == 3600);
  CHECK(t.scope == "models.read");
  CHECK(t.field("resource_url") == "portal.example");
  CHECK_FALSE(t.field("expires_in"));  // not a string
  TokenAnswer minimal = parse_token_answer(answer(200, R"({"access_token":"at"})"), "s");
  CHECK(minimal.token_type == "Bearer");
  CHECK_FALSE(minimal.expires_in);
  CHECK(parse_token_answer(answer(200, R"({"access_token":"at","expires_in":"60"})"), "s").expires_in == 60);
  CHECK(parse_token_answer(answer(200, R"({"access_token":"at","expires_in":59.9})"), "s").expires_in == 59);
}

TEST_CASE("OAuth errors map to qwen statuses and quote the server's description on one line", "[sdk][oauth]") {
  std::string message;
  CHECK(status_of(answer(401, R"({"error":"invalid_client","error_description":"bad\nsecret\u001b[2J"})"), &message) ==
        QWEN_ERR_AUTH_REJECTED);
  CHECK(message.find("invalid_client: bad secret [2J") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(status_of(answer(400, R"({"error":"invalid_grant"})")) == QWEN_ERR_AUTH_REJECTED);
  CHECK(status_of(answer(400, R"({"error":"unauthorized_client"})")) == QWEN_ERR_AUTH_REJECTED);
  CHECK(status_of(answer(200, R"({"error":"invalid_grant"})")) == QWEN_ERR_AUTH_REJECTED);  // an error on a 200
  CHECK(status_of(answer(429, R"({"error":"slow_down"})")) == QWEN_ERR_RATE_LIMITED);
  CHECK(status_of(answer(429, "busy", "text/plain")) == QWEN_ERR_RATE_LIMITED);
  CHECK(status_of(answer(500, R"({"error":"server_error"})")) == QWEN_ERR_NETWORK);
  CHECK(status_of(answer(503, "<html>down</html>", "text/html")) == QWEN_ERR_NETWORK);
  CHECK(status_of(answer(400, R"({"error":{"code":"x","message":"OpenAI style"}})"), &message) ==
        QWEN_ERR_AUTH_REJECTED);
  CHECK(message.find("x: OpenAI style") != std::string::npos);
}

TEST_CASE("garbage, web pages and huge answers are BAD_RESPONSE, never a crash", "[sdk][oauth]") {
  std::string message;
  CHECK(status_of(answer(200, "<html>challenge</html>", "text/html"), &message) == QWEN_ERR_BAD_RESPONSE);
  CHECK(message.find("web page") != std::string::npos);
  CHECK(status_of(answer(200, "  <!DOCTYPE html>", "application/json")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, "not json")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, "[1,2]")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, "")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, std::string("{\"access_token\":\"a\0b\"", 21))) == QWEN_ERR_BAD_RESPONSE);
  std::string huge = R"({"access_token":"at","pad":")" + std::string(kMaxOAuthAnswerSize, 'x') + "\"}";
  CHECK(status_of(answer(200, huge), &message) == QWEN_ERR_BAD_RESPONSE);
  CHECK(message.size() < 300);  // the body is not quoted
  // A cut-short token answer is not quoted: the host redacts only the secrets it was told of.
  CHECK(status_of(answer(200, R"({"access_token":"sk-secret-0123456789)"), &message) == QWEN_ERR_BAD_RESPONSE);
  CHECK(message.find("sk-secret") == std::string::npos);
}

TEST_CASE("a token answer with wrong types, another token_type or a negative lifetime is refused", "[sdk][oauth]") {
  std::string message;
  CHECK(status_of(answer(200, R"({"access_token":""})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":42})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":["at"]})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"token_type":"Bearer"})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","token_type":"mac"})"), &message) == QWEN_ERR_BAD_RESPONSE);
  CHECK(message.find("'mac'") != std::string::npos);
  CHECK(status_of(answer(200, R"({"access_token":"at","token_type":7})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","refresh_token":{}})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","expires_in":-5})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","expires_in":-1e300})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","expires_in":"soon"})")) == QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of(answer(200, R"({"access_token":"at","expires_in":true})")) == QWEN_ERR_BAD_RESPONSE);
  // Absurdly long lifetimes are cut to ten years instead of overflowing a time.
  CHECK(parse_token_answer(answer(200, R"({"access_token":"at","expires_in":1e300})"), "s").expires_in ==
        kMaxExpiresInSeconds);
  CHECK(parse_token_answer(answer(200, R"({"access_token":"at","expires_in":99999999999999})"), "s").expires_in ==
        kMaxExpiresInSeconds);
  CHECK(parse_token_answer(answer(200, R"({"access_token":"at","expires_in":null,"refresh_token":null})"), "s")
            .refresh_token.empty());
}

TEST_CASE("device flow answers: authorization, pending, slow_down, denied, expired, approved", "[sdk][oauth]") {
  DeviceAuthorization d = parse_device_authorization(
      answer(200, R"({"device_code":"dc","user_code":"AB-CD","verification_uri":"https://x/a","expires_in":1e300,)"
                  R"("interval":-3})"),
      "s");
  CHECK(d.device_code == "dc");
  CHECK(d.verification_uri_complete == "https://x/a");
  CHECK(d.expires_in == 0);  // beyond any count of seconds: not given
  CHECK(d.interval == 0);
  CHECK_THROWS_AS(parse_device_authorization(answer(200, R"({"user_code":"x"})"), "s"), Error);
  CHECK_THROWS_AS(parse_device_authorization(answer(400, R"({"error":"invalid_client"})"), "s"), Error);
  TokenAnswer t;
  using K = DevicePoll::Kind;
  CHECK(classify_device_poll(answer(400, R"({"error":"authorization_pending"})"), "s", t).kind == K::Pending);
  CHECK(classify_device_poll(answer(400, R"({"error":"slow_down"})"), "s", t).kind == K::SlowDown);
  CHECK(classify_device_poll(answer(429, "{}"), "s", t).kind == K::SlowDown);
  CHECK(classify_device_poll(answer(400, R"({"error":"access_denied"})"), "s", t).kind == K::Denied);
  CHECK(classify_device_poll(answer(400, R"({"error":"expired_token"})"), "s", t).kind == K::Expired);
  CHECK(classify_device_poll(answer(502, "bad gateway", "text/plain"), "s", t).kind == K::Retry);
  auto failed = classify_device_poll(answer(200, R"({"access_token":"at","token_type":"mac"})"), "s", t);
  CHECK(failed.kind == K::Failed);
  CHECK(failed.status == QWEN_ERR_BAD_RESPONSE);
  CHECK(classify_device_poll(answer(200, R"({"access_token":"at-9"})"), "s", t).kind == K::Approved);
  CHECK(t.access_token == "at-9");
}
