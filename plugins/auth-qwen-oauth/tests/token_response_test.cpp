// How the OAuth endpoints' answers are read, web pages included.
#include <catch2/catch.hpp>

#include "error_of.hpp"
#include "token_response.hpp"

using namespace qwen_oauth;
using Kind = qwen::sdk::DevicePoll::Kind;
using qwen_oauth_test::status_of;

namespace {

const std::string kUrl = "http://127.0.0.1:1/api/v1/oauth2/token";

HttpAnswer answer(int status, const std::string &content_type, const std::string &body) {
  HttpAnswer a;
  a.status = status;
  if (!content_type.empty()) a.headers.push_back({"Content-Type", content_type});
  a.body = body;
  return a;
}

HttpAnswer json_answer(int status, const std::string &body) {
  return answer(status, "application/json", body);
}

qwen::sdk::DevicePoll poll(int status, const std::string &body, TokenGrant *out = nullptr) {
  TokenGrant g;
  auto p = classify_device_poll(json_answer(status, body), kUrl, g);
  if (out) *out = g;
  return p;
}

std::string message_of(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const std::exception &e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a device-code answer is read, interval and verification_uri_complete are optional", "[answers]") {
  auto d = parse_device_code_answer(
      json_answer(200, R"({"device_code":"dc","user_code":"AB-CD","verification_uri":"https://x/a",)"
                       R"("verification_uri_complete":"https://x/a?c=AB-CD","expires_in":300,"interval":5})"),
      kUrl);
  CHECK(d.device_code == "dc");
  CHECK(d.user_code == "AB-CD");
  CHECK(d.verification_uri_complete == "https://x/a?c=AB-CD");
  CHECK(d.expires_in == 300);
  REQUIRE(d.interval);
  CHECK(*d.interval == 5);
  auto plain = parse_device_code_answer(
      json_answer(200, R"({"device_code":"dc","user_code":"U","verification_uri":"https://x/a","expires_in":60})"),
      kUrl);
  CHECK(plain.verification_uri_complete == "https://x/a");
  CHECK_FALSE(plain.interval);
}

TEST_CASE("device-code failures say what happened", "[answers]") {
  CHECK(status_of([] {
          parse_device_code_answer(json_answer(400, R"({"error":"invalid_request","error_description":"bad scope"})"),
                                   kUrl);
        }) == QWEN_ERR_AUTH_REJECTED);
  CHECK(message_of([] {
          parse_device_code_answer(json_answer(400, R"({"error":"invalid_request","error_description":"bad scope"})"),
                                   kUrl);
        }).find("invalid_request: bad scope") != std::string::npos);
  CHECK(status_of([] { parse_device_code_answer(json_answer(200, R"({"error":"INVALID_REQUEST"})"), kUrl); }) ==
        QWEN_ERR_AUTH_REJECTED);
  CHECK(status_of([] { parse_device_code_answer(json_answer(503, "{}"), kUrl); }) == QWEN_ERR_NETWORK);
  CHECK(status_of([] { parse_device_code_answer(json_answer(429, "{}"), kUrl); }) == QWEN_ERR_RATE_LIMITED);
  CHECK(status_of([] { parse_device_code_answer(answer(200, "text/plain", "hello"), kUrl); }) == QWEN_ERR_BAD_RESPONSE);
}

TEST_CASE("an HTML page is called a web page, not a JSON error", "[answers]") {
  const HttpAnswer page = answer(200, "text/html; charset=utf-8", "<html><body>Challenge</body></html>");
  CHECK(is_web_page(page));
  CHECK(is_web_page(answer(200, "", "\n  <!DOCTYPE html>")));
  CHECK_FALSE(is_web_page(answer(200, "application/json", "{}")));
  CHECK(message_of([&] { parse_device_code_answer(page, kUrl); }).find("web page instead of JSON") !=
        std::string::npos);
  CHECK(status_of([&] { parse_refresh_answer(page, kUrl); }) == QWEN_ERR_BAD_RESPONSE);
  TokenGrant g;
  auto p = classify_device_poll(page, kUrl, g);
  CHECK(p.kind == Kind::Failed);
  CHECK(p.status == QWEN_ERR_BAD_RESPONSE);
  CHECK(p.message.find("web page") != std::string::npos);
}

TEST_CASE("device polls: pending, slow_down, denied, expired, approved", "[answers]") {
  CHECK(poll(400, R"({"error":"authorization_pending"})").kind == Kind::Pending);
  CHECK(poll(200, R"({"status":"pending"})").kind == Kind::Pending);
  CHECK(poll(429, R"({"error":"slow_down"})").kind == Kind::SlowDown);
  CHECK(poll(400, R"({"error":"slow_down"})").kind == Kind::SlowDown);
  CHECK(poll(400, R"({"error":"access_denied"})").kind == Kind::Denied);
  CHECK(poll(400, R"({"error":"expired_token"})").kind == Kind::Expired);
  CHECK(poll(502, R"({"error":"bad_gateway"})").kind == Kind::Retry);
  TokenGrant scratch;
  CHECK(classify_device_poll(answer(500, "", ""), kUrl, scratch).kind == Kind::Retry);
  auto other = poll(400, R"({"error":"invalid_grant","error_description":"wrong verifier"})");
  CHECK(other.kind == Kind::Failed);
  CHECK(other.message.find("invalid_grant: wrong verifier") != std::string::npos);
  TokenGrant g;
  auto ok = poll(200,
                 R"({"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":3600,)"
                 R"("resource_url":"portal.qwen.ai"})",
                 &g);
  CHECK(ok.kind == Kind::Approved);
  CHECK(g.access_token == "at");
  CHECK(g.refresh_token == "rt");
  CHECK(*g.expires_in_s == 3600);
  CHECK(*g.resource_url == "portal.qwen.ai");
  CHECK(poll(200, R"({"access_token":""})").kind != Kind::Approved);
}

TEST_CASE("refresh answers: tokens, invalid_grant, and the rest", "[answers]") {
  auto ok = parse_refresh_answer(json_answer(200, R"({"access_token":"a2","expires_in":"60"})"), kUrl);
  CHECK(ok.kind == RefreshResult::Kind::Ok);
  CHECK(ok.grant.refresh_token.empty());
  CHECK(*ok.grant.expires_in_s == 60);
  CHECK(parse_refresh_answer(json_answer(400, R"({"error":"invalid_grant"})"), kUrl).kind ==
        RefreshResult::Kind::InvalidGrant);
  CHECK(parse_refresh_answer(json_answer(200, R"({"error":"INVALID_GRANT"})"), kUrl).kind ==
        RefreshResult::Kind::InvalidGrant);
  CHECK(parse_refresh_answer(json_answer(401, R"({"error":"unauthorized"})"), kUrl).kind ==
        RefreshResult::Kind::InvalidGrant);
  // Not proof that the sign-in is gone: the file must be kept.
  CHECK(status_of([] { parse_refresh_answer(answer(400, "text/plain", "Bad Request"), kUrl); }) ==
        QWEN_ERR_BAD_RESPONSE);
  CHECK(status_of([] { parse_refresh_answer(json_answer(400, R"({"error":"invalid_request"})"), kUrl); }) ==
        QWEN_ERR_AUTH_REJECTED);
  CHECK(status_of([] { parse_refresh_answer(json_answer(500, R"({"error":"oops"})"), kUrl); }) == QWEN_ERR_NETWORK);
  CHECK(status_of([] { parse_refresh_answer(answer(503, "text/plain", "down"), kUrl); }) == QWEN_ERR_NETWORK);
  CHECK(status_of([] { parse_refresh_answer(json_answer(429, "{}"), kUrl); }) == QWEN_ERR_RATE_LIMITED);
  CHECK(status_of([] { parse_refresh_answer(json_answer(200, "{}"), kUrl); }) == QWEN_ERR_BAD_RESPONSE);
}

// Found by fuzz/token_response_fuzzer: a number beyond int64_t (1e300, a 20-digit integer) was cast from
// double, which is undefined behaviour (UBSan: "1e+300 is outside the range of representable values").
TEST_CASE("numbers no int64_t can hold are treated as absent", "[answers]") {
  auto d = parse_device_code_answer(
      json_answer(200, R"({"device_code":"dc","verification_uri":"https://x/a","expires_in":1e300,)"
                       R"("interval":-1e300})"),
      kUrl);
  CHECK(d.expires_in == 0);
  CHECK_FALSE(d.interval);
  TokenGrant g;
  CHECK(poll(200, R"({"access_token":"at","expires_in":123456789012345678901234567890})", &g).kind == Kind::Approved);
  CHECK_FALSE(g.expires_in_s);
  CHECK(poll(200, R"({"access_token":"at","expires_in":3600.5})", &g).kind == Kind::Approved);
  CHECK(g.expires_in_s == 3600);
}

TEST_CASE("an unreadable answer that holds credentials is not quoted in the error", "[answers]") {
  // A token answer cut short: not JSON, but the tokens are in it.
  const std::string cut = R"({"access_token":"cut-access-token-123","refresh_token":"cut-refresh-token-4)";
  auto refresh = message_of([&] { parse_refresh_answer(json_answer(200, cut), kUrl); });
  CHECK(refresh.find("not JSON") != std::string::npos);
  CHECK(refresh.find("not shown: they hold credentials") != std::string::npos);
  CHECK(refresh.find("cut-access-token-123") == std::string::npos);
  auto p = poll(200, cut);
  CHECK(p.message.find("cut-access-token-123") == std::string::npos);
  // A device code without the URL to approve it.
  auto device = message_of([&] {
    parse_device_code_answer(json_answer(200, R"({"device_code":"dc-secret-777","user_code":"AB-CD"})"), kUrl);
  });
  CHECK(device.find("lacks device_code or verification_uri") != std::string::npos);
  CHECK(device.find("dc-secret-777") == std::string::npos);
  // Anything else is still quoted, so the user sees what the server said.
  auto other = message_of([&] { parse_refresh_answer(json_answer(200, "server busy, come back later"), kUrl); });
  CHECK(other.find("server busy, come back later") != std::string::npos);
}
