// Runs the real `qwen` binary the way a user would, in a temporary HOME.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace qwen::test {

struct QwenRunOptions {
  std::map<std::string, std::string> env;  // added to base_env(home)
  std::optional<std::string> stdin_text;
  std::string cwd;  // default: the home directory
  std::chrono::milliseconds timeout{60000};
  // Run under `unshare -n`: no network at all, so a test of behaviour at a default (real) URL can never
  // reach the real provider.
  bool no_network = false;
};

// Options with just these environment variables added.
inline QwenRunOptions with_env(std::map<std::string, std::string> env) {
  QwenRunOptions o;
  o.env = std::move(env);
  return o;
}

// The lines of a program's output, without their line ends.
inline std::vector<std::string> lines_of(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

ProcessResult run_qwen(const TempDir &home, const std::vector<std::string> &args, const QwenRunOptions &options = {});

// `/bin/sh -c command` in the test environment of `home` (base_env), with the sbin folders on PATH (the build
// tools some commands run: dpkg-shlibdeps, strip), for at most 4 minutes: a build or a package, not a qwen run.
ProcessResult run_shell(const std::string &command, const std::filesystem::path &home);

}  // namespace qwen::test
