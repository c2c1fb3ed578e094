// The SDK's cross-process lock: real processes contending, stale locks in
// Qwen Code's format, and holders that died (even by SIGKILL).
#include <catch2/catch.hpp>

#include <qwen/sdk/file_lock.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <thread>

#include "scratch_dir.hpp"

using qwen::sdk::FileLock;
using qwen_oauth_test::ScratchDir;
using qwen_oauth_test::slurp;
using qwen_oauth_test::spit;
using namespace std::chrono_literals;

namespace {

FileLock::Options quick(std::chrono::milliseconds timeout = 2000ms) {
  FileLock::Options o;
  o.timeout = timeout;
  o.first_retry = 10ms;
  o.max_retry = 50ms;
  return o;
}

void age_file(const std::string &path, int seconds) {
  struct utimbuf t;
  t.actime = t.modtime = time(nullptr) - seconds;
  utime(path.c_str(), &t);
}

std::string host_name() {
  char name[256] = {0};
  gethostname(name, sizeof name - 1);
  return name;
}

// A child that has exited and been reaped: its pid names no process.
pid_t dead_pid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status;
  waitpid(pid, &status, 0);
  return pid;
}

long millis_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("the lock file exists while held, records the holder, and goes on release", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  {
    FileLock lock = FileLock::acquire(path, quick());
    CHECK(lock.held());
    auto holder = qwen::sdk::parse_lock_holder(slurp(path));
    CHECK(holder.id.size() == 32);
    CHECK(holder.pid == getpid());
    CHECK(holder.host == host_name());
    CHECK(qwen_oauth_test::file_mode(path) == 0600);
  }
  CHECK(access(path.c_str(), F_OK) != 0);
}

TEST_CASE("forked processes never hold the lock together and lose no update", "[lock]") {
  ScratchDir dir;
  const std::string lock_path = dir.file("x.lock"), counter = dir.file("counter"), inside = dir.file("inside");
  spit(counter, "0");
  constexpr int kProcesses = 6, kRounds = 15;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      int code = 0;
      try {
        for (int i = 0; i < kRounds; ++i) {
          FileLock lock = FileLock::acquire(lock_path, quick(20000ms));
          int marker = open(inside.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
          if (marker < 0) code = 3;  // someone else is inside: the lock failed
          int n = std::stoi(slurp(counter));
          std::this_thread::sleep_for(1ms);
          spit(counter, std::to_string(n + 1));
          if (marker >= 0) {
            close(marker);
            unlink(inside.c_str());
          }
        }
      } catch (...) {
        code = 4;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(slurp(counter) == std::to_string(kProcesses * kRounds));
  CHECK(access(lock_path.c_str(), F_OK) != 0);
}

TEST_CASE("a Qwen Code lock (a random id only) older than 10 s is stale and broken at once", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, "6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");
  age_file(path, 20);
  auto start = std::chrono::steady_clock::now();
  FileLock lock = FileLock::acquire(path, quick());
  CHECK(millis_since(start) < 1000);
  CHECK(qwen::sdk::parse_lock_holder(slurp(path)).pid == getpid());
}

TEST_CASE("a fresh Qwen Code lock is waited for until it turns stale", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, "6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");
  auto o = quick(3000ms);
  o.stale_after = 300ms;
  auto start = std::chrono::steady_clock::now();
  FileLock lock = FileLock::acquire(path, o);
  CHECK(millis_since(start) >= 250);
  CHECK(millis_since(start) < 2500);
}

TEST_CASE("waiting on a live lock times out with a message and leaves the lock alone", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, "someone-else");
  try {
    FileLock::acquire(path, quick(300ms));
    FAIL("acquired a held lock");
  } catch (const qwen::sdk::FileLockTimeout &e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  CHECK(slurp(path) == "someone-else");
}

TEST_CASE("a holder that is recorded and dead is recovered from at once", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, qwen::sdk::format_lock_holder({"deadbeef", static_cast<long>(dead_pid()), host_name()}));
  auto start = std::chrono::steady_clock::now();
  FileLock lock = FileLock::acquire(path, quick());
  CHECK(millis_since(start) < 1000);
}

TEST_CASE("a holder killed with SIGKILL while holding the lock does not block the others", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t holder = fork();
  if (holder == 0) {
    FileLock lock = FileLock::acquire(path, quick());
    char c = 'x';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  close(ready[1]);
  kill(holder, SIGKILL);
  int status;
  waitpid(holder, &status, 0);
  REQUIRE(access(path.c_str(), F_OK) == 0);  // the dead holder left its file behind
  auto start = std::chrono::steady_clock::now();
  FileLock lock = FileLock::acquire(path, quick());
  CHECK(millis_since(start) < 1000);
}

TEST_CASE("a live recorded holder is respected past 10 s, up to its own limit", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  pid_t sleeper = fork();
  if (sleeper == 0) {
    pause();
    _exit(0);
  }
  spit(path, qwen::sdk::format_lock_holder({"live", static_cast<long>(sleeper), host_name()}));
  age_file(path, 15);
  CHECK_THROWS_AS(FileLock::acquire(path, quick(300ms)), qwen::sdk::FileLockTimeout);
  age_file(path, 40);  // beyond live_holder_max_age (30 s): hung or a reused pid
  CHECK_NOTHROW(FileLock::acquire(path, quick(300ms)));
  kill(sleeper, SIGKILL);
  int status;
  waitpid(sleeper, &status, 0);
}

TEST_CASE("release leaves alone a lock that is no longer ours", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  {
    FileLock lock = FileLock::acquire(path, quick());
    spit(path, "taken-over-by-someone-who-judged-us-stale");
  }
  CHECK(slurp(path) == "taken-over-by-someone-who-judged-us-stale");
}

TEST_CASE("a cancelled wait gives QWEN_ERR_CANCELLED", "[lock]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, "busy");
  auto o = quick();
  o.wait = [](uint32_t) { return false; };
  try {
    FileLock::acquire(path, o);
    FAIL("no error");
  } catch (const qwen::sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_CANCELLED);
  }
}

TEST_CASE("a lock in a folder that cannot hold it is an error, not a wait", "[lock]") {
  CHECK_THROWS_AS(FileLock::acquire("/nonexistent-folder/x.lock", quick()), qwen::sdk::Error);
}

TEST_CASE("lock contents in both formats are parsed", "[lock]") {
  auto ours = qwen::sdk::parse_lock_holder("abc\npid=42\nhost=box\n");
  CHECK(ours.id == "abc");
  CHECK(ours.pid == 42);
  CHECK(ours.host == "box");
  auto theirs = qwen::sdk::parse_lock_holder("6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");
  CHECK(theirs.id == "6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");
  CHECK(theirs.pid == 0);
  CHECK(qwen::sdk::parse_lock_holder("").pid == 0);
  CHECK(qwen::sdk::parse_lock_holder("x\npid=-7").pid == 0);
}

namespace {

// How long ago the file was last modified.
std::chrono::milliseconds file_age(const std::string &path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::chrono::milliseconds::max();
  auto mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - mtime);
}

}  // namespace

TEST_CASE("a held lock keeps its file young, so a waiter that judges by age (Qwen Code) never breaks it",
          "[lock][fresh]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  auto o = quick();
  o.keep_fresh_every = 100ms;
  FileLock lock = FileLock::acquire(path, o);
  const std::string content = slurp(path);
  // A slow refresh: for a second, the lock is never older than a few touches, although it was made to look old.
  age_file(path, 20);
  std::this_thread::sleep_for(250ms);
  auto worst = 0ms;
  for (auto start = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - start < 1s;) {
    worst = std::max(worst, file_age(path));
    std::this_thread::sleep_for(20ms);
  }
  CHECK(worst < 400ms);
  CHECK(slurp(path) == content);  // touched, not rewritten
  lock.release();
  CHECK(access(path.c_str(), F_OK) != 0);
}

TEST_CASE("a holder stuck past keep_fresh_for stops touching, so its lock can turn stale", "[lock][fresh]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  auto o = quick();
  o.keep_fresh_every = 50ms;
  o.keep_fresh_for = 200ms;
  FileLock lock = FileLock::acquire(path, o);
  std::this_thread::sleep_for(400ms);
  age_file(path, 20);
  std::this_thread::sleep_for(300ms);
  CHECK(file_age(path) > 19s);
}

TEST_CASE("without keep_fresh_every the lock ages as before", "[lock][fresh]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  auto o = quick();
  o.keep_fresh_every = 0ms;
  FileLock lock = FileLock::acquire(path, o);
  age_file(path, 20);
  std::this_thread::sleep_for(200ms);
  CHECK(file_age(path) > 19s);
}

TEST_CASE("a waiter says once who holds the lock and how long it waits", "[lock][wait]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  pid_t sleeper = fork();
  if (sleeper == 0) {
    pause();
    _exit(0);
  }
  spit(path, qwen::sdk::format_lock_holder({"live", static_cast<long>(sleeper), host_name()}));
  auto o = quick(600ms);
  o.announce_after = 100ms;
  std::vector<std::string> said;
  o.on_wait = [&](const qwen::sdk::LockHolder &h, std::chrono::milliseconds timeout) {
    said.push_back(qwen::sdk::describe_lock_holder(h) + " " + std::to_string(timeout.count()));
  };
  CHECK_THROWS_AS(FileLock::acquire(path, o), qwen::sdk::FileLockTimeout);
  REQUIRE(said.size() == 1);
  CHECK(said[0] == "pid " + std::to_string(sleeper) + " on " + host_name() + " 600");
  kill(sleeper, SIGKILL);
  int status;
  waitpid(sleeper, &status, 0);

  spit(path, "6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");  // Qwen Code's lock: no pid to name
  said.clear();
  CHECK_THROWS_AS(FileLock::acquire(path, o), qwen::sdk::FileLockTimeout);
  REQUIRE(said.size() == 1);
  CHECK(said[0].find("Qwen Code") != std::string::npos);
}

TEST_CASE("a short wait says nothing", "[lock][wait]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  spit(path, "6f1c2a9e-1b7d-4c1e-9a55-0d7d9a3b2f10");
  auto o = quick(3000ms);
  o.stale_after = 150ms;
  o.announce_after = 1000ms;
  int said = 0;
  o.on_wait = [&](const qwen::sdk::LockHolder &, std::chrono::milliseconds) { ++said; };
  FileLock lock = FileLock::acquire(path, o);
  CHECK(said == 0);
}

// Each with the default options (a 30 s timeout): a refusal must come at once, not after the wait.
TEST_CASE("a link, a dangling link, a FIFO or a folder at the lock's path is refused at once, left as it was",
          "[lock][hostile]") {
  for (const std::string kind : {"link to a file", "dangling link", "fifo", "folder"}) {
    INFO(kind);
    ScratchDir dir;
    const std::string path = dir.file("oauth_creds.lock"), target = dir.file("target");
    spit(target, "the target's own text\n");
    if (kind == "link to a file") REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
    if (kind == "dangling link") REQUIRE(symlink(dir.file("nothing-here").c_str(), path.c_str()) == 0);
    if (kind == "fifo") REQUIRE(mkfifo(path.c_str(), 0600) == 0);
    if (kind == "folder") REQUIRE(mkdir(path.c_str(), 0700) == 0);
    struct stat before {};
    REQUIRE(lstat(path.c_str(), &before) == 0);
    const auto start = std::chrono::steady_clock::now();
    std::string message;
    int status = 0;
    try {
      FileLock lock = FileLock::acquire(path, FileLock::Options{});
      FAIL("a lock was taken at " << kind);
    } catch (const qwen::sdk::FileLockRefused &e) {
      message = e.what();
      status = e.status();
    }
    CHECK(millis_since(start) < 1000);
    CHECK(status == QWEN_ERR_CONFIG);
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("nothing was written") != std::string::npos);
    CHECK(message.find(kind == "fifo" ? "FIFO" : kind == "folder" ? "directory" : "symbolic link") !=
          std::string::npos);
    CHECK(message.find("held by") == std::string::npos);  // not blamed on another process
    struct stat after {};
    REQUIRE(lstat(path.c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK((after.st_mode & S_IFMT) == (before.st_mode & S_IFMT));
    CHECK(slurp(target) == "the target's own text\n");
    CHECK(access(dir.file("nothing-here").c_str(), F_OK) != 0);
  }
}

// Opening a FIFO to read blocks until a writer comes, unless O_NONBLOCK: releasing must neither hang on one
// put where our lock was, nor remove it.
TEST_CASE("release does not hang on a FIFO put in the lock's place, and leaves it", "[lock][hostile]") {
  ScratchDir dir;
  const std::string path = dir.file("oauth_creds.lock");
  FileLock lock = FileLock::acquire(path, quick());
  REQUIRE(unlink(path.c_str()) == 0);
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  lock.release();
  CHECK(millis_since(start) < 1000);
  CHECK_FALSE(lock.held());
  struct stat st {};
  REQUIRE(lstat(path.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}
