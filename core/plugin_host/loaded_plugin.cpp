#include "plugin_host/loaded_plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "plugin_host/code_location.hpp"

namespace qwen::plugin_host {
namespace {

// The 1.0 entry: every member a 1.0 host reads.
constexpr size_t kMinEntrySize = offsetof(qwen_plugin_entry, get_interface) + sizeof(void *);
constexpr size_t kMinAuthSize = offsetof(qwen_auth_interface, on_api_response) + sizeof(void *);
constexpr size_t kMinFrontendSize = offsetof(qwen_frontend_interface, ui) + sizeof(void *);

bool valid_id(const char *id) {
  if (id == nullptr || *id == '\0' || std::strlen(id) > 64) return false;
  if (!(std::islower(static_cast<unsigned char>(*id)) || std::isdigit(static_cast<unsigned char>(*id)))) return false;
  for (const char *p = id; *p; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (!(std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

// Checks what can be checked without running any of the file's code.
std::optional<std::string> precheck(const std::filesystem::path &file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return "not a regular file";
  if (auto problem = unsafe_plugin_file(file, geteuid())) return *problem;  // StrictModes, before any byte runs
  if (access(file.c_str(), R_OK) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {0};
  in.read(magic, 4);
  if (in.gcount() != 4 || std::memcmp(magic,
                                      "\x7f"
                                      "ELF",
                                      4) != 0)
    return "not a shared object (no ELF header)";
  return std::nullopt;
}

}  // namespace

const char *kind_name(int32_t kind) {
  switch (kind) {
    case QWEN_PLUGIN_KIND_AUTH:
      return "auth";
    case QWEN_PLUGIN_KIND_FRONTEND:
      return "frontend";
    default:
      return "unknown";
  }
}

const char *LoadedPlugin::kind_name() const {
  return plugin_host::kind_name(entry_.kind);
}

std::unique_ptr<LoadedPlugin> LoadedPlugin::open(const std::filesystem::path &file, PluginRejection &rejection) {
  rejection.file = file;
  if (auto why = precheck(file)) {
    rejection.reason = *why;
    return nullptr;
  }
  auto plugin = std::unique_ptr<LoadedPlugin>(new LoadedPlugin());
  plugin->file_ = file;
  namespace mode = boost::dll::load_mode;
  boost::dll::fs::error_code ec;
  dlerror();  // clear
  plugin->library_.load(file, mode::rtld_now | mode::rtld_local | static_cast<mode::type>(RTLD_NODELETE), ec);
  if (ec) {
    // Boost 1.74 reports every dlopen failure as "Bad file descriptor"; dlerror() has the real reason.
    const char *why = dlerror();
    rejection.reason = std::string("cannot be loaded: ") + (why ? why : ec.message());
    return nullptr;
  }
  if (!plugin->library_.has(QWEN_PLUGIN_ENTRY_SYMBOL)) {
    rejection.reason = "has no " QWEN_PLUGIN_ENTRY_SYMBOL " entry point (not a qwen plugin?)";
    return nullptr;
  }
  auto entry_fn = plugin->library_.get<const qwen_plugin_entry *()>(QWEN_PLUGIN_ENTRY_SYMBOL);
  const qwen_plugin_entry *entry = nullptr;
  try {
    entry = entry_fn();
  } catch (...) {
    rejection.reason = "its entry point threw a C++ exception";
    return nullptr;
  }
  if (entry == nullptr) {
    rejection.reason = "its entry point returned NULL (the plugin cannot run here)";
    return nullptr;
  }
  if (entry->struct_size < offsetof(qwen_plugin_entry, abi_minor) + sizeof entry->abi_minor) {
    rejection.reason = "its entry is too small to be a qwen plugin entry";
    return nullptr;
  }
  const std::string built_for = std::to_string(entry->abi_major) + "." + std::to_string(entry->abi_minor);
  const std::string ours = std::to_string(QWEN_PLUGIN_ABI_MAJOR) + "." + std::to_string(QWEN_PLUGIN_ABI_MINOR);
  if (entry->abi_major != QWEN_PLUGIN_ABI_MAJOR) {
    rejection.reason = "was built for plugin ABI " + built_for + "; this qwen supports ABI " +
                       std::to_string(QWEN_PLUGIN_ABI_MAJOR) + ".x (rebuild the plugin with a matching SDK)";
    return nullptr;
  }
  if (entry->abi_minor > QWEN_PLUGIN_ABI_MINOR) {
    rejection.reason = "needs plugin ABI " + built_for + ", newer than this qwen's " + ours + " (update qwen)";
    return nullptr;
  }
  if (entry->struct_size < kMinEntrySize) {
    rejection.reason = "its entry is smaller than ABI " + built_for + " requires";
    return nullptr;
  }
  // Copy only what the plugin filled; the rest stays zero (members of a newer minor).
  std::memcpy(&plugin->entry_, entry, std::min<size_t>(entry->struct_size, sizeof(qwen_plugin_entry)));
  plugin->entry_.struct_size = sizeof(qwen_plugin_entry);
  const auto &e = plugin->entry_;
  if (!valid_id(e.id)) {
    rejection.reason = "has an invalid id (use lower-case letters, digits, '.', '_' or '-')";
    return nullptr;
  }
  if (e.init == nullptr || e.get_interface == nullptr) {
    rejection.reason = "has no init or get_interface function";
    return nullptr;
  }
  if (e.kind == QWEN_PLUGIN_KIND_AUTH) {
    auto *t = static_cast<const qwen_auth_interface *>(e.get_interface(QWEN_AUTH_INTERFACE));
    if (!t || t->struct_size < kMinAuthSize || !t->get_credentials || !t->status) {
      rejection.reason = "says it is an auth plugin but gives no usable " QWEN_AUTH_INTERFACE " interface";
      return nullptr;
    }
    plugin->auth_ = t;
  } else if (e.kind == QWEN_PLUGIN_KIND_FRONTEND) {
    auto *t = static_cast<const qwen_frontend_interface *>(e.get_interface(QWEN_FRONTEND_INTERFACE));
    if (!t || t->struct_size < kMinFrontendSize || !t->run || !t->ui) {
      rejection.reason = "says it is a front-end plugin but gives no usable " QWEN_FRONTEND_INTERFACE " interface";
      return nullptr;
    }
    plugin->frontend_ = t;
  } else {
    rejection.reason = "is of unknown kind " + std::to_string(e.kind) + " (expected auth or frontend)";
    return nullptr;
  }
  if (file.stem().string() != e.id) {
    rejection.kind = e.kind;  // what it is is known; only its name is wrong
    rejection.reason = "says its id is '" + std::string(e.id) + "' but the file is named " + file.filename().string() +
                       " (name it " + e.id + ".so)";
    return nullptr;
  }
  return plugin;
}

bool LoadedPlugin::init(const qwen_host *host, std::string &message) {
  qwen_error err{};
  err.struct_size = sizeof err;
  qwen_status status = QWEN_ERR_INTERNAL;
  try {
    status = entry_.init(host, &err);
  } catch (...) {
    message = "init threw a C++ exception across the plugin boundary";
    return false;
  }
  if (status != QWEN_OK) {
    err.message[sizeof err.message - 1] = '\0';
    message = std::string("init failed: ") + (err.message[0] ? err.message : "no reason given");
    return false;
  }
  initialised_ = true;
  return true;
}

void LoadedPlugin::deinit() {
  if (!initialised_) return;
  initialised_ = false;
  if (entry_.deinit) entry_.deinit();
}

}  // namespace qwen::plugin_host
