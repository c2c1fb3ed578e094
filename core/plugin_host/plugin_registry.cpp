#include "plugin_host/plugin_registry.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "plugin_host/code_location.hpp"
#include "plugin_host/plugin_id.hpp"

namespace qwen::plugin_host {

PluginRegistry::PluginRegistry(std::vector<std::filesystem::path> search_path) : search_path_(std::move(search_path)) {}

std::vector<std::filesystem::path> PluginRegistry::candidate_files() const {
  std::vector<std::filesystem::path> files;
  for (const auto &dir : search_path_) {
    if (unsafe_plugin_folder(dir, geteuid())) continue;  // scan() lists it as rejected
    std::error_code ec;
    std::vector<std::filesystem::path> here;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".so") here.push_back(it->path());
    }
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  return files;
}

std::vector<std::string> PluginRegistry::candidate_ids() const {
  std::set<std::string> ids;
  for (const auto &f : candidate_files()) ids.insert(f.stem().string());
  return {ids.begin(), ids.end()};
}

std::optional<PluginRegistry::Location> PluginRegistry::locate(const std::string &id) const {
  if (!is_plugin_id(id)) return std::nullopt;
  for (const auto &dir : search_path_) {
    std::error_code ec;
    auto file = dir / (id + ".so");
    if (std::filesystem::exists(file, ec)) return Location{dir, file};
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> PluginRegistry::file_of(const std::string &id) const {
  const auto where = locate(id);
  return where ? std::optional(where->file) : std::nullopt;
}

std::unique_ptr<LoadedPlugin> PluginRegistry::open(const std::string &id, PluginRejection &rejection) const {
  if (!is_plugin_id(id)) {  // a path would be joined to the plugin folders: never let one through
    rejection.file.clear();
    rejection.reason = "'" + id + "' is not " + kPluginIdRule;
    return nullptr;
  }
  const auto where = locate(id);
  if (!where) {
    rejection.file.clear();
    rejection.reason = "not found";
    return nullptr;
  }
  // The first file with the id is the one: in a folder others can change, it is refused, not skipped.
  if (auto problem = unsafe_plugin_folder(where->dir, geteuid())) {
    rejection.file = where->file;
    rejection.reason = "is in the folder " + where->dir.string() + ", which " + *problem;
    return nullptr;
  }
  return LoadedPlugin::open(where->file, rejection);
}

ScanResult PluginRegistry::scan() const {
  ScanResult result;
  for (const auto &dir : search_path_)
    if (auto problem = unsafe_plugin_folder(dir, geteuid())) result.rejected.push_back({dir, *problem});
  std::map<std::string, std::filesystem::path> seen;
  for (const auto &file : candidate_files()) {
    PluginRejection rejection;
    auto plugin = LoadedPlugin::open(file, rejection);
    if (!plugin) {
      result.rejected.push_back(rejection);
      continue;
    }
    auto [it, inserted] = seen.emplace(plugin->id(), file);
    if (!inserted) {
      result.shadowed.push_back({file, it->second});
      continue;
    }
    result.plugins.push_back(std::move(plugin));
  }
  return result;
}

}  // namespace qwen::plugin_host
