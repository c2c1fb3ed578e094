// Signals and terminals: what a shell user does to a running qwen. A SIGHUP
// or SIGINT ignored at start stays ignored (nohup, a script's background job);
// a reader that goes away (`| head -c 12`) or a full disk is a write failure
// (1, one line), not "cancelled"; in the terminal, Ctrl-Z suspends (at the
// prompt and during an answer) and `fg` resumes where it was, with nothing of
// the shell's typing sent to the model; a `kill -INT` from another process
// during an answer stops the answer as Ctrl-C does, and the session goes on.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-job-control-key-2718";

std::map<std::string, std::string> openai_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
}

// `prefix... qwen args` as a child process in the temporary HOME with the fake provider's key.
ProcessOptions qwen_under(const TempDir &home, const FakeProvider &p, const std::vector<std::string> &prefix,
                          const std::vector<std::string> &args) {
  ProcessOptions o;
  o.args = prefix;
  o.args.push_back(QWEN_TEST_BIN);
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = base_env(home.path());
  for (const auto &[k, v] : openai_env(p)) o.env[k] = v;
  o.cwd = home.path().string();
  return o;
}

const std::string kQuestion = "a question that takes a while to answer";
const std::string kWholeAnswer = "Hello from the fake provider. You said: " + kQuestion + "\n";

// A job-control shell in a terminal of its own, so that Ctrl-Z and `fg` work as for a user: qwen runs in a
// process group of its own under it (a program alone in a terminal has an orphaned process group, whose
// SIGTSTP the kernel discards). dash, not bash: bash puts its own terminal settings back when a job stops,
// which would hide a qwen that stops without restoring the terminal; dash leaves them as the job left them.
TerminalOptions shell_terminal(const TempDir &home, const FakeProvider &p) {
  TerminalOptions o = qwen_terminal(home, {}, openai_env(p));
  o.args = {"/bin/dash", "-i"};
  o.env["PS1"] = "shell$ ";
  return o;
}

}  // namespace

TEST_CASE("job control: nohup qwen -p outlives the hang-up and prints the whole answer", "[signals]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:150"});
  TempDir home;
  BackgroundProcess qwen(qwen_under(home, p, {"/usr/bin/nohup"}, {"-p", kQuestion}));
  REQUIRE(qwen.wait_for_output("Hello fr", 30s));
  qwen.signal(SIGHUP);
  auto r = qwen.wait(30s);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kWholeAnswer);
}

TEST_CASE("job control: a SIGINT ignored at start (a script's background job) stays ignored", "[signals]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:150"});
  TempDir home;
  BackgroundProcess qwen(qwen_under(home, p, {"/bin/sh", "-c", "trap '' INT; exec \"$0\" \"$@\""}, {"-p", kQuestion}));
  REQUIRE(qwen.wait_for_output("Hello fr", 30s));
  qwen.signal(SIGINT);
  auto r = qwen.wait(30s);
  CHECK(r.exit_code == 0);
  CHECK(r.out == kWholeAnswer);
}

TEST_CASE("job control: a handled SIGHUP still ends the run (129) when it was not ignored", "[signals]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  BackgroundProcess qwen(qwen_under(home, p, {}, {"-p", kQuestion}));
  REQUIRE(qwen.wait_for_output("Hello fr", 30s));
  qwen.signal(SIGHUP);
  auto r = qwen.wait(10s);
  CHECK(r.exit_code == 128 + SIGHUP);
}

TEST_CASE("job control: stdout closed by the reader is a write failure: 1, one line, not cancelled", "[signals]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string format = GENERATE(std::string("text"), std::string("stream-json"));
  CAPTURE(format);
  ProcessOptions o = qwen_under(home, p, {"/bin/bash", "-c",
                                          "\"$0\" \"$@\" | head -c 12; echo \"status=${PIPESTATUS[0]}\" >&2"},
                                {"-p", "__bytes:4000000", "--output-format", format});
  auto r = run_process(o);
  INFO(r.err);
  CHECK(r.out.size() == 12);
  CHECK(r.err ==
        "qwen: error: cannot write the answer: standard output was closed before it ended\nstatus=1\n");
  CHECK(r.err.find("cancelled") == std::string::npos);
}

TEST_CASE("job control: a full disk on stdout is a write failure: 1, one line", "[signals]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  ProcessOptions o = qwen_under(home, p, {"/bin/sh", "-c", "exec \"$0\" \"$@\" > /dev/full"}, {"-p", "hi"});
  auto r = run_process(o);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "qwen: error: cannot write the answer to standard output: No space left on device\n");
}

TEST_CASE("job control: Ctrl-Z at the prompt suspends with the terminal restored, fg brings the line back",
          "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(shell_terminal(home, p));
  REQUIRE(t.wait_for("shell$"));
  t.type_line(QWEN_TEST_BIN);
  REQUIRE(t.wait_for("Signed in with"));
  REQUIRE(t.wait_for("\n>"));
  t.type("half a");
  t.press("C-z");
  REQUIRE(t.wait_for("Stopped"));
  REQUIRE(t.wait_for("shell$", 5s, 2));
  // The shell has the terminal as it expects it: canonical input, echo and signals on.
  t.type_line("stty -a | tr ' ' '\\n' | grep -x -e -icanon -e -echo -e -isig | wc -l");
  REQUIRE(t.wait_for("\n0\n"));
  t.type_line("fg");
  REQUIRE(t.wait_for("> half a", 5s, 2));  // the prompt and the line drawn again
  t.type_line(" question");
  REQUIRE(t.wait_for("You said: half a question"));
  t.press("C-d");
  REQUIRE(t.wait_for("shell$", 10s, 4));
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);  // neither `stty` nor `fg` reached the model
  CHECK(bodies[0]["messages"][0]["content"] == "half a question");
}

TEST_CASE("job control: Ctrl-Z during an answer suspends it, fg lets it finish", "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:200"});
  TempDir home;
  TerminalSession t(shell_terminal(home, p));
  REQUIRE(t.wait_for("shell$"));
  t.type_line(QWEN_TEST_BIN);
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line(kQuestion);
  REQUIRE(t.wait_for("Hello"));
  t.press("C-z");
  REQUIRE(t.wait_for("Stopped"));
  REQUIRE(t.wait_for("shell$", 5s, 2));
  t.type_line("fg");
  REQUIRE(t.wait_for("You said: " + kQuestion, 20s));
  t.type_line("and then?");
  REQUIRE(t.wait_for("You said: and then?"));
  t.press("C-d");
  REQUIRE(t.wait_for("shell$", 10s, 3));
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[1]["messages"].size() == 3);  // the suspended answer completed and is part of the conversation
  CHECK(bodies[1]["messages"][2]["content"] == "and then?");
}

TEST_CASE("job control: kill -INT from another process during an answer stops it, the session goes on",
          "[tty][terminal]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:300"});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, openai_env(p)));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line(kQuestion);
  REQUIRE(t.wait_for("Hello"));
  t.signal_program(SIGINT);
  REQUIRE(t.wait_for("[answer cancelled]", 5s));
  REQUIRE(t.wait_for("\n>", 5s, 2));
  CHECK_FALSE(t.exit_status());
  t.type_line("still there?");
  REQUIRE(t.wait_for("You said: still there?"));
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  CHECK(t.exit_status() == 0);
  CHECK(t.terminal_is_sane());
}
