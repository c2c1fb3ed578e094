// The tty front-end without a terminal: the same loop reads plain lines from
// a pipe, so scripts (and this test) can drive it; the menu and questions are
// answered by the next lines. The pseudo-terminal tests are tty_chat_test,
// tty_sign_in_test and tty_frontend_selection_test.
#include <catch2/catch.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

TEST_CASE("tty: questions stream answers, slash commands reach the session, /quit leaves", "[tty]") {
  const std::string key = "sk-tty-test-key-5555";
  FakeProvider p({"--api-key", key});
  TempDir home;
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}};
  // "/auth" shows the menu; the next line ("openai") answers it.
  o.stdin_text =
      "first question\n/model\n/model other-model\n/auth\nopenai\nsecond question\n/stats\n"
      "/nonsense\n/auth nosuch\n/quit\nnever sent\n";
  auto r = run_qwen(home, {"--frontend", "tty"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Signed in with OpenAI-compatible API key; model qwen3-coder-plus.") != std::string::npos);
  CHECK(r.out.find("You said: first question") != std::string::npos);
  CHECK(r.out.find("Model: qwen3-coder-plus") != std::string::npos);
  CHECK(r.out.find("Model set to other-model for this session.") != std::string::npos);
  CHECK(r.out.find("  1. Qwen OAuth  (recommended)\n") != std::string::npos);
  CHECK(r.out.find("  3. OpenAI-compatible API key  (current) (ready: set in the environment)\n") != std::string::npos);
  CHECK(r.out.find("Signed in with OpenAI-compatible API key; model other-model.") != std::string::npos);
  CHECK(r.out.find("You said: second question") != std::string::npos);
  CHECK(r.out.find("  turns      2\n") != std::string::npos);
  CHECK(r.out.find("Unknown command /nonsense") != std::string::npos);
  CHECK(r.out.find("There is no sign-in method 'nosuch' (installed: ") != std::string::npos);
  CHECK(r.out.find("never sent") == std::string::npos);
  CHECK(r.out.find(key) == std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[1]["model"] == "other-model");
  CHECK(bodies[1]["messages"].size() == 3);  // the conversation went on across /auth
  CHECK(read_file(home.path() / ".qwen/config.toml") == "auth = \"openai\"\n");
}

TEST_CASE("tty: without a terminal and without credentials, the sign-in choice is asked on stdin", "[tty]") {
  // Device codes that expire at once: the login ends by itself, without a browser or an approval.
  FakeProvider p({"--device-expires", "0", "--interval", "0"});
  TempDir home;
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  o.stdin_text = "\n";  // Enter takes the default, Qwen OAuth; then the input ends
  o.timeout = std::chrono::milliseconds(20000);
  auto r = run_qwen(home, {"--frontend", "tty"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No sign-in yet.\n") != std::string::npos);
  CHECK(r.out.find("  1. Qwen OAuth  (recommended) (current)\n") != std::string::npos);
  CHECK(r.out.find(p.root_url() + "/authorize?user_code=") != std::string::npos);
  CHECK(r.out.find("Or scan it with a phone") == std::string::npos);  // no QR code when stdout is not a terminal
  CHECK(r.out.find("Sign-in failed: ") != std::string::npos);
  CHECK(r.out.find("You can sign in later with /auth.") != std::string::npos);
  CHECK(p.stat("device_code_requests") == 1);
}
