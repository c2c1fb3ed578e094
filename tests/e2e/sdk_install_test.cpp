// The SDK as a third party uses it: install qwen to a prefix, build the
// example plugin out of tree with find_package(QwenSDK) against that prefix
// only, drop it on QWEN_PLUGIN_PATH, and check the installed qwen uses it.
#include <catch2/catch.hpp>

#include <filesystem>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

ProcessResult sh(const std::string &command, const fs::path &home) {
  ProcessOptions o;
  o.args = {"/bin/sh", "-c", command};
  o.env = base_env(home);
  o.timeout = std::chrono::milliseconds(240000);
  return run_process(o);
}

}  // namespace

TEST_CASE("a plugin built from the installed SDK alone is found and used by the installed qwen", "[sdk][install]") {
  TempDir work;
  const fs::path prefix = work.path() / "prefix";
  const fs::path build = work.path() / "example-build";
  auto install =
      sh("cmake --install '" + std::string(QWEN_TEST_BINARY_DIR) + "' --prefix '" + prefix.string() + "'", work.path());
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fs::exists(prefix / "bin" / "qwen"));
  CHECK(fs::exists(prefix / "lib" / "qwen" / "plugins" / "openai.so"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "plugin.h"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "plugin.hpp"));
  CHECK(fs::exists(prefix / "include" / "qwen" / "sdk" / "safe_file.hpp"));  // plugins open files safely too
  CHECK(fs::exists(prefix / "lib" / "cmake" / "QwenSDK" / "QwenSDKConfig.cmake"));

  // The source is copied away from the project tree so nothing but the prefix can be found.
  fs::copy(fs::path(QWEN_TEST_SOURCE_DIR) / "sdk" / "examples" / "shout-frontend", work.path() / "shout");
  auto configure = sh("cmake -S '" + (work.path() / "shout").string() + "' -B '" + build.string() +
                          "' -DCMAKE_PREFIX_PATH='" + prefix.string() + "' && cmake --build '" + build.string() + "'",
                      work.path());
  INFO(configure.out << configure.err);
  REQUIRE(configure.exit_code == 0);
  REQUIRE(fs::exists(build / "shout.so"));

  FakeProvider provider({"--api-key", "sk-install-test-0001"});
  ProcessOptions run;
  run.args = {(prefix / "bin" / "qwen").string(), "plugins"};
  run.env = base_env(work.path());
  run.env["QWEN_PLUGIN_PATH"] = build.string();
  auto listed = run_process(run);
  CHECK(listed.out.find("shout") != std::string::npos);
  CHECK(listed.out.find((prefix / "lib" / "qwen" / "plugins" / "pipe.so").string()) != std::string::npos);

  run.args = {(prefix / "bin" / "qwen").string(), "--frontend", "shout", "-p", "make some noise"};
  run.env["OPENAI_API_KEY"] = "sk-install-test-0001";
  run.env["OPENAI_BASE_URL"] = provider.base_url();
  auto used = run_process(run);
  INFO(used.err);
  CHECK(used.exit_code == 0);
  CHECK(used.out.find("YOU SAID: MAKE SOME NOISE") != std::string::npos);
}
