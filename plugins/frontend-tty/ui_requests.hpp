// ui_requests.hpp — what an auth plugin (or the host) shows or asks through
// qwen_host.ui, drawn on the terminal: notices, warnings, a progress line
// that rewrites itself, the device-code sign-in (URL, code, QR code), and
// questions (plain, hidden, yes/no, a choice).
#pragma once

#include <qwen/plugin.h>

#include <string>

#include "line_editor.hpp"

namespace tty_frontend {

class UiRequests {
 public:
  explicit UiRequests(LineEditor &editor) : editor_(editor) {}

  // The answer for questions, empty otherwise. Throws qwen::sdk::Error(QWEN_ERR_CANCELLED) when the user
  // cancels a question.
  std::string handle(const qwen_ui_request &request);

  // Ends an open progress line, so the next output starts on a fresh line.
  void end_progress();

 private:
  void show_device_code(const qwen_ui_request &r);
  std::string ask(const qwen_ui_request &r);

  LineEditor &editor_;
  bool progress_open_ = false;
};

// The device-code block as text (no QR code): what the user needs to sign in from any device.
std::string format_device_code(const std::string &text, const std::string &url, const std::string &code,
                               int64_t expires_in_s);

}  // namespace tty_frontend
