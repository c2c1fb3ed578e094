// plugin_set.hpp — the plugins this process has opened and initialised, each
// with its own host table. Plugins stay loaded until the process ends; deinit
// runs in reverse order of init.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugin_host/plugin_kind_cache.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "services/host_table.hpp"

namespace qwen::app {

struct ActivePlugin {
  std::unique_ptr<plugin_host::LoadedPlugin> plugin;
  std::unique_ptr<services::HostTable> host;
};

class PluginSet {
 public:
  // `kinds` remembers what each plugin file is across runs (plugin_kind_cache.hpp): a front-end is not opened
  // to learn that it is no sign-in method.
  PluginSet(const plugin_host::PluginRegistry &registry, services::HostBackend &backend,
            plugin_host::PluginKindCache kinds = {})
      : registry_(registry), backend_(backend), kinds_(std::move(kinds)) {}
  ~PluginSet();

  // The initialised plugin with this id and kind, opening it on first use.
  // nullptr with a one-line `error` naming what is wrong (and, when not found,
  // which ids exist).
  plugin_host::LoadedPlugin *get(const std::string &id, int32_t kind, std::string &error);

  void deinit_all();

 private:
  const plugin_host::PluginRegistry &registry_;
  services::HostBackend &backend_;
  plugin_host::PluginKindCache kinds_;
  std::vector<ActivePlugin> active_;
};

}  // namespace qwen::app
