// A headless run looks for sign-in methods among the installed plugins; to learn what a plugin is, it has to
// open it, and opening the terminal front-end loads its libraries (libedit, md4c, source-highlight...). The kind
// learned is kept in ~/.cache/qwen/plugin-kinds.json, so the next run does not open a front-end at all, until
// the file changes. Seen here through a front-end that leaves a marker in $HOME whenever it is loaded.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

constexpr const char *kKey = "sk-kind-cache-key-4411";

// The marked front-end copied into a plugin folder of this test's own (its identity is the copy's).
fs::path install_marked_frontend(const TempDir &home) {
  const fs::path dir = home.path() / "plugins";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  const fs::path file = dir / "cmarked.so";
  fs::copy_file(fs::path(QWEN_TEST_FIXTURE_PLUGIN_DIR) / "marked_frontend" / "cmarked.so", file,
                fs::copy_options::overwrite_existing);
  return file;
}

// Whether the marked front-end was loaded since the last call (the marker is taken away).
bool loaded(const TempDir &home) {
  const fs::path marker = home.path() / "FOREIGN_CODE_RAN";
  const bool was = fs::exists(marker);
  fs::remove(marker);
  return was;
}

}  // namespace

TEST_CASE("plugins: a headless run opens a front-end once to learn its kind, then not until the file changes",
          "[e2e][plugins]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  const fs::path plugin = install_marked_frontend(home);
  QwenRunOptions o = with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", provider.base_url()},
                               {"QWEN_PLUGIN_PATH", (home.path() / "plugins").string()}});
  auto ask = [&] {
    const auto r = run_qwen(home, {"-p", "hi"}, o);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("You said: hi") != std::string::npos);
  };

  ask();
  CHECK(loaded(home));  // the first run had to open it to know it is no sign-in method
  const fs::path cache = home.path() / ".cache/qwen/plugin-kinds.json";
  struct stat st {};
  REQUIRE(::stat(cache.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  ask();
  CHECK_FALSE(loaded(home));  // known now: not opened

  // Named, it is used (and so loaded) as before.
  const auto named = run_qwen(home, {"-p", "hi", "--frontend", "cmarked"}, o);
  INFO(named.out << named.err);
  CHECK(named.exit_code == 0);
  CHECK(loaded(home));

  // Replaced by a new build: unknown again, opened once more.
  fs::remove(plugin);
  install_marked_frontend(home);
  ask();
  CHECK(loaded(home));
  ask();
  CHECK_FALSE(loaded(home));

  // A damaged cache is ignored (the plugin opened as before) and replaced.
  home.write(".cache/qwen/plugin-kinds.json", "{\"plugins\": [damaged");
  ask();
  CHECK(loaded(home));
  ask();
  CHECK_FALSE(loaded(home));

  // XDG_CACHE_HOME moves it; a relative one is not used (the XDG rule).
  o.env["XDG_CACHE_HOME"] = (home.path() / "xdg").string();
  ask();
  CHECK(loaded(home));
  CHECK(fs::exists(home.path() / "xdg/qwen/plugin-kinds.json"));

  // A repository's .env cannot move it (it would choose where qwen writes, and what it reads back).
  o.env.erase("XDG_CACHE_HOME");
  home.write("repo/.env", "XDG_CACHE_HOME=" + (home.path() / "repo/cache").string() + "\n");
  o.cwd = (home.path() / "repo").string();
  fs::remove(plugin);
  install_marked_frontend(home);
  const auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(home.path() / "repo/cache"));
  CHECK(fs::exists(home.path() / ".cache/qwen/plugin-kinds.json"));
}

TEST_CASE("plugins: a front-end refused for its file name is not opened again by each headless run",
          "[e2e][plugins]") {
  FakeProvider provider({"--api-key", kKey});
  TempDir home;
  const fs::path good = install_marked_frontend(home);
  fs::rename(good, good.parent_path() / "renamed.so");  // says its id is cmarked: refused when used
  QwenRunOptions o = with_env({{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", provider.base_url()},
                               {"QWEN_PLUGIN_PATH", (home.path() / "plugins").string()}});
  for (int run = 0; run < 3; ++run) {
    const auto r = run_qwen(home, {"-p", "hi"}, o);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(loaded(home) == (run == 0));  // its kind was learned the first time, though its name is wrong
  }
  const auto named = run_qwen(home, {"-p", "hi", "--frontend", "renamed"}, o);
  CHECK(named.exit_code != 0);
  CHECK(named.err.find("name it cmarked.so") != std::string::npos);
}
