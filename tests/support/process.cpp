#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace qwen::test {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipes {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
};

int spawn(const ProcessOptions &o, bool with_stdin, Pipes &p) {
  if (o.args.empty()) throw std::runtime_error("run_process: no program");
  if ((with_stdin && pipe2(p.in, O_CLOEXEC) != 0) || pipe2(p.out, O_CLOEXEC) != 0 || pipe2(p.err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<std::string> env_strings;
  for (const auto &[k, v] : o.env) env_strings.push_back(k + "=" + v);
  std::vector<char *> argv, envp;
  for (const auto &a : o.args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (auto &e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so a test's signal reaches only it
    if (with_stdin) {
      dup2(p.in[0], 0);
    } else {
      int devnull = open("/dev/null", O_RDONLY);
      dup2(devnull, 0);
    }
    dup2(p.out[1], 1);
    dup2(p.err[1], 2);
    if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (with_stdin) close(p.in[0]);
  close(p.out[1]);
  close(p.err[1]);
  return pid;
}

// Reads whatever is available from the fds into the strings; returns false once both are closed.
bool pump(int &out_fd, int &err_fd, std::string &out, std::string &err, int timeout_ms) {
  pollfd fds[2];
  int n = 0;
  if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
  if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
  if (n == 0) return false;
  int r = poll(fds, static_cast<nfds_t>(n), timeout_ms);
  if (r <= 0) return true;
  for (int i = 0; i < n; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[65536];
    ssize_t got = read(fds[i].fd, buf, sizeof buf);
    bool is_out = fds[i].fd == out_fd;
    if (got > 0) {
      (is_out ? out : err).append(buf, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(fds[i].fd);
      (is_out ? out_fd : err_fd) = -1;
    }
  }
  return out_fd >= 0 || err_fd >= 0;
}

// The program's own name: the last argument that is a path before the real program's arguments
// (`unshare -r -n /path/qwen ...` is a qwen run).
std::string program_name(const std::vector<std::string> &args) {
  std::string name = "process";
  for (const auto &a : args) {
    if (a.empty() || a[0] == '-') continue;
    name = std::filesystem::path(a).filename().string();
    if (name != "unshare") break;
  }
  return name;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::filesystem::path next_output_path(const std::string &stem) {
  const char *dir = std::getenv("QWEN_TEST_OUTPUT_DIR");
  if (!dir || !*dir) return {};
  static std::atomic<int> counter{0};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return std::filesystem::path(dir) /
         (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1) + 1));
}

void save_output(const ProcessOptions &o, const ProcessResult &r) {
  auto base = next_output_path(program_name(o.args));
  if (base.empty()) return;
  // The run's command line and environment go to a separate file: they may hold test secrets on purpose
  // (a key in OPENAI_API_KEY), and the sweep reads them to learn the secrets, while it checks `.out` files.
  nlohmann::json meta = {{"args", o.args}, {"env", o.env}, {"exit_code", r.exit_code}, {"timed_out", r.timed_out}};
  try {
    meta["test"] = Catch::getResultCapture().getCurrentTestName();
  } catch (...) {  // outside a test case (no result capture): the name is only for the sweep's report
  }
  std::ofstream(base.string() + ".meta.json") << meta.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                                              << "\n";
  std::ofstream(base.string() + ".out", std::ios::binary) << "=== stdout ===\n"
                                                           << r.out << "\n=== stderr ===\n"
                                                           << r.err;
}

ProcessResult run_process(const ProcessOptions &o) {
  Pipes p;
  bool with_stdin = o.stdin_text.has_value();
  pid_t pid = spawn(o, with_stdin, p);
  ProcessResult r;
  int out_fd = p.out[0], err_fd = p.err[0];
  auto deadline = Clock::now() + o.timeout;
  if (with_stdin) {
    // Write while draining output, so a child that answers before reading everything cannot deadlock us.
    const std::string &text = *o.stdin_text;
    size_t off = 0;
    fcntl(p.in[1], F_SETFL, O_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    while (off < text.size() && Clock::now() < deadline) {
      ssize_t w = write(p.in[1], text.data() + off, text.size() - off);
      if (w > 0)
        off += static_cast<size_t>(w);
      else if (w < 0 && errno != EAGAIN && errno != EINTR)
        break;
      pump(out_fd, err_fd, r.out, r.err, 5);
    }
    close(p.in[1]);
  }
  while (Clock::now() < deadline && pump(out_fd, err_fd, r.out, r.err, 50)) {
  }
  if (out_fd >= 0 || err_fd >= 0) {
    r.timed_out = true;
    kill(-pid, SIGKILL);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = decode_status(status);
  save_output(o, r);
  return r;
}

std::filesystem::path test_output_path(const std::string &stem) {
  return next_output_path(stem);
}

BackgroundProcess::BackgroundProcess(const ProcessOptions &o) : options_(o) {
  Pipes p;
  pid_ = spawn(o, false, p);
  out_fd_ = p.out[0];
  err_fd_ = p.err[0];
}

BackgroundProcess::~BackgroundProcess() {
  if (!finished_) {
    kill(-pid_, SIGKILL);
    wait(std::chrono::milliseconds(5000));
  }
}

std::string BackgroundProcess::wait_for_line(const std::string &needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t scanned = 0;
  while (true) {
    size_t nl;
    while ((nl = out_.find('\n', scanned)) != std::string::npos) {
      std::string line = out_.substr(scanned, nl - scanned);
      scanned = nl + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    if (Clock::now() >= deadline) return {};
    if (!pump(out_fd_, err_fd_, out_, err_, 50) && out_.find('\n', scanned) == std::string::npos) return {};
  }
}

bool BackgroundProcess::wait_for_output(const std::string &needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (out_.find(needle) == std::string::npos && err_.find(needle) == std::string::npos) {
    if (Clock::now() >= deadline) return false;
    if (!pump(out_fd_, err_fd_, out_, err_, 20))
      return out_.find(needle) != std::string::npos || err_.find(needle) != std::string::npos;
  }
  return true;
}

void BackgroundProcess::signal(int sig) {
  if (!finished_) kill(pid_, sig);
}

ProcessResult BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  if (finished_) return result_;
  auto deadline = Clock::now() + timeout;
  int status = 0;
  bool reaped = false;
  while (Clock::now() < deadline) {
    pump(out_fd_, err_fd_, out_, err_, 20);
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped = true;
      break;
    }
  }
  if (!reaped) {
    result_.timed_out = true;
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  // Drain what is left (the pipes close once every holder exited).
  auto drain_deadline = Clock::now() + std::chrono::milliseconds(2000);
  while (Clock::now() < drain_deadline && pump(out_fd_, err_fd_, out_, err_, 20)) {
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
  result_.exit_code = decode_status(status);
  result_.out = out_;
  result_.err = err_;
  finished_ = true;
  save_output(options_, result_);
  return result_;
}

}  // namespace qwen::test
