// loaded_plugin.hpp — one plugin shared object, opened and checked.
//
// Opening follows the ABI study's rules: refuse anything that is not a
// readable ELF file before dlopen; RTLD_NOW so a missing symbol fails here;
// RTLD_LOCAL so plugins cannot see each other's symbols; RTLD_NODELETE so a
// plugin is never unmapped while the process runs (no static-destructor
// ordering bugs). Every refusal is one line that names the file.
#pragma once

#include <qwen/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace qwen::plugin_host {

// Why a file is not a usable plugin (a user-facing sentence, without the path).
struct PluginRejection {
  std::filesystem::path file;
  std::string reason;
  int32_t kind = 0;  // the kind the file declared, when it was refused after that (a wrong file name); else 0
};

class LoadedPlugin {
 public:
  // Opens `file` and validates its entry (ABI version, kind, id, interface).
  // Does not call init(). Returns nullopt and fills `rejection` on failure.
  static std::unique_ptr<LoadedPlugin> open(const std::filesystem::path &file, PluginRejection &rejection);

  const std::filesystem::path &file() const { return file_; }
  const qwen_plugin_entry &entry() const { return entry_; }
  std::string id() const { return entry_.id; }
  std::string version() const { return entry_.version ? entry_.version : "?"; }
  int32_t kind() const { return entry_.kind; }
  const char *kind_name() const;
  const qwen_auth_interface *auth() const { return auth_; }
  const qwen_frontend_interface *frontend() const { return frontend_; }

  // Calls the plugin's init() with its host table. On failure returns false
  // with `message` set; the plugin must then not be used.
  bool init(const qwen_host *host, std::string &message);
  // Calls deinit() once, when init() succeeded.
  void deinit();
  bool initialised() const { return initialised_; }

 private:
  std::filesystem::path file_;
  boost::dll::shared_library library_;
  qwen_plugin_entry entry_{};  // a copy of the plugin's entry, zero-filled past its struct_size
  const qwen_auth_interface *auth_ = nullptr;
  const qwen_frontend_interface *frontend_ = nullptr;
  bool initialised_ = false;
};

const char *kind_name(int32_t kind);

}  // namespace qwen::plugin_host
