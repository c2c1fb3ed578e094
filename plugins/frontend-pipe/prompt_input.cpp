#include "prompt_input.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pipe_frontend {

std::string combine_prompt(const std::string &piped, const std::optional<std::string> &flag_prompt) {
  bool has_piped = piped.find_first_not_of(" \t\r\n") != std::string::npos;
  if (!flag_prompt || flag_prompt->empty()) return has_piped ? piped : std::string();
  if (!has_piped) return *flag_prompt;
  std::string text = piped;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text + "\n\n" + *flag_prompt;
}

PromptInput read_prompt(int fd, const std::optional<std::string> &flag_prompt) {
  PromptInput in;
  std::string piped;
  if (!isatty(fd)) {
    char buf[65536];
    while (true) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) {
          in.error = "cancelled while reading standard input";
          return in;
        }
        in.error = std::string("cannot read standard input: ") + std::strerror(errno);
        return in;
      }
      piped.append(buf, static_cast<size_t>(n));
      if (piped.size() > kMaxStdinBytes) {
        in.error = "standard input is larger than 8 MiB; pass a smaller file";
        return in;
      }
    }
  }
  in.prompt = combine_prompt(piped, flag_prompt);
  return in;
}

}  // namespace pipe_frontend
