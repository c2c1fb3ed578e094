// Fuzzes the SDK's OAuth answer readers (sdk/include/qwen/sdk/oauth_token.hpp), which every third-party auth
// plugin built on qwen/sdk/oauth_client.hpp trusts with what a token endpoint sent: parse_token_answer,
// parse_device_authorization and classify_device_poll, each with any HTTP status, Content-Type and body.
//
// Input: a status byte (an entry of a list of usual statuses, or a raw 0..605), a Content-Type byte, the body.
// Checks, besides no crash and no hang:
//  - the parsers return or throw qwen::sdk::Error with a failure status and a message, nothing else;
//    classify_device_poll never throws; a Failed poll has a failure status and a message;
//  - an accepted token answer has an access token, a Bearer token_type (any case) and an expires_in within
//    0 .. kMaxExpiresInSeconds when given; the answer came with a 2xx status and a body within the size cap;
//  - an accepted device authorization has a device code and a verification URI, expires_in within
//    0 .. kMaxExpiresInSeconds and an interval within 0 .. 3600;
//  - 429 is RATE_LIMITED and 5xx NETWORK, whatever the body says;
//  - the tokens a body carried (access_token, refresh_token) never appear in an error message.
#include <qwen/sdk/oauth_token.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

using namespace qwen::sdk;
using Kind = DevicePoll::Kind;

namespace {

const char *const kServer = "the Acme token endpoint (https://auth.acme.example/oauth/token)";
const int kStatuses[] = {200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 502, 503};
const char *const kContentTypes[] = {"application/json", "application/json; charset=utf-8", "",
                                     "text/html",        "TEXT/HTML; charset=UTF-8",        "text/plain"};

// The body with its token strings replaced by markers that appear nowhere else, so a marker found in a
// message means a token was quoted (see token_response_fuzzer.cpp for why not the fuzzer's own text).
std::pair<std::string, std::vector<std::string>> with_marked_tokens(const std::string &body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || body.find("qwen-fuzz-token-") != std::string::npos) return {};
  std::vector<std::string> markers;
  for (const char *key : {"access_token", "refresh_token"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) continue;
    *it = std::string("qwen-fuzz-token-") + key;
    markers.push_back(it->get<std::string>());
  }
  if (markers.empty()) return {};
  return {j.dump(), markers};
}

void check_message(const std::string &message, const std::vector<std::string> &secrets) {
  FUZZ_CHECK(!message.empty());
  for (const auto &s : secrets)
    if (message.find(s) != std::string::npos) FUZZ_FAIL("a token appears in the message: " + message);
}

void check_refusal(const Error &e, const HttpResponse &answer, const std::vector<std::string> &secrets) {
  FUZZ_CHECK(e.status() != QWEN_OK);
  if (answer.status == 429) FUZZ_CHECK(e.status() == QWEN_ERR_RATE_LIMITED);
  if (answer.status >= 500) FUZZ_CHECK(e.status() == QWEN_ERR_NETWORK);
  check_message(e.what(), secrets);
}

void check_tokens(const TokenAnswer &t, const HttpResponse &answer) {
  FUZZ_CHECK(answer.status >= 200 && answer.status < 300);
  FUZZ_CHECK(answer.body.size() <= kMaxOAuthAnswerSize);
  FUZZ_CHECK(!t.access_token.empty());
  FUZZ_CHECK(oauth::lower(t.token_type) == "bearer");
  if (t.expires_in) FUZZ_CHECK(*t.expires_in >= 0 && *t.expires_in <= kMaxExpiresInSeconds);
  FUZZ_CHECK(t.fields.is_object());
}

void check_all(const HttpResponse &answer, const std::vector<std::string> &secrets) {
  try {
    check_tokens(parse_token_answer(answer, kServer), answer);
  } catch (const Error &e) {
    check_refusal(e, answer, secrets);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("parse_token_answer threw something else than qwen::sdk::Error: ") + e.what());
  }

  try {
    DeviceAuthorization d = parse_device_authorization(answer, kServer);
    FUZZ_CHECK(answer.status >= 200 && answer.status < 300);
    FUZZ_CHECK(!d.device_code.empty());
    FUZZ_CHECK(!d.verification_uri_complete.empty());
    FUZZ_CHECK(d.expires_in >= 0 && d.expires_in <= kMaxExpiresInSeconds);
    if (d.interval) FUZZ_CHECK(*d.interval >= 0 && *d.interval <= 3600);
  } catch (const Error &e) {
    check_refusal(e, answer, secrets);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("parse_device_authorization threw something else than qwen::sdk::Error: ") + e.what());
  }

  try {
    TokenAnswer out;
    DevicePoll p = classify_device_poll(answer, kServer, out);
    if (p.kind == Kind::Approved) check_tokens(out, answer);
    if (p.kind == Kind::Failed) FUZZ_CHECK(p.status != QWEN_OK);
    if (p.kind == Kind::Failed || p.kind == Kind::Denied) check_message(p.message, secrets);
    if (answer.status >= 500) FUZZ_CHECK(p.kind == Kind::Retry);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("classify_device_poll threw: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const uint8_t s = in.byte();
  HttpResponse answer;
  answer.status = s < 200 ? kStatuses[s % (sizeof kStatuses / sizeof *kStatuses)] : (s - 200) * 11;  // 0..605
  const char *content_type = kContentTypes[in.byte() % (sizeof kContentTypes / sizeof *kContentTypes)];
  if (*content_type) answer.headers.push_back({"Content-Type", content_type});
  answer.body = std::string(in.rest());

  check_all(answer, {});
  auto [marked_body, markers] = with_marked_tokens(answer.body);
  if (!markers.empty()) {
    answer.body = marked_body;
    check_all(answer, markers);
  }
  return 0;
}
