// What another process can learn from a running qwen: its command line shows
// no key (--openai-api-key is blanked as curl blanks -u), a crash leaves no
// core file with the key in it (PR_SET_DUMPABLE 0, as ssh-agent does), and a
// process of the same user cannot ptrace-attach to it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-process-hygiene-key-8086";
constexpr uid_t kNobody = 65534;

// Waits until the fake provider got `n` chat requests: qwen is then inside its request (the provider
// stalls), with the key in its memory.
bool wait_for_requests(const FakeProvider &p, long n) {
  for (int i = 0; i < 300; ++i) {
    if (p.stat("chat_requests") >= n) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::string cmdline_of(int pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  for (char &c : text)
    if (c == '\0') c = ' ';
  return text;
}

// A child started with fork/exec here (not through the test support), so that its core-size limit can be
// set and the kernel's "core dumped" bit read from the wait status.
struct Child {
  pid_t pid = -1;
  int status = 0;

  Child(const std::vector<std::string> &args, const std::map<std::string, std::string> &env, const fs::path &cwd) {
    std::vector<std::string> env_strings;
    for (const auto &[k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char *> argv, envp;
    for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    for (auto &e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid = fork();
    if (pid == 0) {
      rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};  // ulimit -c unlimited (root may raise the hard limit)
      if (setrlimit(RLIMIT_CORE, &unlimited) != 0) {
        rlimit soft{0, 0};
        getrlimit(RLIMIT_CORE, &soft);
        soft.rlim_cur = soft.rlim_max;
        setrlimit(RLIMIT_CORE, &soft);
      }
      int devnull = open("/dev/null", O_RDWR);
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
      if (chdir(cwd.c_str()) != 0) _exit(126);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }
  // Waits (at most 20 s, then SIGKILL); true when it ended.
  bool wait() {
    for (int i = 0; i < 1000; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) return true;
      std::this_thread::sleep_for(20ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return false;
  }
  ~Child() {
    if (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
};

std::vector<std::string> core_files(const fs::path &dir) {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("core", 0) == 0) out.push_back(e.path().string());
  return out;
}

// From a child that became `uid` (when root) or stays the current user: can it ptrace-attach to pid?
bool can_attach(pid_t pid, uid_t uid) {
  pid_t child = fork();
  if (child == 0) {
    if (geteuid() == 0 && (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)) _exit(3);
    if (ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) != 0) _exit(1);
    waitpid(pid, nullptr, __WALL);
    ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("argv: the value of --openai-api-key is blanked in /proc/PID/cmdline while qwen runs", "[secrets][process]") {
  for (const bool joined : {false, true}) {
    INFO((joined ? "--openai-api-key=KEY" : "--openai-api-key KEY"));
    FakeProvider p({"--api-key", kKey, "--fault", "stall"});
    TempDir home;
    ProcessOptions o;
    o.args = {QWEN_TEST_BIN, "-p", "hi"};
    if (joined)
      o.args.push_back(std::string("--openai-api-key=") + kKey);
    else
      o.args.insert(o.args.end(), {"--openai-api-key", kKey});
    o.args.insert(o.args.end(), {"--auth-type", "openai"});
    o.env = base_env(home.path());
    o.env["OPENAI_BASE_URL"] = p.base_url();
    o.cwd = home.path().string();
    BackgroundProcess qwen(o);
    REQUIRE(wait_for_requests(p, 1));
    const std::string cmdline = cmdline_of(qwen.pid());
    INFO(cmdline);
    CHECK(cmdline.find(kKey) == std::string::npos);
    CHECK(cmdline.find("-p hi") != std::string::npos);  // the rest of the command line is as it was
    CHECK(cmdline.find("--openai-api-key") != std::string::npos);
    CHECK(cmdline.find("--auth-type openai") != std::string::npos);
    // The key was used: the request carried it.
    CHECK(p.logged_requests().at(0)["headers"]["authorization"] == std::string("Bearer ") + kKey);
    qwen.signal(SIGTERM);
    qwen.wait();
  }
}

TEST_CASE("a crashing qwen writes no core file, even with ulimit -c unlimited", "[secrets][process]") {
  const std::string pattern = read_file("/proc/sys/kernel/core_pattern");
  INFO("core_pattern: " << pattern);
  TempDir dir;
  // The control: an ordinary program killed so in the same place does dump core here, or the check below
  // would show nothing.
  bool machine_dumps = false;
  {
    Child sleeper({"/bin/sleep", "30"}, {{"PATH", "/usr/bin:/bin"}}, dir.path());
    std::this_thread::sleep_for(100ms);
    kill(sleeper.pid, SIGSEGV);
    REQUIRE(sleeper.wait());
    machine_dumps = WIFSIGNALED(sleeper.status) && WCOREDUMP(sleeper.status);
    for (const auto &f : core_files(dir.path())) fs::remove(f);
  }
  if (!machine_dumps) WARN("this machine wrote no core for a plain program (core_pattern " << pattern << ")");
  for (const int sig : {SIGSEGV, SIGABRT}) {
    INFO("signal " << sig);
    FakeProvider p({"--api-key", kKey, "--fault", "stall"});
    TempDir home;
    auto env = base_env(home.path());
    env["OPENAI_API_KEY"] = kKey;
    env["OPENAI_BASE_URL"] = p.base_url();
    Child qwen({QWEN_TEST_BIN, "-p", "hi"}, env, dir.path());
    REQUIRE(wait_for_requests(p, 1));
    kill(qwen.pid, sig);
    REQUIRE(qwen.wait());
    CHECK_FALSE(WCOREDUMP(qwen.status));
    auto cores = core_files(dir.path());
    for (const auto &core : cores) CHECK(read_file(core).find(kKey) == std::string::npos);
    CHECK(cores.empty());
  }
}

TEST_CASE("a process of the same user cannot ptrace-attach to a running qwen", "[secrets][process]") {
  // As root the check runs as nobody: root may attach to anything.
  const bool as_root = geteuid() == 0;
  const uid_t user = as_root ? kNobody : geteuid();
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  chmod(home.path().c_str(), 0755);
  auto env = base_env(home.path());
  env["OPENAI_API_KEY"] = kKey;
  env["OPENAI_BASE_URL"] = p.base_url();
  auto as_user = [&](std::vector<std::string> args) {
    if (as_root) args.insert(args.begin(), {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
    ProcessOptions o;
    o.args = std::move(args);
    o.env = env;
    o.cwd = home.path().string();
    return o;
  };
  // The control: the same user can attach to an ordinary program of theirs.
  BackgroundProcess sleeper(as_user({"/bin/sleep", "30"}));
  std::this_thread::sleep_for(200ms);
  const bool attach_works = can_attach(sleeper.pid(), user);
  sleeper.signal(SIGKILL);
  if (!attach_works) WARN("ptrace is not allowed at all here: only /proc's owner is checked");

  BackgroundProcess qwen(as_user({QWEN_TEST_BIN, "-p", "hi"}));
  REQUIRE(wait_for_requests(p, 1));
  CHECK_FALSE(can_attach(qwen.pid(), user));
  // The kernel shows a non-dumpable process's /proc files as root's: the user cannot read its memory,
  // environment or file descriptors.
  struct stat st {};
  REQUIRE(stat(("/proc/" + std::to_string(qwen.pid()) + "/environ").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);
  qwen.signal(SIGTERM);
  auto r = qwen.wait();
  CHECK(r.exit_code == 143);
}
