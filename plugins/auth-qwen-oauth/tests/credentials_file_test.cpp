// oauth_creds.json: Qwen Code's format exactly, unknown fields kept, bad files refused with a reason.
#include <catch2/catch.hpp>

#include <limits>

#include "credentials_file.hpp"

using namespace qwen_oauth;

namespace {

const char *kQwenCodeFile = R"({
  "access_token": "at-1",
  "refresh_token": "rt-1",
  "token_type": "Bearer",
  "resource_url": "portal.qwen.ai",
  "expiry_date": 1764000000000
})";

std::string reason_for(const std::string &text) {
  try {
    parse_credentials(text);
  } catch (const CredentialsFileError &e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("a file written by Qwen Code is read, and written back byte for byte", "[creds]") {
  OAuthCredentials c = parse_credentials(kQwenCodeFile);
  CHECK(c.access_token == "at-1");
  CHECK(c.refresh_token == "rt-1");
  CHECK(c.token_type == "Bearer");
  CHECK(c.resource_url == "portal.qwen.ai");
  CHECK(c.expiry_date_ms == 1764000000000);
  CHECK(serialize_credentials(c) == kQwenCodeFile);
}

TEST_CASE("a first login is written in Qwen Code's key order, 2-space indent, no trailing newline", "[creds]") {
  TokenGrant g;
  g.access_token = "a";
  g.refresh_token = "r";
  g.resource_url = "portal.qwen.ai";
  g.expires_in_s = 3600;
  OAuthCredentials c = apply_grant(g, 1000, nullptr);
  CHECK(serialize_credentials(c) ==
        "{\n  \"access_token\": \"a\",\n  \"refresh_token\": \"r\",\n  \"token_type\": \"Bearer\",\n"
        "  \"resource_url\": \"portal.qwen.ai\",\n  \"expiry_date\": 3601000\n}");
}

TEST_CASE("unknown fields survive a refresh, in their place", "[creds]") {
  OAuthCredentials old = parse_credentials(
      R"({"email":"u@example.com","access_token":"a1","refresh_token":"r1","token_type":"Bearer",)"
      R"("resource_url":"portal.qwen.ai","expiry_date":5,"nested":{"k":[1,2]}})");
  TokenGrant g;
  g.access_token = "a2";
  g.expires_in_s = 60;
  OAuthCredentials now = apply_grant(g, 10000, &old);
  CHECK(now.refresh_token == "r1");             // no new one: the old one stays
  CHECK(now.resource_url == "portal.qwen.ai");  // none sent: the old one stays
  CHECK(now.expiry_date_ms == 70000);
  OAuthCredentials again = parse_credentials(serialize_credentials(now));
  CHECK(again.document["email"] == "u@example.com");
  CHECK(again.document["nested"]["k"][1] == 2);
  CHECK(again.document.begin().key() == "email");
  CHECK(again.access_token == "a2");
}

TEST_CASE("a rotated refresh token and a new resource_url replace the old ones", "[creds]") {
  OAuthCredentials old = parse_credentials(kQwenCodeFile);
  TokenGrant g;
  g.access_token = "at-2";
  g.refresh_token = "rt-2";
  g.resource_url = "http://127.0.0.1:9";
  g.expires_in_s = 10;
  OAuthCredentials c = apply_grant(g, 0, &old);
  CHECK(c.refresh_token == "rt-2");
  CHECK(c.resource_url == "http://127.0.0.1:9");
}

TEST_CASE("expiry is judged with a 30 s margin", "[creds]") {
  OAuthCredentials c = parse_credentials(kQwenCodeFile);
  CHECK(c.fresh_at(1764000000000 - 30001));
  CHECK_FALSE(c.fresh_at(1764000000000 - 30000));
  CHECK_FALSE(c.fresh_at(1764000000000 + 1));
}

TEST_CASE("damaged files are refused with a reason", "[creds]") {
  CHECK(reason_for("") == "it is empty");
  CHECK(reason_for(" \n") == "it is empty");
  CHECK(reason_for(std::string(kQwenCodeFile).substr(0, 40)).find("not valid JSON") != std::string::npos);
  CHECK(reason_for("[1,2]") == "it is not a JSON object");
  CHECK(reason_for("\"text\"") == "it is not a JSON object");
  CHECK(reason_for(R"({"expiry_date":1})") == "it has no \"access_token\"");
  CHECK(reason_for(R"({"access_token":"","expiry_date":1})") == "it has no \"access_token\"");
  CHECK(reason_for(R"({"access_token":42,"expiry_date":1})") == "\"access_token\" is not a string");
  CHECK(reason_for(R"({"access_token":"a"})") == "it has no \"expiry_date\"");
  CHECK(reason_for(R"({"access_token":"a","expiry_date":"1764000000000"})") == "\"expiry_date\" is not a number");
  CHECK(reason_for(R"({"access_token":"a","expiry_date":-5})") == "\"expiry_date\" is out of range");
  CHECK(reason_for(R"({"access_token":"a","expiry_date":1,"refresh_token":["x"]})") ==
        "\"refresh_token\" is not a string");
  CHECK(reason_for(R"({"access_token":"a","expiry_date":1,"resource_url":{}})") == "\"resource_url\" is not a string");
  CHECK(reason_for(std::string(2 << 20, ' ')).find("too large") != std::string::npos);
  // The text handed over is what was read (it stops past the limit), so the size is not quoted as the file's.
  CHECK(reason_for(std::string((1 << 20) + 8192, ' ')).find("larger than 1 MiB") != std::string::npos);
  CHECK(reason_for(std::string((1 << 20) + 8192, ' ')).find("1056768") == std::string::npos);
  CHECK(reason_for(std::string(100000, '[')).find("not valid JSON") != std::string::npos);
}

TEST_CASE("optional fields may be absent or null", "[creds]") {
  OAuthCredentials c = parse_credentials(R"({"access_token":"a","expiry_date":1.7e12,"refresh_token":null})");
  CHECK(c.refresh_token.empty());
  CHECK(c.token_type == "Bearer");
  CHECK(c.resource_url.empty());
  CHECK(c.expiry_date_ms == 1700000000000);
}

// Found by fuzz/credentials_fuzzer: 0 < expiry_date < 1 was accepted, stored as 0, and the rewritten file
// was then refused ("out of range"), so a refresh would have left a file qwen cannot read.
TEST_CASE("an expiry_date below 1 ms is refused, so every accepted file survives a rewrite", "[creds]") {
  CHECK(reason_for(R"({"access_token":"a","expiry_date":0.5})") == "\"expiry_date\" is out of range");
  OAuthCredentials c = parse_credentials(R"({"access_token":"a","expiry_date":1.5})");
  CHECK(parse_credentials(serialize_credentials(c)).expiry_date_ms == 1);
}

// A property fuzz/token_response_fuzzer checks (accepted tokens give a credentials file that reads back): an
// absurd expires_in overflowed now + expires_in * 1000 (undefined behaviour), or gave an expiry_date that
// parse_credentials refuses.
TEST_CASE("an absurd token lifetime is cut to ten years, and the stored file reads back", "[creds]") {
  const int64_t now = 1764000000000;
  for (int64_t expires_in : {int64_t(1) << 40, int64_t(999999999999999999), std::numeric_limits<int64_t>::max()}) {
    TokenGrant g;
    g.access_token = "at";
    g.expires_in_s = expires_in;
    OAuthCredentials c = apply_grant(g, now, nullptr);
    CHECK(c.expiry_date_ms == now + int64_t(10) * 365 * 24 * 3600 * 1000);
    CHECK(parse_credentials(serialize_credentials(c)).expiry_date_ms == c.expiry_date_ms);
  }
}

// Found by fuzz/credentials_fuzzer (with long inputs): a deeply nested unknown field was read, then copying or
// writing the document back recursed once per level and overflowed the stack.
TEST_CASE("a deeply nested document is refused, not crashed on", "[creds]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(reason_for(R"({"access_token":"a","expiry_date":1,"x":)" + deep + "}") == "it is nested too deeply");
  const std::string fine = std::string(50, '[') + std::string(50, ']');
  OAuthCredentials c = parse_credentials(R"({"access_token":"a","expiry_date":1,"x":)" + fine + R"(,"s":"[[[[{{"})");
  OAuthCredentials back = parse_credentials(serialize_credentials(c));
  CHECK(back.document["x"] == c.document["x"]);
  CHECK(back.document["s"] == "[[[[{{");
}

TEST_CASE("the issuer qwen records is one extra field, read back and kept, and a file without it has none",
          "[creds][origin]") {
  OAuthCredentials qwen_code = parse_credentials(kQwenCodeFile);
  CHECK(qwen_code.issuer.empty());
  CHECK(serialize_credentials(qwen_code) == kQwenCodeFile);
  OAuthCredentials c = qwen_code;
  c.issuer = "https://sso.example.com";
  const std::string text = serialize_credentials(c);
  CHECK(text.substr(text.size() - 40) == "\n  \"issuer\": \"https://sso.example.com\"\n}");
  OAuthCredentials back = parse_credentials(text);
  CHECK(back.issuer == "https://sso.example.com");
  TokenGrant g;
  g.access_token = "new";
  CHECK(apply_grant(g, 1000, &back).issuer == "https://sso.example.com");
  CHECK(reason_for(R"({"access_token":"a","expiry_date":5,"issuer":7})") == "\"issuer\" is not a string");
}
