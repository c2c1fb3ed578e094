// The acp front-end is a plugin like any other: `qwen plugins` lists it, and a qwen installed without
// acp.so loses `--acp` and nothing else.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

TEST_CASE("acp: qwen plugins lists acp as a front-end", "[acp]") {
  TempDir home;
  auto r = run_qwen(home, {"plugins"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  bool listed = false;
  for (const auto &line : lines_of(r.out))
    if (line.rfind("acp ", 0) == 0)
      listed = line.find("frontend") != std::string::npos && line.find("acp.so") != std::string::npos;
  CHECK(listed);
}

TEST_CASE("acp: an install without acp.so loses only the ACP front-end", "[acp]") {
  FakeProvider p({"--api-key", "sk-acp-plugin-test-0042"});
  TempDir home;
  // A copy of the installed layout: bin/qwen and lib/qwen/plugins/ with every default plugin but acp.so.
  TempDir install;
  fs::create_directories(install.path() / "bin");
  fs::create_directories(install.path() / "lib/qwen/plugins");
  fs::copy_file(QWEN_TEST_BIN, install.path() / "bin/qwen");
  for (const auto &entry : fs::directory_iterator(QWEN_TEST_PLUGIN_DIR))
    if (entry.path().extension() == ".so" && entry.path().filename() != "acp.so")
      fs::copy_file(entry.path(), install.path() / "lib/qwen/plugins" / entry.path().filename());
  for (const char *dir : {"", "bin", "lib", "lib/qwen", "lib/qwen/plugins"})
    chmod((install.path() / dir).c_str(), 0755);
  ProcessOptions o;
  o.env = base_env(home.path());
  o.env["OPENAI_API_KEY"] = "sk-acp-plugin-test-0042";
  o.env["OPENAI_BASE_URL"] = p.base_url();
  o.env["OPENAI_MODEL"] = "fake-model";
  o.cwd = home.path().string();
  o.args = {(install.path() / "bin/qwen").string(), "--frontend", "acp"};
  auto acp = run_process(o);
  CHECK(acp.exit_code == 3);
  CHECK(acp.err.find("no front-end plugin 'acp'") != std::string::npos);
  CHECK(acp.out.empty());
  o.args = {(install.path() / "bin/qwen").string(), "-p", "still here"};
  auto headless = run_process(o);
  CHECK(headless.exit_code == 0);
  CHECK(headless.out.find("You said: still here") != std::string::npos);
}

TEST_CASE("acp: --acp, --experimental-acp and frontend = acp in config.toml all speak ACP", "[acp]") {
  const std::string init = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1}})"
                           "\n";
  auto answers_initialize = [](const ProcessResult &r) {
    auto lines = lines_of(r.out);
    if (r.exit_code != 0 || lines.size() != 1) return false;
    auto j = nlohmann::json::parse(lines[0], nullptr, false);
    return j.is_object() && j["id"] == 1 && j["result"]["protocolVersion"] == 1;
  };
  TempDir home;
  QwenRunOptions o;
  o.stdin_text = init;
  for (const char *flag : {"--acp", "--experimental-acp"}) {
    auto r = run_qwen(home, {flag}, o);
    INFO(flag << ": " << r.out << r.err);
    CHECK(answers_initialize(r));
  }
  TempDir configured;
  configured.write(".qwen/config.toml", "frontend = \"acp\"\n");
  auto r = run_qwen(configured, {}, o);
  INFO(r.out << r.err);
  CHECK(answers_initialize(r));
}
