// qwen/sdk/wait_words.hpp — a wait before a retry, in the words every front-end
// uses: "retrying now", "retrying in 0.4 s", "retrying in 3 s", "retrying in 2 min".
// (A sub-second wait is not "0 s"; a long one is not thousands of seconds.)
#ifndef QWEN_SDK_WAIT_WORDS_HPP
#define QWEN_SDK_WAIT_WORDS_HPP

#include <string>

namespace qwen::sdk {

inline std::string retrying_in(long wait_ms) {
  if (wait_ms <= 0) return "retrying now";
  if (wait_ms < 10000 && wait_ms % 1000 != 0) {
    const long tenths = (wait_ms + 99) / 100;
    return "retrying in " + std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
  }
  const long seconds = (wait_ms + 999) / 1000;
  return seconds < 120 ? "retrying in " + std::to_string(seconds) + " s"
                       : "retrying in " + std::to_string((seconds + 59) / 60) + " min";
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_WAIT_WORDS_HPP
