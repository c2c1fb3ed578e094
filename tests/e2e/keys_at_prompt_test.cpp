// Keys pressed the moment the prompt appears, as a script driving a terminal
// (or a quick typist) presses them. libedit writes "> " before it takes the
// terminal over; a Ctrl-D that arrived in between met the kernel's canonical
// mode, became an end-of-file mark, reached the editor as a NUL byte and was
// lost: qwen stayed at its prompt (half of the runs of bench/tty_render.py
// hung). Driven through a bare pseudo-terminal, not tmux: tmux's polling of
// the screen is far slower than the moment this is about.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-keys-at-prompt-5150";

// `qwen` alone on a pseudo-terminal of its own (its controlling terminal), read and written byte by byte.
class BarePty {
 public:
  BarePty(const TempDir &home, const FakeProvider &provider) {
    auto env = base_env(home.path());
    env["OPENAI_API_KEY"] = kKey;
    env["OPENAI_BASE_URL"] = provider.base_url();
    env["OPENAI_MODEL"] = "fake-model";
    env["TERM"] = "xterm-256color";
    std::vector<std::string> env_strings;
    for (const auto &[k, v] : env) env_strings.push_back(k + "=" + v);
    winsize size{40, 120, 0, 0};
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::vector<char *> envp;
      for (auto &s : env_strings) envp.push_back(s.data());
      envp.push_back(nullptr);
      if (chdir(home.path().c_str()) != 0) _exit(126);
      char *argv[] = {const_cast<char *>(QWEN_TEST_BIN), nullptr};
      execve(QWEN_TEST_BIN, argv, envp.data());
      _exit(127);
    }
  }
  ~BarePty() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }

  // Reads until `needle` appears after `from` in the output; false after `timeout`.
  bool read_until(const std::string &needle, size_t from, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle, from) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
    }
    return true;
  }
  void send(const std::string &bytes) { REQUIRE(write(master_, bytes.data(), bytes.size()) == ssize_t(bytes.size())); }
  // The exit status, once qwen has ended within `timeout` (reading what it writes meanwhile); nullopt if not.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return status_;
      }
      read_some(20);
    }
    return std::nullopt;
  }
  const std::string &output() const { return output_; }

 private:
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(master_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string output_;
};

size_t occurrences(const std::string &text, const std::string &word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++n;
  return n;
}

// Ctrl-D now, at the prompt just shown: qwen leaves, with status 0, within seconds.
void ctrl_d_ends_qwen(BarePty &pty) {
  pty.send("\x04");
  const auto status = pty.wait_exit(10s);
  INFO("output: " << pty.output());
  REQUIRE(status.has_value());
  CHECK(*status == 0);
}

}  // namespace

TEST_CASE("tty: Ctrl-D pressed the moment the first prompt shows ends qwen, every time", "[e2e][tty][keys]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  for (int run = 0; run < 12; ++run) {
    INFO("run " << run);
    BarePty pty(home, provider);
    REQUIRE(pty.read_until("> ", 0));
    ctrl_d_ends_qwen(pty);
  }
}

TEST_CASE("tty: Ctrl-D pressed the moment the prompt returns after an answer ends qwen, every time", "[e2e][tty][keys]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  for (int run = 0; run < 8; ++run) {
    INFO("run " << run);
    BarePty pty(home, provider);
    REQUIRE(pty.read_until("> ", 0));
    const size_t asked = pty.output().size();
    pty.send("hello\r");
    REQUIRE(pty.read_until("You said: hello", asked));
    REQUIRE(pty.read_until("> ", pty.output().find("You said: hello", asked)));
    ctrl_d_ends_qwen(pty);
  }
}

TEST_CASE("tty: a word typed the moment the prompt shows is echoed once and sent as typed", "[e2e][tty][keys]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  for (int run = 0; run < 6; ++run) {
    INFO("run " << run);
    BarePty pty(home, provider);
    REQUIRE(pty.read_until("> ", 0));
    const size_t at_prompt = pty.output().size();
    pty.send("swift\r");
    REQUIRE(pty.read_until("You said: swift", at_prompt));
    const std::string typed = pty.output().substr(at_prompt, pty.output().find("You said", at_prompt) - at_prompt);
    INFO("between the prompt and the answer: " << typed);
    // The editor's echo only: the kernel's, before the editor took the terminal, would make it twice.
    CHECK(occurrences(typed, "swift") == 1);
    pty.send("\x04");
    REQUIRE(pty.wait_exit(10s).has_value());
  }
}

TEST_CASE("tty: a second Ctrl-C pressed the moment a cancelled answer ends leaves, every time", "[e2e][tty][keys]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  for (int run = 0; run < 6; ++run) {
    INFO("run " << run);
    provider.post("/__control/fault", "slow:300");  // a fault serves one request
    BarePty pty(home, provider);
    REQUIRE(pty.read_until("> ", 0));
    const size_t asked = pty.output().size();
    pty.send("a slow answer\r");
    REQUIRE(pty.read_until("Hello", asked));
    pty.send("\x03");
    REQUIRE(pty.read_until("[answer cancelled]", asked));
    // Before the prompt is back: the key must still reach the prompt as Ctrl-C, not as a signal nobody reads.
    pty.send("\x03");
    const auto status = pty.wait_exit(10s);
    INFO("output: " << pty.output());
    REQUIRE(status.has_value());
    CHECK(*status == 0);
  }
}
