#include "e2e/acp_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>

namespace qwen::test {

using Clock = std::chrono::steady_clock;

AcpChild::AcpChild(const TempDir &home, const std::map<std::string, std::string> &env,
                   const std::vector<std::string> &args) {
  signal(SIGPIPE, SIG_IGN);  // a qwen that exited must not take the test with it
  options_.args = {QWEN_TEST_BIN};
  options_.args.insert(options_.args.end(), args.begin(), args.end());
  options_.env = base_env(home.path());
  for (const auto &[k, v] : env) options_.env[k] = v;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<std::string> env_strings;
  for (const auto &[k, v] : options_.env) env_strings.push_back(k + "=" + v);
  std::vector<char *> argv, envp;
  for (auto &a : options_.args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto &e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string cwd = home.path().string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  in_fd_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
}

AcpChild::~AcpChild() {
  if (!finished_) {
    kill(-pid_, SIGKILL);
    wait(std::chrono::milliseconds(5000));
  }
}

bool AcpChild::send_raw(const std::string &bytes) {
  const char *p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    if (in_fd_ < 0) return false;
    ssize_t n = write(in_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
    pump(0);  // keep qwen's stdout from filling while a big write goes on
  }
  return true;
}

int AcpChild::start_request(const std::string &method, const nlohmann::json &params) {
  int id = ++next_id_;
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  return id;
}

nlohmann::json AcpChild::request(const std::string &method, const nlohmann::json &params,
                                 std::chrono::milliseconds timeout) {
  return response_to(start_request(method, params), timeout);
}

nlohmann::json AcpChild::response_to(int id, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  // Already read?
  for (const auto &m : seen_)
    if (m.contains("id") && m["id"] == id && !m.contains("method")) return m;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto m = next(left);
    if (!m) return nullptr;
    if (m->contains("id") && (*m)["id"] == id && !m->contains("method")) return *m;
  }
  return nullptr;
}

std::optional<nlohmann::json> AcpChild::take_line() {
  std::size_t nl = out_.find('\n', scanned_);
  if (nl == std::string::npos) return std::nullopt;
  std::string line = out_.substr(scanned_, nl - scanned_);
  scanned_ = nl + 1;
  // A line that is not JSON is kept as a string, so a test sees it (stdout carries the protocol only).
  auto j = nlohmann::json::parse(line, nullptr, false);
  seen_.push_back(j.is_discarded() ? nlohmann::json(line) : j);
  return seen_.back();
}

std::optional<nlohmann::json> AcpChild::next(std::chrono::milliseconds timeout) {
  if (returned_ < seen_.size()) return seen_[returned_++];
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto m = take_line()) {
      ++returned_;
      return m;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    if (!pump(20) && out_.find('\n', scanned_) == std::string::npos) return std::nullopt;
  }
}

std::string AcpChild::chunks_text(const std::string &session) const {
  std::string text;
  for (const auto &m : seen_) {
    if (!m.is_object() || m.value("method", "") != "session/update") continue;
    const auto &p = m["params"];
    if (p.value("sessionId", "") != session) continue;
    if (p["update"].value("sessionUpdate", "") != "agent_message_chunk") continue;
    text += p["update"]["content"].value("text", "");
  }
  return text;
}

bool AcpChild::pump(int timeout_ms) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) return false;
  if (poll(fds, static_cast<nfds_t>(n), timeout_ms) <= 0) return true;
  for (int i = 0; i < n; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[65536];
    ssize_t got = read(fds[i].fd, buf, sizeof buf);
    bool is_out = fds[i].fd == out_fd_;
    if (got > 0) {
      (is_out ? out_ : err_).append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(fds[i].fd);
      (is_out ? out_fd_ : err_fd_) = -1;
    }
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

void AcpChild::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

void AcpChild::close_stdout() {
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
}

ProcessResult AcpChild::wait(std::chrono::milliseconds timeout, bool close_input) {
  if (finished_) return result_;
  if (close_input) close_stdin();
  auto deadline = Clock::now() + timeout;
  int status = 0;
  bool reaped = false;
  while (Clock::now() < deadline) {
    pump(20);
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped = true;
      break;
    }
  }
  close_stdin();
  if (!reaped) {
    result_.timed_out = true;
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  auto drain = Clock::now() + std::chrono::milliseconds(2000);
  while (Clock::now() < drain && pump(20)) {
  }
  while (take_line()) {
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
  result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  result_.out = out_;
  result_.err = err_;
  finished_ = true;
  // Saved like every other child's output, for the secrets sweep.
  auto base = test_output_path("qwen-acp");
  if (!base.empty()) {
    nlohmann::json meta = {{"args", options_.args}, {"env", options_.env}, {"exit_code", result_.exit_code}};
    std::ofstream(base.string() + ".meta.json") << meta.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::ofstream(base.string() + ".out", std::ios::binary) << "=== stdout ===\n"
                                                            << out_ << "\n=== stderr ===\n"
                                                            << err_;
  }
  return result_;
}

long AcpChild::peak_rss_kb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

nlohmann::json acp_initialize_params(bool terminal_auth) {
  return {{"protocolVersion", 1},
          {"clientCapabilities",
           {{"fs", {{"readTextFile", false}, {"writeTextFile", false}}},
            {"terminal", false},
            {"auth", {{"terminal", terminal_auth}}}}},
          {"clientInfo", {{"name", "qwen-e2e"}, {"version", "1"}}}};
}

nlohmann::json acp_new_session_params(const std::string &cwd) {
  return {{"cwd", cwd}, {"mcpServers", nlohmann::json::array()}};
}

nlohmann::json acp_prompt_params(const std::string &session, const std::string &text) {
  return {{"sessionId", session}, {"prompt", nlohmann::json::array({{{"type", "text"}, {"text", text}}})}};
}

}  // namespace qwen::test
