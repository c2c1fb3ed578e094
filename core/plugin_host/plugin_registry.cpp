#include "plugin_host/plugin_registry.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace qwen::plugin_host {

PluginRegistry::PluginRegistry(std::vector<std::filesystem::path> search_path) : search_path_(std::move(search_path)) {}

std::vector<std::filesystem::path> PluginRegistry::candidate_files() const {
  std::vector<std::filesystem::path> files;
  for (const auto &dir : search_path_) {
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

std::unique_ptr<LoadedPlugin> PluginRegistry::open(const std::string &id, PluginRejection &rejection) const {
  for (const auto &dir : search_path_) {
    std::error_code ec;
    auto file = dir / (id + ".so");
    if (std::filesystem::exists(file, ec)) return LoadedPlugin::open(file, rejection);
  }
  rejection.file.clear();
  rejection.reason = "not found";
  return nullptr;
}

ScanResult PluginRegistry::scan() const {
  ScanResult result;
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
