// The SDK's atomic file replacement: mode 0600, private folders, and failures
// (read-only folder, disk full) that leave the old file whole.
#include <catch2/catch.hpp>

#include <qwen/sdk/atomic_file.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "scratch_dir.hpp"

using qwen_oauth_test::file_mode;
using qwen_oauth_test::ScratchDir;
using qwen_oauth_test::slurp;
using qwen_oauth_test::spit;

namespace {

// Runs `body` in a child process (as an unprivileged user when we are root, so
// that permissions apply) and returns its exit status.
int in_child(const std::function<int()> &body, bool drop_root) {
  pid_t pid = fork();
  if (pid == 0) {
    if (drop_root && geteuid() == 0) {
      if (setgid(65534) != 0 || setuid(65534) != 0) _exit(90);
    }
    int code = 91;
    try {
      code = body();
    } catch (...) {
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// 0 when write_file_atomically threw an Error that names the file; 1 when it did not throw.
int expect_save_error(const std::string &path, const std::string &content) {
  try {
    qwen::sdk::write_file_atomically(path, content);
  } catch (const qwen::sdk::Error &e) {
    return std::string(e.what()).find(path) != std::string::npos ? 0 : 2;
  }
  return 1;
}

size_t entries_in(const std::string &dir) {
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST_CASE("the file is written whole with mode 0600 whatever the umask", "[atomic]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.json");
  mode_t old = umask(0);
  qwen::sdk::write_file_atomically(path, "{\"a\":1}");
  umask(old);
  CHECK(slurp(path) == "{\"a\":1}");
  CHECK(file_mode(path) == 0600);
  spit(path, "old");
  chmod(path.c_str(), 0644);
  qwen::sdk::write_file_atomically(path, "new");
  CHECK(slurp(path) == "new");
  CHECK(file_mode(path) == 0600);
  CHECK(entries_in(dir.path()) == 1);  // no temporary file left behind
}

TEST_CASE("missing folders are created private (0700)", "[atomic]") {
  ScratchDir dir;
  const std::string path = dir.file("a/b/creds.json");
  qwen::sdk::write_file_atomically(path, "x");
  CHECK(file_mode(dir.file("a")) == 0700);
  CHECK(file_mode(dir.file("a/b")) == 0700);
  CHECK(slurp(path) == "x");
}

TEST_CASE("a read-only folder keeps the old file intact and the error names it", "[atomic]") {
  ScratchDir dir;
  chmod(dir.path().c_str(), 0755);
  const std::string sub = dir.file("home");
  mkdir(sub.c_str(), 0755);
  const std::string path = sub + "/oauth_creds.json";
  spit(path, "old content");
  chmod(path.c_str(), 0644);
  chmod(sub.c_str(), 0555);
  CHECK(in_child([&] { return expect_save_error(path, "new content"); }, true) == 0);
  chmod(sub.c_str(), 0755);
  CHECK(slurp(path) == "old content");
  CHECK(entries_in(sub) == 1);
}

TEST_CASE("a full disk keeps the old file intact and leaves no temporary file", "[atomic]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.json");
  spit(path, "old content");
  // RLIMIT_FSIZE makes writes past 16 bytes fail (EFBIG), like a full disk, even for root.
  int code = in_child(
      [&] {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit {16, 16};
        setrlimit(RLIMIT_FSIZE, &limit);
        return expect_save_error(path, std::string(4096, 'x'));
      },
      false);
  CHECK(code == 0);
  CHECK(slurp(path) == "old content");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a target that is a folder fails cleanly", "[atomic]") {
  ScratchDir dir;
  const std::string path = dir.file("creds.json");
  mkdir(path.c_str(), 0700);
  CHECK(expect_save_error(path, "x") == 0);
  CHECK(entries_in(dir.path()) == 1);
}
