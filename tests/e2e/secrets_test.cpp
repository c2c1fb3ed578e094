// No key ever reaches any output: many kinds of runs, debug logging on, every
// byte of stdout and stderr checked for the secret. (The model's answer is the
// user's content and is not scrubbed: a key the user pastes into a prompt can
// come back in the answer. Scrubbing it would mean holding back streamed text,
// since a secret can be split across deltas.)
#include <catch2/catch.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

TEST_CASE("the API key appears in no output of any run, with --debug", "[secrets]") {
  const std::string key = "sk-never-print-this-31337";
  FakeProvider p({"--api-key", key, "--fault", "401", "--fault", "429:0", "--fault", "500", "--fault", "html"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 10\nmax_retries = 1\n");
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}, {"DEBUG", "1"}};
  const std::vector<std::vector<std::string>> runs = {
      {"-p", "hi", "--debug"},                                    // 401 then refresh then 429 retried...
      {"-p", "hi", "--debug", "--output-format", "json"},         // 500 retried, html
      {"-p", "hi", "--debug", "--output-format", "stream-json"},  // a clean answer
      {"auth", "status", "--debug"},
      {"plugins", "--debug"},
      {"-p", "hi", "--debug", "--openai-api-key", key + "-wrong"},  // a refused key given as a flag
  };
  int outputs = 0;
  for (const auto &args : runs) {
    auto r = run_qwen(home, args, o);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.out.find(key) == std::string::npos);
    CHECK(r.err.find(key) == std::string::npos);
    outputs += !r.out.empty() + !r.err.empty();
  }
  CHECK(outputs >= 8);  // the runs did print things: the check above looked at real output
}
