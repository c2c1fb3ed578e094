// spinner.hpp — a sign of life between sending a question and its first
// token: one line, redrawn ten times a second, with the seconds waited and
// how to stop ("⠹ waiting for the answer, 3 s (Ctrl-C cancels)"); a retry
// replaces the words ("rate limited, retrying in 4 s"). Only on a terminal
// that can rewrite a line (not a pipe, not TERM=dumb); erased, leaving the
// cursor where the line began, when the first token arrives.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tty_frontend {

class Spinner {
 public:
  Spinner() = default;
  ~Spinner();
  Spinner(const Spinner &) = delete;
  Spinner &operator=(const Spinner &) = delete;

  void start();  // no-op unless standard output is a terminal that can rewrite a line
  // The words of the line from now on (a retry's), already safe to show.
  void say(const std::string &words);
  // Erases the line and stops; idempotent. Called before anything else is written.
  void stop();
  // For the first token: stops the animation at once (no frame is written after this returns) and gives the
  // bytes that erase the line, to go out in the same write as the token: a join and a write of its own took
  // a quarter of a millisecond from the token's way to the screen. The thread is joined by stop() later.
  std::string take_line();
  bool running() const { return thread_.joinable() && !erased_; }

 private:
  void run();
  std::string line(int frame) const;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool erased_ = false;  // take_line() gave the erasing bytes away
  std::string words_ = "waiting for the answer";
  std::chrono::steady_clock::time_point started_{};
  std::thread thread_;
};

// The words a retry shows in the spinner's line: "rate limited, retrying in 4 s" for a 429.
std::string retry_words(const std::string &reason, long wait_ms);

// Whether the terminal on standard output can take cursor movement (not TERM=dumb, not a pipe), and colour
// (besides: NO_COLOR not set, whatever its value).
bool terminal_can_redraw();
bool terminal_wants_colour();

}  // namespace tty_frontend
