// Drives `qwen --acp` over its stdin and stdout the way an editor does: requests written one line at a
// time while the answers are read, for the acp_*_test.cpp files. (tests/acp/ does the same with the
// official TypeScript client.)
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace qwen::test {

class AcpChild {
 public:
  // Starts QWEN_TEST_BIN with `args` in `home`, the test base environment plus `env`.
  AcpChild(const TempDir &home, const std::map<std::string, std::string> &env,
           const std::vector<std::string> &args = {"--frontend", "acp"});
  ~AcpChild();
  AcpChild(const AcpChild &) = delete;
  AcpChild &operator=(const AcpChild &) = delete;

  int pid() const { return pid_; }
  // Writes bytes to qwen's stdin (false once it stopped reading).
  bool send_raw(const std::string &bytes);
  bool send(const nlohmann::json &message) { return send_raw(message.dump() + "\n"); }
  // Sends a request with the next id; returns that id.
  int start_request(const std::string &method, const nlohmann::json &params);
  // Sends a request and reads until its response arrives (other messages are kept in seen()).
  nlohmann::json request(const std::string &method, const nlohmann::json &params,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Reads until the response to `id` arrives; null on timeout or end of output.
  nlohmann::json response_to(int id, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // The next message qwen wrote that this reader has not returned yet; nullopt on timeout or end.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout);
  // Every message read so far, in order.
  const std::vector<nlohmann::json> &seen() const { return seen_; }
  // The text of the agent_message_chunk notifications of `session` read so far.
  std::string chunks_text(const std::string &session) const;

  void close_stdin();
  // Stops reading qwen's stdout (an editor that went away but left stdin open).
  void close_stdout();
  // Closes stdin (unless told not to) and waits for the exit (killing after the timeout); the whole stdout
  // and stderr.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(10), bool close_input = true);
  // Peak resident memory of the child so far (VmHWM, kB); 0 when unknown.
  long peak_rss_kb() const;

 private:
  bool pump(int timeout_ms);
  std::optional<nlohmann::json> take_line();

  ProcessOptions options_;
  int pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::size_t scanned_ = 0;
  std::vector<nlohmann::json> seen_;
  std::size_t returned_ = 0;
  int next_id_ = 0;
  bool finished_ = false;
  ProcessResult result_;
};

// The initialize params an editor sends (clientCapabilities.auth.terminal as given).
nlohmann::json acp_initialize_params(bool terminal_auth = false);
// session/new params for `cwd`.
nlohmann::json acp_new_session_params(const std::string &cwd);
// session/prompt params with one text block.
nlohmann::json acp_prompt_params(const std::string &session, const std::string &text);

}  // namespace qwen::test
