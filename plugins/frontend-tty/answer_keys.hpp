// answer_keys.hpp — the keyboard while an answer streams. The terminal's own
// Ctrl-C handling (ISIG) is off and a thread reads the keys instead: Ctrl-C
// is passed on to the host as SIGINT, so the transfer stops at once, and is
// counted; Ctrl-Z suspends the job (the terminal's settings back first); any
// other key is kept for the next prompt. Counting is what lets
// the front-end tell the user's Ctrl-C from a cancellation it did not cause
// (SIGTERM, a signal from another process), after which it must leave.
#pragma once

#include <termios.h>

#include <atomic>
#include <string>
#include <thread>

namespace tty_frontend {

class AnswerKeys {
 public:
  AnswerKeys();  // starts watching when standard input is a terminal
  ~AnswerKeys();
  AnswerKeys(const AnswerKeys &) = delete;
  AnswerKeys &operator=(const AnswerKeys &) = delete;

  // Stops watching and gives the terminal back; idempotent.
  void stop();
  // After stop(): how often Ctrl-C was pressed, and the other keys in the order typed.
  int ctrl_c_presses() const { return ctrl_c_; }
  const std::string &typeahead() const { return typeahead_; }

  // While one lives, the watcher of the current answer (if any) is paused: a question asked in the middle
  // of a turn reads the keyboard itself.
  class Pause {
   public:
    Pause();
    ~Pause();
    Pause(const Pause &) = delete;
    Pause &operator=(const Pause &) = delete;

   private:
    AnswerKeys *paused_ = nullptr;
  };

 private:
  void start();
  void halt();
  void watch();

  bool active_ = false;
  termios saved_{};
  termios keys_{};  // the settings while watching (Ctrl-Z puts saved_ back, then these)
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<int> ctrl_c_{0};
  std::string typeahead_;  // written by the thread, read after it was joined
};

}  // namespace tty_frontend
