// redactor.hpp — the process-wide registry of secrets (keys, tokens, URL
// passwords) that must never reach any output. Every line the host writes
// passes through scrub(); the model's answer passes through StreamScrubber.
//
// Which occurrences are replaced: every registered secret, whatever its
// length. One of at least kAnywhereLength characters is replaced wherever it
// occurs. A shorter one (a test key "abc", a local server's "EMPTY") is
// replaced where it stands alone: not where a letter or a digit (or a byte of
// a non-ASCII character) touches it on either side — otherwise a 3-character
// key would turn every word that contains those letters into "****", and
// inside a longer word it cannot be told from ordinary text anyway.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qwen::util {

constexpr size_t kAnywhereLength = 8;

// [thread-safe] Remember a secret; later scrub() calls replace it. Empty values are ignored.
void register_secret(std::string_view secret);

// [thread-safe] Remembers the password of a URL's userinfo ("http://user:PASSWORD@host/"), as written and
// percent-decoded, so that it is scrubbed wherever it shows up later. Does nothing for a URL without one.
void register_url_password(std::string_view url);

// [thread-safe] `text` with every registered secret replaced by its redacted form, and the password of
// every URL's userinfo in it (registered or not) replaced by "****". For diagnostics: log lines, errors,
// status lines.
std::string scrub(std::string_view text);

// `text` with the password of every "scheme://user:password@" in it replaced by "****".
std::string redact_url_passwords(std::string_view text);

// A short display form that identifies a secret without revealing it: "sk-…wxyz", or "****" under 12
// characters.
std::string redact(std::string_view secret);

// The registered secrets scrubbed from text that arrives in pieces (the model's answer, delta by delta): a
// secret split across pieces is still caught. feed() returns what can be shown now and holds back only a
// tail that could still be the start of a secret (for most text: nothing); finish() returns the rest.
// The concatenated output is the whole text scrubbed once, the same for every output format. URL
// passwords the model writes are its content and stay.
class StreamScrubber {
 public:
  std::string feed(std::string_view piece);
  std::string finish();
  bool holding() const { return !held_.empty(); }

 private:
  std::string held_;  // raw text not yet shown
  char before_ = 0;   // the last byte shown (a short secret must not follow a letter or digit); 0: none
};

}  // namespace qwen::util
