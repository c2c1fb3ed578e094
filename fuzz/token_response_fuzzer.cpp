// Fuzzes the qwen-oauth answers (plugins/auth-qwen-oauth/token_response.*): the device-code answer,
// a device-grant poll and a refresh answer, each with any HTTP status, Content-Type and body.
//
// Input: a selector byte (which status list entry / raw status), a Content-Type byte, then the body.
// Checks, besides no crash and no hang:
//  - parse_device_code_answer and parse_refresh_answer return or throw qwen::sdk::Error with a
//    failure status and a message; classify_device_poll never throws; no other exception escapes;
//  - an accepted device authorization has a device code and a verification URI;
//  - a Failed poll has a failure status and a message;
//  - the tokens a token endpoint sent (in a JSON body) never appear in an error message;
//  - tokens that were accepted (poll Approved, refresh Ok) can be stored: apply_grant then
//    serialize_credentials gives a file that parse_credentials reads back with the same tokens
//    (a token answer must never leave a credentials file we cannot read).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "credentials_file.hpp"
#include "fuzz_support.hpp"
#include "token_response.hpp"

using namespace qwen_oauth;
using Kind = qwen::sdk::DevicePoll::Kind;

namespace {

const char *const kUrl = "https://chat.qwen.ai/api/v1/oauth2/token";
const int kStatuses[] = {200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 502, 503};
const char *const kContentTypes[] = {"application/json", "application/json; charset=utf-8", "",
                                     "text/html",        "TEXT/HTML; charset=UTF-8",        "text/plain"};
const int64_t kNow = 1764000000000;  // 2025-11-24, in ms

// The body with its token strings replaced by markers that appear nowhere else (in the body, the URL or any
// message template), so finding a marker in a message means a token was quoted. Empty when the body is not
// a JSON object with a token string. (Looking for the fuzzer's own token text instead gives false alarms:
// it learns to make tokens out of the messages' fixed words.)
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

void check_storable(const TokenGrant &grant) {
  FUZZ_CHECK(!grant.access_token.empty());
  OAuthCredentials previous;
  previous.access_token = "old-access";
  previous.refresh_token = "old-refresh";
  previous.expiry_date_ms = kNow;
  const OAuthCredentials *const previous_or_none[] = {nullptr, &previous};
  for (const OAuthCredentials *prev : previous_or_none) {
    OAuthCredentials c = apply_grant(grant, kNow, prev);
    try {
      OAuthCredentials back = parse_credentials(serialize_credentials(c));
      FUZZ_CHECK(back.access_token == grant.access_token);
      FUZZ_CHECK(back.refresh_token == c.refresh_token);
      FUZZ_CHECK(back.expiry_date_ms == c.expiry_date_ms);
      FUZZ_CHECK(back.expiry_date_ms > kNow);
    } catch (const CredentialsFileError &e) {
      FUZZ_FAIL(std::string("accepted tokens give a credentials file that cannot be read back: ") + e.what());
    }
  }
}

// Every parser on one answer; `secrets` are strings that no message may contain.
void check_all(const HttpAnswer &answer, const std::vector<std::string> &secrets) {
  try {
    DeviceAuthorization d = parse_device_code_answer(answer, kUrl);
    FUZZ_CHECK(!d.device_code.empty());
    FUZZ_CHECK(!d.verification_uri_complete.empty());
  } catch (const qwen::sdk::Error &e) {
    FUZZ_CHECK(e.status() != QWEN_OK);
    check_message(e.what(), {});  // the device-code endpoint sends no tokens; its errors may quote the body
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("parse_device_code_answer threw something else than qwen::sdk::Error: ") + e.what());
  }

  try {
    TokenGrant grant;
    qwen::sdk::DevicePoll p = classify_device_poll(answer, kUrl, grant);
    if (p.kind == Kind::Approved) check_storable(grant);
    if (p.kind == Kind::Failed) FUZZ_CHECK(p.status != QWEN_OK);
    if (p.kind == Kind::Failed || p.kind == Kind::Denied || p.kind == Kind::Retry) check_message(p.message, secrets);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("classify_device_poll threw: ") + e.what());
  }

  try {
    RefreshResult r = parse_refresh_answer(answer, kUrl);
    if (r.kind == RefreshResult::Kind::Ok) check_storable(r.grant);
    if (r.kind == RefreshResult::Kind::InvalidGrant) check_message(r.message, secrets);
  } catch (const qwen::sdk::Error &e) {
    FUZZ_CHECK(e.status() != QWEN_OK);
    check_message(e.what(), secrets);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("parse_refresh_answer threw something else than qwen::sdk::Error: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qwen_fuzz::Bytes in(data, size);
  const uint8_t s = in.byte();
  const int status = s < 200 ? kStatuses[s % (sizeof kStatuses / sizeof *kStatuses)] : (s - 200) * 11;  // 0..605
  const char *content_type = kContentTypes[in.byte() % (sizeof kContentTypes / sizeof *kContentTypes)];
  HttpAnswer answer;
  answer.status = status;
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
