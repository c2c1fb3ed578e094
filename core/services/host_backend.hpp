// host_backend.hpp — what the host application provides behind the C host
// table: the parts that need the application's state (configuration, the
// session, the active front-end). The stateless services (log, HTTP, browser,
// wait) are implemented directly in host_table.cpp.
#pragma once

#include <qwen/plugin.h>

#include <optional>
#include <string>

namespace qwen::services {

class SecretStore;

class HostBackend {
 public:
  virtual ~HostBackend() = default;
  // `key` inside the plugin's own table, or a "qwen.*" host setting.
  virtual std::optional<std::string> config_value(const std::string &plugin_id, const std::string &key) = 0;
  virtual const std::string &home_dir() const = 0;
  virtual qwen_status ui(const qwen_ui_request &request, char *answer, uint64_t capacity, qwen_error *err) = 0;
  virtual qwen_status chat_send(const std::string &text, const qwen_event_sink *sink, qwen_error *err) = 0;
  virtual qwen_status command(const std::string &verb, const char *arg, const qwen_kv_sink *out, qwen_error *err) = 0;
  // plugin.h 1.3: the value at an RFC 6901 pointer in the user's settings.json, as compact JSON.
  virtual std::optional<std::string> settings_read(const std::string &pointer) = 0;
  // Sets (json) or removes (nullopt) that value; on failure returns the status and fills `err`.
  virtual qwen_status settings_write(const std::string &plugin_id, const std::string &pointer,
                                     const std::optional<std::string> &json, qwen_error *err) = 0;
  // plugin.h 1.4: the one secret store every plugin shares (services/secret_store.hpp); nullptr when this
  // host keeps none (secret_put then answers QWEN_ERR_UNSUPPORTED).
  virtual SecretStore *secret_store() { return nullptr; }
};

}  // namespace qwen::services
