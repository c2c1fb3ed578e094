// The first tty front-end: a line loop over the session, driven through stdin.
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
  o.stdin_text =
      "first question\n/model\n/model other-model\n/auth\n/auth openai\nsecond question\n/stats\n"
      "/nonsense\n/quit\nnever sent\n";
  auto r = run_qwen(home, {"--frontend", "tty"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("You said: first question") != std::string::npos);
  CHECK(r.out.find("  model: qwen3-coder-plus") != std::string::npos);
  CHECK(r.out.find("  qwen-oauth: Qwen OAuth") != std::string::npos);
  CHECK(r.out.find("switched to openai") != std::string::npos);
  CHECK(r.out.find("You said: second question") != std::string::npos);
  CHECK(r.out.find("  turns: 2") != std::string::npos);
  CHECK(r.out.find("unknown command /nonsense") != std::string::npos);
  CHECK(r.out.find("never sent") == std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[1]["model"] == "other-model");
  CHECK(bodies[1]["messages"].size() == 3);  // the conversation went on across /auth
  CHECK(read_file(home.path() / ".qwen/config.toml") == "auth = \"openai\"\n");
}
