// Runs a child process with a chosen environment, feeds its stdin, and
// collects stdout, stderr and the exit status, with a hard time limit.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qwen::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::vector<std::string> args;           // args[0] is the program path
  std::map<std::string, std::string> env;  // the whole environment (nothing inherited)
  std::optional<std::string> stdin_text;   // nullopt: stdin is /dev/null
  std::string cwd;                         // empty: the current directory
  std::chrono::milliseconds timeout{30000};
};

// When QWEN_TEST_OUTPUT_DIR is set (CTest sets it for every test), each child's stdout and stderr are
// saved there as NAME-PID-N.out, with its command line and environment in NAME-PID-N.meta.json, for the
// secrets sweep (tests/e2e/secrets_sweep_test.cpp) to check after the whole suite ran.
ProcessResult run_process(const ProcessOptions &options);

// A fresh path (without extension) in QWEN_TEST_OUTPUT_DIR for a file named after `stem`; empty when unset.
std::filesystem::path test_output_path(const std::string &stem);

// A child that keeps running until stopped (a server, or a client we signal).
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const ProcessOptions &options);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess &) = delete;
  BackgroundProcess &operator=(const BackgroundProcess &) = delete;

  int pid() const { return pid_; }
  // Reads stdout until a line containing `needle` arrives; returns that line or empty on timeout/EOF.
  std::string wait_for_line(const std::string &needle, std::chrono::milliseconds timeout);
  // Reads stdout and stderr until `needle` appears in either (no newline needed); false on timeout/EOF.
  bool wait_for_output(const std::string &needle, std::chrono::milliseconds timeout);
  void signal(int sig);
  // Waits for exit (killing it after the timeout); collects the remaining output.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

 private:
  ProcessOptions options_;
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  bool finished_ = false;
  ProcessResult result_;
};

}  // namespace qwen::test
