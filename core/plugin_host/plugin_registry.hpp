// plugin_registry.hpp — finding plugins on the search path.
//
// A plugin with id X lives in a file named X.so in one of the plugin
// directories. A normal run opens only the plugins it uses: finding X is a
// stat() per directory, whatever the number of plugins installed. `qwen
// plugins` opens every file to check it (scan()).
#pragma once

#include <filesystem>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"

namespace qwen::plugin_host {

struct ShadowedPlugin {
  std::filesystem::path file;
  std::filesystem::path winner;  // the file earlier in search order with the same id
};

struct ScanResult {
  std::vector<std::unique_ptr<LoadedPlugin>> plugins;  // first of each id, in search order
  std::vector<ShadowedPlugin> shadowed;
  std::vector<PluginRejection> rejected;
};

class PluginRegistry {
 public:
  explicit PluginRegistry(std::vector<std::filesystem::path> search_path);

  const std::vector<std::filesystem::path> &search_path() const { return search_path_; }

  // Every *.so file in search order (directory order, then name).
  std::vector<std::filesystem::path> candidate_files() const;

  // The ids of every candidate, without opening anything (for "available: ...").
  std::vector<std::string> candidate_ids() const;

  // The first file named <id>.so on the search path, without opening it or judging it (open() does).
  std::optional<std::filesystem::path> file_of(const std::string &id) const;

  // Opens the first file named <id>.so. nullptr with `rejection` filled when
  // there is none (reason "not found") or it is unusable.
  std::unique_ptr<LoadedPlugin> open(const std::string &id, PluginRejection &rejection) const;

  // Opens every candidate file.
  ScanResult scan() const;

 private:
  struct Location {
    std::filesystem::path dir;   // the search-path folder, as given
    std::filesystem::path file;  // <dir>/<id>.so
  };
  // The first folder on the search path holding <id>.so (nothing judged or opened).
  std::optional<Location> locate(const std::string &id) const;

  std::vector<std::filesystem::path> search_path_;
};

}  // namespace qwen::plugin_host
