// Fuzzes what stands between a server's text and the user: the stream scrubber that replaces registered
// secrets in the model's answer delta by delta (core/util/redactor.*), and the SDK's terminal_safe()
// (sdk/include/qwen/sdk/terminal_text.hpp).
//
// Input: the split header (count, points), then the answer's bytes.
// Checks, besides no crash:
//  - split invariance: the answer scrubbed in the chosen pieces, in one piece and one byte at a time is the
//    same text;
//  - no registered secret of 8 characters or more is left in it, wherever the cuts fell;
//  - terminal_safe() leaves no control character a terminal would act on (only newline, tab, CR before a
//    newline), and is idempotent.
#include <cstdint>
#include <string>
#include <vector>

#include <qwen/sdk/terminal_text.hpp>

#include "fuzz_support.hpp"
#include "util/redactor.hpp"

namespace {

const char *const kLongSecrets[] = {"sk-fuzz-secret-0123456789", "pass-word"};
const char *const kShortSecrets[] = {"ab", "Q", "EMPTY"};

std::string streamed(const std::vector<std::string_view> &pieces) {
  qwen::util::StreamScrubber s;
  std::string out;
  for (auto p : pieces) out += s.feed(p);
  return out + s.finish();
}

void check_terminal_safe(std::string_view text) {
  const std::string safe = qwen::sdk::terminal_safe(text);
  for (size_t i = 0; i < safe.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(safe[i]);
    if (c == '\r') FUZZ_CHECK(i + 1 < safe.size() && safe[i + 1] == '\n');
    FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t' || c == '\r');
    FUZZ_CHECK(c != 0x7f);
    if (c == 0xc2 && i + 1 < safe.size()) {
      const unsigned char next = static_cast<unsigned char>(safe[i + 1]);
      FUZZ_CHECK(next < 0x80 || next > 0x9f);
    }
  }
  FUZZ_CHECK(!qwen::sdk::has_terminal_controls(safe));
  FUZZ_CHECK(qwen::sdk::terminal_safe(safe) == safe);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const bool registered = [] {
    for (const char *s : kLongSecrets) qwen::util::register_secret(s);
    for (const char *s : kShortSecrets) qwen::util::register_secret(s);
    return true;
  }();
  (void)registered;
  qwen_fuzz::Bytes in(data, size);
  std::string_view text;
  const auto pieces = qwen_fuzz::split_by_header(in, &text);
  const std::string whole = streamed({text});
  FUZZ_CHECK(streamed(pieces) == whole);
  FUZZ_CHECK(streamed(qwen_fuzz::single_bytes(text)) == whole);
  for (const char *s : kLongSecrets) FUZZ_CHECK(whole.find(s) == std::string::npos);
  check_terminal_safe(text);
  return 0;
}
