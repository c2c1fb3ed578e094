// The plugin host, end to end: the real `qwen` discovering, loading and
// refusing plugins, with the project's fixture plugins on QWEN_PLUGIN_PATH.
#include <catch2/catch.hpp>

#include <qwen/plugin.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

std::string fixture_dir(const std::string &name) {
  return std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/" + name;
}

ProcessResult plugins_with(const TempDir &home, const std::string &plugin_path) {
  return run_qwen(home, {"plugins"}, with_env({{"QWEN_PLUGIN_PATH", plugin_path}}));
}

// The line of `qwen plugins` output that mentions `needle`, or empty.
std::string line_with(const std::string &text, const std::string &needle) {
  size_t pos = text.find(needle);
  if (pos == std::string::npos) return {};
  size_t start = text.rfind('\n', pos);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, text.find('\n', pos) - start);
}

void require_default_plugins_listed(const ProcessResult &r) {
  CHECK(line_with(r.out, "openai").find("auth") != std::string::npos);
  CHECK(line_with(r.out, "pipe.so").find("frontend") != std::string::npos);
}

}  // namespace

TEST_CASE("qwen --version and --help describe the program", "[cli]") {
  TempDir home;
  auto v = run_qwen(home, {"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("qwen 0.1.0") != std::string::npos);
  CHECK(v.out.find("plugin ABI 1." + std::to_string(QWEN_PLUGIN_ABI_MINOR)) != std::string::npos);
  auto h = run_qwen(home, {"--help"});
  CHECK(h.exit_code == 0);
  for (const char *flag : {"--prompt", "--model", "--auth-type", "--frontend", "--output-format", "--openai-api-key",
                           "--openai-base-url", "--debug", "plugins", "auth"})
    CHECK(h.out.find(flag) != std::string::npos);
}

TEST_CASE("an unknown flag is a usage error with exit status 3", "[cli]") {
  TempDir home;
  auto r = run_qwen(home, {"--no-such-flag"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--no-such-flag") != std::string::npos);
}

TEST_CASE("qwen plugins lists the default plugins with kind, version, ABI and file", "[plugins]") {
  TempDir home;
  auto r = run_qwen(home, {"plugins"});
  REQUIRE(r.exit_code == 0);
  std::string openai = line_with(r.out, "openai.so");
  CHECK(openai.find("auth") != std::string::npos);
  CHECK(openai.find("0.1.0") != std::string::npos);
  CHECK(openai.find(" 1." + std::to_string(QWEN_PLUGIN_ABI_MINOR) + " ") != std::string::npos);
  CHECK(line_with(r.out, "pipe.so").find("frontend") != std::string::npos);
  CHECK(line_with(r.out, "tty.so").find("frontend") != std::string::npos);
  CHECK(line_with(r.out, "qwen-oauth.so").find("auth") != std::string::npos);
  CHECK(r.out.find("rejected") == std::string::npos);
}

TEST_CASE("each broken plugin is rejected with one clear line and the good plugins still load", "[plugins]") {
  struct Case {
    const char *fixture;
    const char *file;
    std::string reason;
  };
  const std::string minor = std::to_string(QWEN_PLUGIN_ABI_MINOR);
  const Case cases[] = {
      {"not_elf", "notelf.so", "not a shared object"},
      {"no_entry", "noentry.so", "has no qwen_plugin_entry_v1 entry point"},
      {"null_entry", "nullentry.so", "returned NULL"},
      {"abi_major", "abimajor.so", "was built for plugin ABI 2." + minor + "; this qwen supports ABI 1.x"},
      {"abi_minor", "abiminor.so",
       "needs plugin ABI 1." + std::to_string(QWEN_PLUGIN_ABI_MINOR + 1) + ", newer than this qwen's 1." + minor},
      {"wrong_kind", "wrongkind.so", "unknown kind 7"},
      {"no_interface", "nointerface.so", "gives no usable qwen.auth/1 interface"},
      {"init_error", "initerror.so", "init failed: the fixture refuses to start: missing setting 'frobnicate'"},
      {"raw_throw", "rawthrow.so", "init threw a C++ exception"},
      {"sdk_throw", "sdkthrow.so", "init failed: constructor failed on purpose"},
      {"id_mismatch", "misnamed.so", "says its id is 'somethingelse' but the file is named misnamed.so"},
  };
  TempDir home;
  for (const auto &c : cases) {
    DYNAMIC_SECTION(c.fixture) {
      auto r = plugins_with(home, fixture_dir(c.fixture));
      INFO(r.out << r.err);
      CHECK(r.exit_code == 0);
      std::string line = line_with(r.out, c.file);
      CHECK(line.rfind("rejected: ", 0) == 0);
      CHECK(line.find(c.reason) != std::string::npos);
      require_default_plugins_listed(r);
    }
  }
}

TEST_CASE("a broken plugin on the path does not stop a normal run", "[plugins]") {
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  std::string path;
  for (const char *f : {"not_elf", "null_entry", "abi_major", "raw_throw", "init_error"}) path += fixture_dir(f) + ":";
  auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"},
                    with_env({{"QWEN_PLUGIN_PATH", path}, {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}}));
  // Port 9 refuses connections: the run gets as far as the network, so the plugins were fine.
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("127.0.0.1:9") != std::string::npos);
}

TEST_CASE("selecting a broken or missing plugin names the file and the problem", "[plugins]") {
  TempDir home;
  auto missing = run_qwen(home, {"-p", "hi", "--auth-type", "nosuch"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err.find("no sign-in method plugin 'nosuch'") != std::string::npos);
  CHECK(missing.err.find("openai") != std::string::npos);  // says which ids exist

  auto broken = run_qwen(home, {"-p", "hi", "--auth-type", "initerror"},
                         with_env({{"QWEN_PLUGIN_PATH", fixture_dir("init_error")}}));
  CHECK(broken.exit_code == 3);
  CHECK(broken.err.find("initerror.so") != std::string::npos);
  CHECK(broken.err.find("missing setting 'frobnicate'") != std::string::npos);

  auto wrong = run_qwen(home, {"-p", "hi", "--frontend", "openai"});
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("'openai' is a sign-in method plugin, not a front-end") != std::string::npos);
}

TEST_CASE("the same id twice: the first in search order wins and the other is reported shadowed", "[plugins]") {
  TempDir home, dir;
  fs::copy_file(std::string(QWEN_TEST_PLUGIN_DIR) + "/openai.so", dir.path() / "openai.so");
  auto r = plugins_with(home, dir.path().string());
  CHECK(line_with(r.out, (dir.path() / "openai.so").string()).find("auth") != std::string::npos);
  std::string shadowed = line_with(r.out, "shadowed:");
  CHECK(shadowed.find(std::string(QWEN_TEST_PLUGIN_DIR) + "/openai.so") != std::string::npos);
  CHECK(shadowed.find((dir.path() / "openai.so").string()) != std::string::npos);
}

TEST_CASE("plugins in ~/.qwen/plugins are found", "[plugins]") {
  TempDir home;
  fs::create_directories(home.path() / ".qwen" / "plugins");
  fs::copy_file(fixture_dir("good_c") + "/cecho.so", home.path() / ".qwen" / "plugins" / "cecho.so");
  auto r = run_qwen(home, {"plugins"});
  CHECK(line_with(r.out, "cecho.so").find("frontend") != std::string::npos);
}

TEST_CASE("an unreadable plugin file is rejected with the reason", "[plugins]") {
  TempDir home, dir;
  fs::copy_file(std::string(QWEN_TEST_PLUGIN_DIR) + "/pipe.so", dir.path() / "locked.so");
  chmod((dir.path() / "locked.so").c_str(), 0);
  std::vector<std::string> args = {"plugins"};
  QwenRunOptions o;
  o.env["QWEN_PLUGIN_PATH"] = dir.path().string();
  ProcessResult r;
  if (geteuid() == 0) {
    // root reads anything: drop to nobody for this one run (setpriv from util-linux).
    chmod(home.path().c_str(), 0755);
    chmod(dir.path().c_str(), 0755);
    ProcessOptions p;
    p.args = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", QWEN_TEST_BIN, "plugins"};
    p.env = base_env(home.path());
    p.env["QWEN_PLUGIN_PATH"] = dir.path().string();
    r = run_process(p);
  } else {
    r = run_qwen(home, args, o);
  }
  INFO(r.out << r.err);
  std::string line = line_with(r.out, "locked.so");
  CHECK(line.rfind("rejected: ", 0) == 0);
  CHECK(line.find("cannot be read: Permission denied") != std::string::npos);
}

TEST_CASE("a front-end written in plain C is selected by --frontend and by config.toml", "[plugins]") {
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
  QwenRunOptions o;
  o.env["QWEN_PLUGIN_PATH"] = fixture_dir("good_c");
  o.env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1";
  auto by_flag = run_qwen(home, {"--frontend", "cecho", "-p", "x", "--auth-type", "openai"}, o);
  CHECK(by_flag.out.find("[cecho]") != std::string::npos);
  home.write(".qwen/config.toml", "frontend = \"cecho\"\n[network]\nmax_retries = 0\n");
  auto by_config = run_qwen(home, {"--auth-type", "openai"}, o);  // no -p: with -p the run is headless (pipe)
  CHECK(by_config.out.find("[cecho]") != std::string::npos);
}
