// qwen — the host's entry point; everything else is in qwen_core.
#include <string>
#include <vector>

#include "app/application.hpp"
#include "services/process_hardening.hpp"

int main(int argc, char **argv) {
  qwen::services::harden_process();
  // The command line is parsed from a copy, so that the secrets in the real one (what ps shows) are blanked
  // before anything else runs.
  const std::vector<std::string> args(argv, argv + argc);
  qwen::services::blank_secret_arguments(argc, argv);
  std::vector<const char *> copy;
  for (const auto &a : args) copy.push_back(a.c_str());
  copy.push_back(nullptr);
  return qwen::app::run_qwen(argc, copy.data());
}
