// auth_source.hpp — the chat session's view of an auth plugin: calls through
// its C interface and copies what it hands back.
#pragma once

#include "chat/chat_session.hpp"
#include "plugin_host/loaded_plugin.hpp"

namespace qwen::app {

class AuthSource : public chat::CredentialSource {
 public:
  explicit AuthSource(const plugin_host::LoadedPlugin &plugin) : plugin_(plugin) {}
  qwen_status credentials(uint32_t flags, chat::Credentials &out, std::string &error) override;
  std::optional<std::string> on_api_response(int http_status, const std::string &retry_after) override;
  std::string id() const override { return plugin_.id(); }
  bool plugin_text_replaces_host_text() const override { return plugin_.entry().abi_minor >= 2; }

 private:
  void add_body_fields(const std::string &json, nlohmann::json &into) const;

  const plugin_host::LoadedPlugin &plugin_;
};

// Collects a plugin's key/value output in order.
struct KeyValues {
  std::vector<std::pair<std::string, std::string>> pairs;
  qwen_kv_sink sink();
};

qwen_error empty_error();

}  // namespace qwen::app
