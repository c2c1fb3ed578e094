// error_of.hpp — what a call threw, for the plugin's unit tests: the
// qwen::sdk::Error (status QWEN_OK when nothing was thrown), or its status.
#pragma once

#include <qwen/plugin.hpp>

#include <functional>

namespace qwen_oauth_test {

inline qwen::sdk::Error error_of(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const qwen::sdk::Error &e) {
    return e;
  }
  return qwen::sdk::Error(QWEN_OK, "");
}

inline qwen_status status_of(const std::function<void()> &fn) {
  return error_of(fn).status();
}

}  // namespace qwen_oauth_test
