// qwen/sdk/key_command.hpp — a key fetched by a command the user configured
// (`key_command = "pass show openai/work"`), for any auth plugin.
//
// The text is split into words as a shell would (quotes, backslashes, $VAR,
// ~) by wordexp(3) with WRDE_NOCMD | WRDE_UNDEF, and run WITHOUT a shell:
// glibc's wordexp runs /bin/sh only for command substitution, which
// WRDE_NOCMD refuses, so `$(...)`, backticks, `;`, `|`, `&&` and redirections
// are errors, never code. (wordexp is in libc, which every plugin has;
// GLib's g_shell_parse_argv would be a second library loaded into plugins
// for the same split.) An unset variable and unbalanced quotes are errors too.
//
// The program (looked up in PATH) runs with stdin /dev/null, stderr shared
// with qwen (so its own error messages reach the user), in a process group of
// its own, signals at their defaults; it has `timeout` to finish, after which
// the whole group is killed. Its stdout is read up to 64 KiB; the first line
// (without a trailing \r) is the key. Any failure — not found, a non-zero
// exit, a signal, the timeout, too much output, an empty first line — is
// Error(QWEN_ERR_AUTH_REQUIRED) with one line naming the configured command
// (never its output) and the reason.
//
// KeyCommandCache keeps each command's key for the life of the process and
// runs it again only when asked to refresh (a 401: the key changed).
#ifndef QWEN_SDK_KEY_COMMAND_HPP
#define QWEN_SDK_KEY_COMMAND_HPP

#include <qwen/plugin.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char **environ;

namespace qwen::sdk {

inline constexpr std::chrono::milliseconds kKeyCommandDefaultTimeout{10000};
inline constexpr size_t kKeyCommandMaxOutput = 64 * 1024;

namespace key_command_detail {

inline Error failure(const std::string &command, const std::string &reason) {
  return Error(QWEN_ERR_AUTH_REQUIRED, "key_command \"" + command + "\" " + reason);
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Kills the command's process group and reaps it, unless it was reaped already.
struct Child {
  pid_t pid = -1;
  void kill_and_reap() {
    if (pid <= 0) return;
    ::kill(-pid, SIGKILL);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
  }
  ~Child() { kill_and_reap(); }
};

}  // namespace key_command_detail

// The words of `command`, split and expanded as a shell would but with no command run; throws
// Error(QWEN_ERR_AUTH_REQUIRED) naming the command and what is wrong with it.
inline std::vector<std::string> split_key_command(const std::string &command) {
  using key_command_detail::failure;
  wordexp_t we{};
  const int rc = ::wordexp(command.c_str(), &we, WRDE_NOCMD | WRDE_UNDEF);
  std::vector<std::string> words;
  if (rc == 0) {
    for (size_t i = 0; i < we.we_wordc; ++i) words.emplace_back(we.we_wordv[i]);
    ::wordfree(&we);
  } else if (rc == WRDE_NOSPACE) {
    ::wordfree(&we);  // wordexp(3): the partial result must still be freed
  }
  switch (rc) {
    case 0:
      break;
    case WRDE_CMDSUB:
      throw failure(command, "is refused: it uses command substitution ($(...) or backticks), and qwen runs no shell");
    case WRDE_BADCHAR:
      throw failure(command,
                    "is refused: it holds one of | & ; < > ( ) { } or a line break outside quotes, and qwen runs no "
                    "shell (put a pipeline in a script and name the script)");
    case WRDE_BADVAL:
      throw failure(command, "is refused: it uses an environment variable that is not set");
    case WRDE_SYNTAX:
      throw failure(command, "is refused: it has unbalanced quotes or a shell syntax error");
    default:
      throw failure(command, "cannot be split into words (wordexp error " + std::to_string(rc) + ")");
  }
  if (words.empty()) throw failure(command, "is refused: it names no program");
  return words;
}

// Runs `command` once and returns the first line of its output; throws Error(QWEN_ERR_AUTH_REQUIRED).
inline std::string run_key_command(const std::string &command,
                                   std::chrono::milliseconds timeout = kKeyCommandDefaultTimeout) {
  using key_command_detail::failure;
  const std::vector<std::string> words = split_key_command(command);
  std::vector<char *> argv;
  for (const auto &w : words) argv.push_back(const_cast<char *>(w.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw failure(command, std::string("could not be started: ") + std::strerror(errno));
  key_command_detail::Fd read_end{fds[0]}, write_end{fds[1]};

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  // A host may ignore SIGPIPE or block signals; an ignored signal stays ignored across exec.
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM})
    sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  key_command_detail::Child child;
  const int rc = ::posix_spawnp(&child.pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    child.pid = -1;
    if (rc == ENOENT) throw failure(command, "failed: " + words[0] + " was not found");
    throw failure(command, "could not be started: " + std::string(std::strerror(rc)));
  }
  ::close(write_end.fd);
  write_end.fd = -1;

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto timed_out = [&] {
    child.kill_and_reap();
    return failure(command, "failed: it did not finish within " + std::to_string(timeout.count()) +
                                " ms (key_command_timeout_ms) and was stopped");
  };
  std::string out;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) throw timed_out();
    pollfd p{read_end.fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above ends it
    char buf[4096];
    const ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of output (or a read error: what was read is all there is)
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kKeyCommandMaxOutput) {
      child.kill_and_reap();
      throw failure(command, "failed: it printed more than 64 KiB");
    }
  }
  int st = 0;
  for (;;) {
    const pid_t w = ::waitpid(child.pid, &st, WNOHANG);
    if (w == child.pid) break;
    if (w < 0 && errno != EINTR) {
      child.pid = -1;
      throw failure(command, std::string("failed: ") + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) throw timed_out();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  child.pid = -1;
  if (WIFSIGNALED(st)) {
    const int sig = WTERMSIG(st);
    const char *name = ::strsignal(sig);
    throw failure(command, "failed: it was killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : ""));
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    throw failure(command, "failed: it exited with status " + std::to_string(WEXITSTATUS(st)));
  std::string key = out.substr(0, out.find('\n'));
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.empty()) throw failure(command, "failed: it printed no key (its first line of output is empty)");
  return key;
}

// Each command's key for the life of the process; `refresh` (the key was refused) runs it again.
class KeyCommandCache {
 public:
  std::string key(const std::string &command, std::chrono::milliseconds timeout, bool refresh) {
    auto it = keys_.find(command);
    if (it != keys_.end() && !refresh) return it->second;
    keys_.erase(command);  // a failed re-run leaves nothing stale behind
    std::string key = run_key_command(command, timeout);
    keys_[command] = key;
    return key;
  }
  void forget() { keys_.clear(); }

 private:
  std::map<std::string, std::string> keys_;
};

// `key_command_timeout_ms` as written in a config table (nullopt: the default); throws Error(QWEN_ERR_CONFIG) for
// anything but a whole number of milliseconds from 1 to 600000.
inline std::chrono::milliseconds key_command_timeout(const std::optional<std::string> &text) {
  if (!text || text->empty()) return kKeyCommandDefaultTimeout;
  long long v = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || v > 600000)
      throw Error(QWEN_ERR_CONFIG, "key_command_timeout_ms must be a number of milliseconds from 1 to 600000; got '" +
                                       *text + "'");
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 600000)
    throw Error(QWEN_ERR_CONFIG,
                "key_command_timeout_ms must be a number of milliseconds from 1 to 600000; got '" + *text + "'");
  return std::chrono::milliseconds(v);
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_KEY_COMMAND_HPP
