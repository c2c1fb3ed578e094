#include "plugin_host/plugin_kind_cache.hpp"

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <qwen/plugin.h>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

namespace qwen::plugin_host {
namespace {

// A cache of a few plugins is a few KiB; anything larger is not ours.
constexpr size_t kMaxFileBytes = 256 * 1024;

std::optional<std::string> identity_of(const std::filesystem::path &plugin) {
  struct stat st {};
  if (::stat(plugin.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);
}

bool known_kind(int64_t kind) {
  return kind == QWEN_PLUGIN_KIND_AUTH || kind == QWEN_PLUGIN_KIND_FRONTEND;
}

}  // namespace

PluginKindCache::PluginKindCache(std::filesystem::path file) : file_(std::move(file)) {
  std::optional<std::string> text;
  try {
    text = sdk::read_regular_file(file_->string(), kMaxFileBytes, sdk::Links::Refuse);
  } catch (const std::exception &) {
    return;  // a link, a FIFO, too large: start empty
  }
  if (!text) return;
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc.contains("plugins") || !doc["plugins"].is_object()) return;
  for (const auto &[path, e] : doc["plugins"].items()) {
    if (!e.is_object() || !e.contains("identity") || !e["identity"].is_string() || !e.contains("kind") ||
        !e["kind"].is_number_integer() || !known_kind(e["kind"].get<int64_t>()))
      continue;
    entries_[path] = Entry{e["identity"].get<std::string>(), static_cast<int32_t>(e["kind"].get<int64_t>())};
  }
}

std::optional<int32_t> PluginKindCache::kind_of(const std::filesystem::path &plugin) const {
  const auto it = entries_.find(plugin.string());
  if (it == entries_.end()) return std::nullopt;
  const auto now = identity_of(plugin);
  if (!now || *now != it->second.identity) return std::nullopt;
  return it->second.kind;
}

void PluginKindCache::remember(const std::filesystem::path &plugin, int32_t kind) {
  const auto identity = identity_of(plugin);
  if (!identity || !known_kind(kind)) return;
  Entry &e = entries_[plugin.string()];
  if (e.identity == *identity && e.kind == kind) return;
  e = Entry{*identity, kind};
  changed_ = true;
}

void PluginKindCache::save() const {
  if (!file_ || !changed_) return;
  nlohmann::json doc = {{"version", 1}, {"plugins", nlohmann::json::object()}};
  for (const auto &[path, e] : entries_) doc["plugins"][path] = {{"identity", e.identity}, {"kind", e.kind}};
  try {
    sdk::make_private_dirs(file_->parent_path().string());
    sdk::write_file_atomically(file_->string(), doc.dump(1) + "\n", 0600);
  } catch (const std::exception &) {
    // A read-only home or a full disk: the next run opens the plugins as before.
  }
}

}  // namespace qwen::plugin_host
