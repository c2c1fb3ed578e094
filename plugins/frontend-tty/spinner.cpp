#include "spinner.hpp"

#include <qwen/sdk/wait_words.hpp>

#include <cstdlib>
#include <cstring>

#include "terminal.hpp"

namespace tty_frontend {

bool terminal_can_redraw() {
  const char *term = std::getenv("TERM");
  return stdout_is_terminal() && term && *term && std::strcmp(term, "dumb") != 0;
}

bool terminal_wants_colour() {
  return terminal_can_redraw() && std::getenv("NO_COLOR") == nullptr;
}

std::string retry_words(const std::string &reason, long wait_ms) {
  const std::string wait = qwen::sdk::retrying_in(wait_ms);
  if (reason.find("429") != std::string::npos) return "rate limited, " + wait;
  return shown(reason) + "; " + wait;
}

Spinner::~Spinner() {
  stop();
}

void Spinner::start() {
  if (thread_.joinable() && erased_) stop();  // a line taken by a token earlier: its thread joined first
  if (thread_.joinable() || !terminal_can_redraw()) return;  // running already: it goes on counting
  started_ = std::chrono::steady_clock::now();
  stopping_ = false;
  write_out(line(0));  // at once: the first frame is the sign that the question left
  thread_ = std::thread([this] { run(); });
}

void Spinner::say(const std::string &words) {
  std::lock_guard<std::mutex> lock(mutex_);
  words_ = words;
}

std::string Spinner::take_line() {
  if (!thread_.joinable() || erased_) return {};
  {
    // The thread writes its frames holding the lock: once stopping_ is set under it, none follows.
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  erased_ = true;
  return "\r\x1b[K";
}

void Spinner::stop() {
  if (!thread_.joinable()) return;
  const std::string erase = take_line();
  thread_.join();
  erased_ = false;
  if (!erase.empty()) write_out(erase);
}

std::string Spinner::line(int frame) const {
  static const char *const kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  std::string text = std::string(kFrames[frame % 10]) + " " + words_ + ", " + std::to_string(seconds) +
                     " s (Ctrl-C cancels)";
  return "\r" + text + "\x1b[K";
}

void Spinner::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (int frame = 1; !stopping_; ++frame) {
    if (wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) break;
    write_out(line(frame));
  }
}

}  // namespace tty_frontend
