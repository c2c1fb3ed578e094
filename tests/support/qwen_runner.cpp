#include "support/qwen_runner.hpp"

namespace qwen::test {

ProcessResult run_qwen(const TempDir &home, const std::vector<std::string> &args, const QwenRunOptions &options) {
  ProcessOptions o;
  o.args.push_back(QWEN_TEST_BIN);
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  for (const auto &[k, v] : options.env) o.env[k] = v;
  o.stdin_text = options.stdin_text;
  o.cwd = options.cwd.empty() ? home.path().string() : options.cwd;
  o.timeout = options.timeout;
  return run_process(o);
}

}  // namespace qwen::test
