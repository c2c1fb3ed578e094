// qwen/sdk/key_check.hpp — is this API key taken? One bounded GET <base>/models
// with the key as its bearer, through the host's http_request, before a sign-in
// keeps anything: a typo is found at sign-in rather than at the first question.
//
// The check only reports what happened; the plugin decides what it means. A
// 2xx is an accepted key and 401/403 a refused one everywhere, but a server
// without /models (404/405), a 5xx, a 429, no answer at all or a cut answer
// say nothing about the key: a plugin for one known service may refuse to go
// on (coding-plan), one for any OpenAI-compatible server keeps the key and
// says it could not be checked (openai). The answer's body is never read,
// only bounded: an endless answer is cut once its status is known.
//
// The caller has already decided that the base URL may carry the key (https,
// or plain http where its own rules allow it): this sends it there as given.
//
//   const auto c = qwen::sdk::check_key_with_models(host(), base_url, key);
//   if (c.outcome == qwen::sdk::KeyCheck::Outcome::Refused) throw ...;
#ifndef QWEN_SDK_KEY_CHECK_HPP
#define QWEN_SDK_KEY_CHECK_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include <cstdint>
#include <string>

namespace qwen::sdk {

struct KeyCheckOptions {
  uint32_t timeout_ms = 10000;             // the whole request, connect included
  uint64_t max_answer_bytes = 1u << 20;    // a models list is a few KiB
  bool progress = true;                    // "Checking the key with <url> ..." (QWEN_UI_PROGRESS) first
};

// What GET <base>/models said of the key.
struct KeyCheck {
  enum class Outcome {
    Accepted,   // a 2xx answer
    Refused,    // 401 or 403: the server does not take this key
    Answered,   // another status (404/405 without /models, 429, 5xx, ...): `status` says which
    NoAnswer,   // no status: unreachable, timed out, TLS refused...; `transport` and `error` say why
    Cancelled,  // the user cancelled (Ctrl-C) while it ran
  };
  Outcome outcome = Outcome::NoAnswer;
  int status = 0;                  // the HTTP status, 0 when none arrived
  std::string url;                 // what was asked, for messages: <base>/models without a password
  qwen_status transport = QWEN_OK; // NoAnswer/Cancelled: http_request's status
  std::string error;               // NoAnswer: http_request's message
};

// GET <base_url>/models with "Authorization: Bearer <key>" (base_url without a trailing slash). Never throws for
// what the server or the network does; the key appears in no field of the result.
inline KeyCheck check_key_with_models(const Host &host, const std::string &base_url, const std::string &key,
                                      const KeyCheckOptions &options = {}) {
  KeyCheck result;
  const std::string url = base_url + "/models";
  result.url = url_without_password(url);
  struct Answer {
    int32_t status = 0;
    uint64_t bytes = 0;
    uint64_t cap = 0;
  } answer;
  answer.cap = options.max_answer_bytes;
  const std::string authorization = "Authorization: Bearer " + key;
  const char *headers[] = {authorization.c_str(), "Accept: application/json"};
  qwen_http_request req{};
  req.struct_size = sizeof req;
  req.method = "GET";
  req.url = url.c_str();
  req.headers = headers;
  req.header_count = 2;
  req.timeout_ms = options.timeout_ms;
  qwen_http_callbacks cb{};
  cb.struct_size = sizeof cb;
  cb.ctx = &answer;
  cb.on_status = [](void *c, int32_t status) -> int32_t {
    static_cast<Answer *>(c)->status = status;
    return 0;
  };
  cb.on_body = [](void *c, const uint8_t *, uint64_t size) -> int32_t {
    auto *a = static_cast<Answer *>(c);
    a->bytes += size;
    return a->bytes > a->cap ? 1 : 0;
  };
  qwen_error err = make_error();
  if (options.progress) host.notice("Checking the key with " + result.url + " ...", QWEN_UI_PROGRESS);
  const qwen_host *h = host.raw();
  const qwen_status s = h->http_request(h, &req, &cb, &err);
  // Stopped by on_body past the cap: the status is known, which is all the check needs.
  const bool cut = s == QWEN_ERR_CANCELLED && answer.bytes > answer.cap && !host.cancelled();
  if (s != QWEN_OK && !cut) {
    result.transport = s;
    result.error = err.message;
    result.outcome = s == QWEN_ERR_CANCELLED ? KeyCheck::Outcome::Cancelled : KeyCheck::Outcome::NoAnswer;
    return result;
  }
  result.status = answer.status;
  if (answer.status >= 200 && answer.status < 300)
    result.outcome = KeyCheck::Outcome::Accepted;
  else if (answer.status == 401 || answer.status == 403)
    result.outcome = KeyCheck::Outcome::Refused;
  else
    result.outcome = KeyCheck::Outcome::Answered;
  return result;
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_KEY_CHECK_HPP
