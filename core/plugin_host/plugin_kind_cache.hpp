// plugin_kind_cache.hpp — the kind (sign-in method or front-end) of each plugin file opened before, so that a
// run looking for sign-in methods does not open the front-ends to learn what they are. Opening the terminal
// front-end loads libedit, libqrencode, md4c and source-highlight: `qwen -p hi` spent half its start-up there.
//
// Kept in <cache dir>/plugin-kinds.json (config::cache_dir()), keyed by the file's path and identity (device,
// inode, size, modification and change times to the nanosecond): a file replaced or rebuilt is unknown again
// and opened as before. The cache can only make qwen skip a plugin for a kind it is not; it never makes qwen
// open anything, so a damaged or forged cache costs at most a plugin the environment choice does not see
// (still used when named). Damaged, missing or unwritable: ignored, rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace qwen::plugin_host {

class PluginKindCache {
 public:
  PluginKindCache() = default;  // remembers for this process only
  explicit PluginKindCache(std::filesystem::path file);

  // The kind recorded for this very file, or nullopt (never opened, changed since, or unreadable).
  std::optional<int32_t> kind_of(const std::filesystem::path &plugin) const;
  void remember(const std::filesystem::path &plugin, int32_t kind);
  // Writes the file (0600, atomically) when something new was remembered; failures are ignored.
  void save() const;

 private:
  struct Entry {
    std::string identity;
    int32_t kind = 0;
  };
  std::optional<std::filesystem::path> file_;
  std::map<std::string, Entry> entries_;  // by path
  bool changed_ = false;
};

}  // namespace qwen::plugin_host
