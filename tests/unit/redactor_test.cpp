// The secret registry that scrubs every line the host writes, and the model's answer delta by delta.
// (The registry is process-wide: each test registers secrets of its own.)
#include <catch2/catch.hpp>

#include "util/redactor.hpp"

using namespace qwen::util;

namespace {

// `text` cut into pieces of `size` bytes, fed one by one.
std::string streamed(const std::string &text, size_t size) {
  StreamScrubber s;
  std::string out;
  for (size_t i = 0; i < text.size(); i += size) out += s.feed(text.substr(i, size));
  return out + s.finish();
}

}  // namespace

TEST_CASE("a registered secret never survives scrub, wherever it appears") {
  register_secret("sk-unit-test-secret-7777");
  std::string out = scrub("Bearer sk-unit-test-secret-7777 and again sk-unit-test-secret-7777!");
  CHECK(out.find("sk-unit-test-secret-7777") == std::string::npos);
  CHECK(out == "Bearer sk-…7777 and again sk-…7777!");
  CHECK(scrub("glued:xsk-unit-test-secret-7777y") == "glued:xsk-…7777y");  // 8 characters or more: anywhere
}

TEST_CASE("a secret containing another is replaced whole") {
  register_secret("abcdef-inner");
  register_secret("outer-abcdef-inner-tail");
  CHECK(scrub("x outer-abcdef-inner-tail y") == "x out…tail y");
}

TEST_CASE("a short secret is replaced where it stands alone, not inside a longer word") {
  register_secret("qxz");
  CHECK(scrub("qxz qxz") == "**** ****");
  CHECK(scrub("key=qxz.") == "key=****.");
  CHECK(scrub("Bearer qxz") == "Bearer ****");
  CHECK(scrub("\"qxz\"") == "\"****\"");
  CHECK(scrub("aqxz qxzb qxz9 éqxz") == "aqxz qxzb qxz9 éqxz");  // part of a word: ordinary text
  register_secret("Q");  // even one character is a secret
  CHECK(scrub("Q") == "****");
  CHECK(scrub("a Q b QQ Quiet") == "a **** b QQ Quiet");
}

TEST_CASE("the password of a URL's userinfo is replaced in every URL printed") {
  CHECK(redact_url_passwords("POST http://user:pw@127.0.0.1:8080/v1/chat -> 500") ==
        "POST http://user:****@127.0.0.1:8080/v1/chat -> 500");
  CHECK(redact_url_passwords("{\"url\":\"https://u:p%40ss@h.example/v1\"}") ==
        "{\"url\":\"https://u:****@h.example/v1\"}");
  CHECK(redact_url_passwords("two: http://a:b@h and HTTPS://c:d@[::1]:9/x?q") ==
        "two: http://a:****@h and HTTPS://c:****@[::1]:9/x?q");
  // A user name, a port or an '@' later in the path are not passwords.
  for (const char *same : {"http://user@host/v1", "http://host:8080/v1", "http://host/a:b@c", "see a:b@c",
                           "mailto:a@b", "http://:@h/"})
    CHECK(redact_url_passwords(same) == same);
  // scrub() does it for any URL, registered or not.
  CHECK(scrub("base URL: http://me:unregistered-pw@h/v1") == "base URL: http://me:****@h/v1");
}

TEST_CASE("a URL's password, once registered, is scrubbed wherever it shows, also percent-decoded") {
  register_url_password("http://me:pw%40unit-42@127.0.0.1:1/v1");
  CHECK(scrub("it was pw@unit-42 and pw%40unit-42") == "it was **** and pw%…t-42");
  register_url_password("http://no-password@h/v1");  // nothing to register
  CHECK(scrub("no-password") == "no-password");
}

TEST_CASE("redact shows a short form only") {
  CHECK(redact("") == "(empty)");
  CHECK(redact("short") == "****");
  CHECK(redact("sk-1234567890abcdef") == "sk-…cdef");
}

TEST_CASE("an answer streamed in pieces is scrubbed as the whole text is, whatever the cuts") {
  register_secret("sk-stream-secret-4242");
  register_secret("kp7");
  const std::string text = "say sk-stream-secret-4242 twice: sk-stream-secret-4242. kp7, kp7x, xkp7 and kp7";
  const std::string whole = "say sk-…4242 twice: sk-…4242. ****, kp7x, xkp7 and ****";
  REQUIRE(scrub(text) == whole);
  for (size_t size = 1; size <= text.size(); ++size) {
    INFO("pieces of " << size << " bytes");
    CHECK(streamed(text, size) == whole);
  }
  // Every cut into two pieces.
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    StreamScrubber s;
    std::string out = s.feed(text.substr(0, cut));
    out += s.feed(text.substr(cut));
    out += s.finish();
    INFO("cut at " << cut);
    CHECK(out == whole);
  }
}

TEST_CASE("the stream holds back only a tail that could start a secret, and only until the next piece") {
  register_secret("sk-hold-secret-9898");
  StreamScrubber s;
  CHECK(s.feed("plain text, shown at once. ") == "plain text, shown at once. ");
  CHECK_FALSE(s.holding());
  CHECK(s.feed("the key is sk-ho") == "the key is ");  // "sk-ho" may be the start of the secret
  CHECK(s.holding());
  CHECK(s.feed("use") == "sk-house");  // it was not
  CHECK_FALSE(s.holding());
  CHECK(s.feed("d sk-hold-secret-98") == "d ");
  CHECK(s.finish() == "sk-hold-secret-98");  // the answer ended: what was held is shown
}
