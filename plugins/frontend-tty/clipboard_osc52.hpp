// clipboard_osc52.hpp — /copy: the last answer's raw text, or its last fenced
// code block (/copy code), put on the clipboard with OSC 52
// (ESC ] 52 ; c ; <base64> BEL). The terminal does the copying, so it works
// over SSH and inside tmux (set-clipboard on); base64 keeps whatever the text
// holds from being read as a control sequence on the way.
#pragma once

#include <string>
#include <string_view>

namespace tty_frontend {

// The OSC 52 sequence that sets the clipboard to `bytes`.
std::string osc52_sequence(std::string_view bytes);

struct CopyOutcome {
  std::string sequence;  // to write to the terminal (empty: nothing to copy)
  std::string message;   // one line for the user, with its line end
};

// What "/copy ARG" does with the last answer (empty: none yet); `terminal` says whether standard output is one.
CopyOutcome copy_command(const std::string &last_answer, const std::string &arg, bool terminal);

}  // namespace tty_frontend
