// The secret values of the command line are blanked in place (what ps shows), every spelling of them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "services/process_hardening.hpp"

namespace {
std::vector<std::string> blanked(std::vector<std::string> args) {
  std::vector<char *> argv;
  for (auto &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  qwen::services::blank_secret_arguments(static_cast<int>(args.size()), argv.data());
  return args;
}
}  // namespace

TEST_CASE("argv: every spelling of a secret option has its value blanked, the rest is kept", "[process]") {
  CHECK(blanked({"qwen", "--openai-api-key", "sk-1", "-p", "hi"}) ==
        std::vector<std::string>{"qwen", "--openai-api-key", "    ", "-p", "hi"});
  CHECK(blanked({"qwen", "auth", "coding-plan", "-k", "sk-sp-2", "-u", "https://x"}) ==
        std::vector<std::string>{"qwen", "auth", "coding-plan", "-k", "       ", "-u", "https://x"});
  CHECK(blanked({"qwen", "auth", "api-key", "--key=sk-3"}) == std::vector<std::string>{"qwen", "auth", "api-key", "--key=    "});
  CHECK(blanked({"qwen", "auth", "api-key", "-ksk-4"}) == std::vector<std::string>{"qwen", "auth", "api-key", "-k    "});
  CHECK(blanked({"qwen", "--keyboard", "x", "-p", "--key"}) ==
        std::vector<std::string>{"qwen", "--keyboard", "x", "-p", "--key"});  // a last --key has no value
  CHECK(blanked({"qwen", "--", "--key", "text"}) == std::vector<std::string>{"qwen", "--", "--key", "text"});
}
