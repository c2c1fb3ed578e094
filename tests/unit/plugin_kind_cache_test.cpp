// The plugin kind cache: a kind is known only for the very file it was learned from, a changed file is unknown
// again, and a damaged, foreign or linked cache file is ignored (qwen then opens the plugins as before).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <qwen/plugin.h>

#include "plugin_host/plugin_kind_cache.hpp"
#include "support/temp_dir.hpp"

using qwen::plugin_host::PluginKindCache;
using qwen::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("plugin kind cache: remembered across runs for the same file, forgotten when the file changes",
          "[plugins][unit]") {
  TempDir dir;
  const fs::path cache = dir.path() / "cache" / "plugin-kinds.json";
  const fs::path tty = dir.write("plugins/tty.so", "not really a plugin, only its identity counts");
  const fs::path auth = dir.write("plugins/openai.so", "another");
  {
    PluginKindCache kinds(cache);
    CHECK_FALSE(kinds.kind_of(tty));
    kinds.remember(tty, QWEN_PLUGIN_KIND_FRONTEND);
    kinds.remember(auth, QWEN_PLUGIN_KIND_AUTH);
    kinds.remember(dir.path() / "plugins/missing.so", QWEN_PLUGIN_KIND_AUTH);  // nothing to remember
    kinds.save();
  }
  struct stat st {};
  REQUIRE(::stat(cache.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  PluginKindCache again(cache);
  CHECK(again.kind_of(tty) == QWEN_PLUGIN_KIND_FRONTEND);
  CHECK(again.kind_of(auth) == QWEN_PLUGIN_KIND_AUTH);
  CHECK_FALSE(again.kind_of(dir.path() / "plugins/missing.so"));
  // Rebuilt (written anew, even with the same length): unknown until opened again.
  dir.write("plugins/tty.so", "not really a plugin, only its identity counts");
  CHECK_FALSE(again.kind_of(tty));
  fs::remove(auth);
  CHECK_FALSE(again.kind_of(auth));
}

TEST_CASE("plugin kind cache: a damaged, foreign-shaped, linked or huge cache file is ignored, then replaced",
          "[plugins][unit]") {
  TempDir dir;
  const fs::path tty = dir.write("plugins/tty.so", "x");
  const fs::path cache = dir.path() / "plugin-kinds.json";
  std::string text;
  SECTION("not JSON") { text = "{\"plugins\": {"; }
  SECTION("wrong types") { text = "{\"plugins\": {\"" + tty.string() + "\": {\"identity\": 7, \"kind\": \"auth\"}}}"; }
  SECTION("a kind no plugin has") {
    text = "{\"plugins\": {\"" + tty.string() + "\": {\"identity\": \"x\", \"kind\": 99}}}";
  }
  SECTION("an array") { text = "[1, 2, 3]"; }
  SECTION("larger than any cache") { text = std::string(300 * 1024, ' ') + "{}"; }
  dir.write("plugin-kinds.json", text);
  PluginKindCache kinds(cache);
  CHECK_FALSE(kinds.kind_of(tty));
  kinds.remember(tty, QWEN_PLUGIN_KIND_FRONTEND);
  kinds.save();
  CHECK(PluginKindCache(cache).kind_of(tty) == QWEN_PLUGIN_KIND_FRONTEND);
}

TEST_CASE("plugin kind cache: a link at the cache's place is neither read nor written through", "[plugins][unit]") {
  TempDir dir;
  const fs::path tty = dir.write("plugins/tty.so", "x");
  const fs::path target = dir.write("elsewhere.json", "the link's target, not ours\n");
  const fs::path cache = dir.path() / "plugin-kinds.json";
  fs::create_symlink(target, cache);
  PluginKindCache kinds(cache);
  kinds.remember(tty, QWEN_PLUGIN_KIND_FRONTEND);
  kinds.save();
  std::ifstream in(target);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(kept == "the link's target, not ours\n");
}
