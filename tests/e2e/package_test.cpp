// The Debian packages (cmake/Packaging.cmake) as a user gets them: cpack -G DEB on this build tree, both
// packages unpacked with dpkg-deb -x into a temporary root, then the qwen there runs, finds its plugins,
// completes on Tab, and a plugin builds out of tree against the root's CMake package alone.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

ProcessResult sh(const std::string &command, const fs::path &home) {
  return run_shell(command, home);
}

std::string quoted(const fs::path &p) {
  return "'" + p.string() + "'";
}

}  // namespace

TEST_CASE("cpack makes qwen and qwen-dev .deb packages that work unpacked into a temporary root",
          "[package][install]") {
#ifdef QWEN_TEST_SANITIZER_BUILD
  WARN("SKIPPED in a sanitizer build: nobody packages one; the normal build's run of this test checks the packages");
  return;
#endif
  TempDir work;
  const fs::path out = work.path() / "packages";
  const fs::path root = work.path() / "root";
  const std::string version = QWEN_TEST_VERSION;
  auto packed = sh("cd '" + std::string(QWEN_TEST_BINARY_DIR) + "' && cpack -G DEB -B " + quoted(out), work.path());
  INFO(packed.out << packed.err);
  REQUIRE(packed.exit_code == 0);
  auto arch = sh("dpkg --print-architecture", work.path());
  REQUIRE(arch.exit_code == 0);
  const std::string suffix = "_" + version + "_" + arch.out.substr(0, arch.out.find('\n')) + ".deb";
  const fs::path runtime = out / ("qwen" + suffix);
  const fs::path dev = out / ("qwen-dev" + suffix);
  REQUIRE(fs::exists(runtime));
  REQUIRE(fs::exists(dev));

  // Depends computed from the binaries by dpkg-shlibdeps; the -dev package needs the very same qwen.
  auto depends = sh("dpkg-deb -f " + quoted(runtime) + " Depends", work.path());
  CHECK(depends.out.find("libc6") != std::string::npos);
  CHECK(depends.out.find("libcurl4") != std::string::npos);
  auto dev_depends = sh("dpkg-deb -f " + quoted(dev) + " Depends", work.path());
  CHECK(dev_depends.out.find("qwen (= " + version + ")") != std::string::npos);
  CHECK(sh("dpkg-deb -f " + quoted(runtime) + " Maintainer", work.path()).out.find('@') != std::string::npos);

  // The runtime package holds no SDK, the -dev package no program: each file in one package only.
  auto runtime_files = sh("dpkg-deb -c " + quoted(runtime), work.path()).out;
  auto dev_files = sh("dpkg-deb -c " + quoted(dev), work.path()).out;
  CHECK(runtime_files.find("./usr/include/") == std::string::npos);
  CHECK(dev_files.find("./usr/bin/") == std::string::npos);
  CHECK(dev_files.find("plugins/openai.so") == std::string::npos);

  auto unpacked = sh("dpkg-deb -x " + quoted(runtime) + " " + quoted(root) + " && dpkg-deb -x " + quoted(dev) + " " +
                         quoted(root),
                     work.path());
  INFO(unpacked.err);
  REQUIRE(unpacked.exit_code == 0);
  const fs::path usr = root / "usr";
  for (const char *file : {"bin/qwen", "lib/qwen/plugins/openai.so", "lib/qwen/plugins/qwen-oauth.so",
                           "lib/qwen/plugins/coding-plan.so", "lib/qwen/plugins/tty.so", "lib/qwen/plugins/pipe.so",
                           "lib/qwen/plugins/acp.so", "share/bash-completion/completions/qwen",
                           "share/zsh/vendor-completions/_qwen", "share/fish/vendor_completions.d/qwen.fish",
                           "share/doc/qwen/copyright", "share/doc/qwen/changelog.gz", "share/doc/qwen-dev/copyright",
                           "include/qwen/plugin.h", "include/qwen/plugin.hpp", "lib/cmake/QwenSDK/QwenSDKConfig.cmake",
                           "share/qwen/examples/shout-frontend/shout_frontend.cpp", "share/doc/qwen/writing-plugins.md"}) {
    INFO(file);
    CHECK(fs::exists(usr / file));
  }
#ifdef QWEN_TEST_HAVE_MAN_PAGE
  // The man page: help2man's view of the real --help, and the hand-kept sections.
  REQUIRE(fs::exists(usr / "share/man/man1/qwen.1.gz"));
  auto page = sh("gzip -dc " + quoted(usr / "share/man/man1/qwen.1.gz"), work.path());
  CHECK(page.out.find(".TH QWEN \"1\"") != std::string::npos);
  CHECK(page.out.find("output\\-format") != std::string::npos);  // from qwen --help
  for (const char *section : {".SH FILES", ".SH ENVIRONMENT", ".SH \"EXIT STATUS\"", ".SH PLUGINS"}) {
    INFO(section);
    CHECK(page.out.find(section) != std::string::npos);
  }
#else
  WARN("help2man was not found when this tree was configured: no man page checked");
#endif

  // The unpacked qwen: its version, and the plugins beside it (<root>/usr/lib/qwen/plugins), none rejected.
  const std::string qwen = (usr / "bin" / "qwen").string();
  ProcessOptions run;
  run.env = base_env(work.path());
  run.args = {qwen, "--version"};
  auto shown = run_process(run);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.rfind("qwen " + version + " ", 0) == 0);
  run.args = {qwen, "plugins"};
  auto listed = run_process(run);
  INFO(listed.out << listed.err);
  CHECK(listed.exit_code == 0);
  for (const char *id : {"openai", "qwen-oauth", "coding-plan", "tty", "pipe", "acp"}) {
    INFO(id);
    CHECK(listed.out.find((usr / "lib/qwen/plugins" / (std::string(id) + ".so")).string()) != std::string::npos);
  }
  CHECK(listed.out.find("rejected") == std::string::npos);

  // The packaged bash completion asks the packaged qwen for its methods.
  ProcessOptions bash;
  bash.env = run.env;
  bash.args = {"/bin/bash", "--noprofile", "--norc", "-c",
               "source \"$1\"; COMP_WORDS=(\"$2\" --auth-type ''); COMP_CWORD=2; _qwen; printf '%s\\n' \"${COMPREPLY[@]}\"",
               "bash", (usr / "share/bash-completion/completions/qwen").string(), qwen};
  auto completed = run_process(bash);
  INFO(completed.err);
  CHECK(completed.out.find("qwen-oauth\n") != std::string::npos);
  CHECK(completed.out.find("openai\n") != std::string::npos);

  // A plugin built out of tree against the root's CMake package (nothing of the project tree), used by the
  // root's qwen.
  const fs::path source = work.path() / "shout";
  const fs::path build = work.path() / "shout-build";
  fs::copy(usr / "share/qwen/examples/shout-frontend", source, fs::copy_options::recursive);
  auto built = sh("cmake -S " + quoted(source) + " -B " + quoted(build) + " -DCMAKE_PREFIX_PATH=" + quoted(usr) +
                      " && cmake --build " + quoted(build),
                  work.path());
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  REQUIRE(fs::exists(build / "shout.so"));
  FakeProvider provider({"--api-key", "sk-package-test-0001"});
  run.args = {qwen, "--frontend", "shout", "-p", "packaged"};
  run.env["QWEN_PLUGIN_PATH"] = build.string();
  run.env["OPENAI_API_KEY"] = "sk-package-test-0001";
  run.env["OPENAI_BASE_URL"] = provider.base_url();
  auto used = run_process(run);
  INFO(used.err);
  CHECK(used.exit_code == 0);
  CHECK(used.out.find("YOU SAID: PACKAGED") != std::string::npos);
}
