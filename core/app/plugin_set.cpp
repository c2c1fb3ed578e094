#include "app/plugin_set.hpp"

#include "util/strings.hpp"

namespace qwen::app {
namespace {

const char *kind_noun(int32_t kind) {
  return kind == QWEN_PLUGIN_KIND_AUTH ? "sign-in method" : "front-end";
}

std::string wrong_kind(const std::string &id, int32_t is, int32_t wanted) {
  return "'" + id + "' is a " + kind_noun(is) + " plugin, not a " + kind_noun(wanted);
}

}  // namespace

PluginSet::~PluginSet() {
  deinit_all();
  kinds_.save();
}

plugin_host::LoadedPlugin *PluginSet::get(const std::string &id, int32_t kind, std::string &error) {
  for (auto &a : active_)
    if (a.plugin->id() == id) {
      if (a.plugin->kind() != kind) {
        error = wrong_kind(id, a.plugin->kind(), kind);
        return nullptr;
      }
      return a.plugin.get();
    }
  if (const auto file = registry_.file_of(id))
    if (const auto known = kinds_.kind_of(*file); known && *known != kind) {
      error = wrong_kind(id, *known, kind);
      return nullptr;
    }
  plugin_host::PluginRejection rejection;
  auto plugin = registry_.open(id, rejection);
  if (!plugin && rejection.kind) kinds_.remember(rejection.file, rejection.kind);  // refused, but its kind is known
  if (!plugin) {
    if (rejection.file.empty() && rejection.reason != "not found") {
      error = std::string("the ") + kind_noun(kind) + " " + rejection.reason;
    } else if (rejection.file.empty()) {
      error = std::string("no ") + kind_noun(kind) + " plugin '" + id +
              "' (plugins found: " + util::join(registry_.candidate_ids(), ", ") + "; see 'qwen plugins')";
    } else {
      error = "plugin " + rejection.file.string() + " " + rejection.reason;
    }
    return nullptr;
  }
  kinds_.remember(plugin->file(), plugin->kind());
  if (plugin->kind() != kind) {
    error = wrong_kind(id, plugin->kind(), kind);
    return nullptr;
  }
  auto host = std::make_unique<services::HostTable>(backend_, id, kind);
  std::string message;
  if (!plugin->init(host->get(), message)) {
    error = "plugin " + plugin->file().string() + ": " + message;
    return nullptr;
  }
  active_.push_back({std::move(plugin), std::move(host)});
  return active_.back().plugin.get();
}

void PluginSet::deinit_all() {
  for (auto it = active_.rbegin(); it != active_.rend(); ++it) it->plugin->deinit();
}

}  // namespace qwen::app
