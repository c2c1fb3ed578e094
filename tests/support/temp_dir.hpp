// A temporary directory removed with everything in it when the object dies.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace qwen::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  // Writes `text` to path()/relative, creating parent folders; returns the full path.
  std::filesystem::path write(const std::string &relative, const std::string &text) const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path &path);

// The environment a test's `qwen` runs in: a temporary HOME, the build's plugins, nothing from the
// developer's own environment (no real keys, no proxies), and no browser unless the test sets one.
std::map<std::string, std::string> base_env(const std::filesystem::path &home);

}  // namespace qwen::test
