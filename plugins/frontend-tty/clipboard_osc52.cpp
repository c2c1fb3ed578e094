#include "clipboard_osc52.hpp"

#include <qwen/sdk/base64.hpp>
#include <qwen/sdk/terminal_text.hpp>

#include <algorithm>

#include "markdown_renderer.hpp"

namespace tty_frontend {

std::string osc52_sequence(std::string_view bytes) {
  return "\x1b]52;c;" + qwen::sdk::base64(bytes) + "\x07";
}

CopyOutcome copy_command(const std::string &last_answer, const std::string &arg, bool terminal) {
  if (!arg.empty() && arg != "code") return {{}, "Usage: /copy (the last answer) or /copy code (its last code block).\n"};
  if (!terminal) return {{}, "Not copied: /copy needs a terminal (it asks the terminal to copy, with OSC 52).\n"};
  if (last_answer.empty()) return {{}, "Nothing to copy yet: no answer in this session.\n"};
  if (arg.empty())
    return {osc52_sequence(last_answer),
            "Copied the last answer (" + std::to_string(last_answer.size()) + " bytes) to the clipboard.\n"};
  const CodeBlock code = last_code_block(last_answer);
  if (!code.found) return {{}, "The last answer has no code block.\n"};
  const auto lines = std::count(code.text.begin(), code.text.end(), '\n');
  const std::string language = qwen::sdk::terminal_safe(code.language);
  return {osc52_sequence(code.text), "Copied the last code block (" + (language.empty() ? "" : language + ", ") +
                                         std::to_string(lines) + (lines == 1 ? " line" : " lines") +
                                         ") to the clipboard.\n"};
}

}  // namespace tty_frontend
