// prompt_input.hpp — the headless prompt: piped standard input and -p
// combine as the piped text, a blank line, then the prompt (Qwen Code's
// rule); either alone is the prompt. Standard input is capped at 8 MiB.
#pragma once

#include <optional>
#include <string>

namespace pipe_frontend {

inline constexpr size_t kMaxStdinBytes = 8u << 20;

struct PromptInput {
  std::string prompt;  // empty when there is none
  std::string error;   // non-empty: the input is unusable (too large, unreadable)
};

// Reads all of `fd` (unless it is a terminal) and combines it with `flag_prompt`.
PromptInput read_prompt(int fd, const std::optional<std::string> &flag_prompt);

// The combination rule alone.
std::string combine_prompt(const std::string &piped, const std::optional<std::string> &flag_prompt);

}  // namespace pipe_frontend
