#include "support/qwen_runner.hpp"

#include <unistd.h>

namespace qwen::test {

ProcessResult run_qwen(const TempDir &home, const std::vector<std::string> &args, const QwenRunOptions &options) {
  ProcessOptions o;
  if (options.no_network) {
    // Root (CI) may create a network namespace directly; anyone else needs a user namespace for it.
    o.args = {"/usr/bin/unshare", "-n"};
    if (geteuid() != 0) o.args.insert(o.args.begin() + 1, "-r");
  }
  o.args.push_back(QWEN_TEST_BIN);
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  for (const auto &[k, v] : options.env) o.env[k] = v;
  o.stdin_text = options.stdin_text;
  o.cwd = options.cwd.empty() ? home.path().string() : options.cwd;
  o.timeout = options.timeout;
  return run_process(o);
}

ProcessResult run_shell(const std::string &command, const std::filesystem::path &home) {
  ProcessOptions o;
  o.args = {"/bin/sh", "-c", command};
  o.env = base_env(home);
  o.env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  o.timeout = std::chrono::milliseconds(240000);
  return run_process(o);
}

}  // namespace qwen::test
