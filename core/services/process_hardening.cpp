#include "services/process_hardening.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstring>

namespace qwen::services {
namespace {

// Options whose value is a secret (`qwen auth METHOD -k KEY` too; --with-key keeps it off the line).
constexpr const char *kSecretOptions[] = {"--openai-api-key", "--key", "-k"};

void blank(char *text) {
  // The length stays (ps shows blanks where the key was, as with curl): the kernel keeps the argument
  // area's size, and a shorter string would only move the next argument.
  std::memset(text, ' ', std::strlen(text));
}

}  // namespace

void harden_process() {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
}

void blank_secret_arguments(int argc, char **argv) {
  for (int i = 1; i < argc && argv[i]; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    for (const char *option : kSecretOptions) {
      const size_t n = std::strlen(option);
      if (std::strcmp(argv[i], option) == 0 && i + 1 < argc && argv[i + 1]) {
        blank(argv[++i]);
      } else if (std::strncmp(argv[i], option, n) == 0 && argv[i][n] == '=') {
        blank(argv[i] + n + 1);
      } else if (n == 2 && std::strncmp(argv[i], option, n) == 0 && argv[i][n] != '\0') {
        blank(argv[i] + n);  // a short option's value joined to it: -kKEY
      }
    }
  }
}

}  // namespace qwen::services
