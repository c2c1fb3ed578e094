// application.hpp — one run of `qwen`: reads the command line, the
// configuration and the .env file, picks and loads the front-end and the
// auth plugin, and serves them as their HostBackend (the session, the
// commands, the UI routing) until the front-end's loop ends.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/accounts.hpp"
#include "app/auth_choice.hpp"
#include "app/auth_report.hpp"
#include "app/auth_source.hpp"
#include "app/conversations.hpp"
#include "app/plugin_set.hpp"
#include "chat/chat_session.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "config/env_files.hpp"
#include "config/provider_settings.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "services/host_backend.hpp"
#include "services/secret_store.hpp"

namespace qwen::app {

class Application : public services::HostBackend {
 public:
  // Reads Qwen Code's settings that route a chat (again after a plugin edits settings.json).
  using ProviderSettingsLoader = std::function<config::ProviderSettings()>;
  Application(cli::Options options, config::Config config, config::EnvFileLoad env,
              ProviderSettingsLoader load_provider_settings = {});
  ~Application() override;

  int run();

  // HostBackend
  std::optional<std::string> config_value(const std::string &plugin_id, const std::string &key) override;
  const std::string &home_dir() const override { return home_; }
  qwen_status ui(const qwen_ui_request &request, char *answer, uint64_t capacity, qwen_error *err) override;
  qwen_status chat_send(const std::string &text, const qwen_event_sink *sink, qwen_error *err) override;
  qwen_status command(const std::string &verb, const char *arg, const qwen_kv_sink *out, qwen_error *err) override;
  std::optional<std::string> settings_read(const std::string &pointer) override;
  qwen_status settings_write(const std::string &plugin_id, const std::string &pointer,
                             const std::optional<std::string> &json, qwen_error *err) override;
  // plugin.h 1.4, made on first use (most runs never touch a secret); config_ checked the word.
  services::SecretStore *secret_store() override {
    if (!secrets_)
      secrets_ = std::make_unique<services::SecretStore>(
          home_, services::parse_secret_store_choice(config_.secrets_store).value_or(services::SecretStoreChoice::Auto));
    return secrets_.get();
  }

 private:
  int list_plugins();
  int run_auth_command();
  int run_models_command();
  int print_status();
  int print_token();
  MethodStatus method_status(const plugin_host::LoadedPlugin &plugin);
  // The session's model: the one chosen (-m, /model), else the selected method's; empty when neither says.
  std::string current_model();
  chat::ChatSession &session() { return conversations_.current(); }
  std::string session_model() const { return conversations_.current().model(); }
  // plugin.h 1.3's "qwen.settings.*" and "qwen.provider*" keys for `plugin_id`.
  std::optional<std::string> provider_setting(const std::string &plugin_id, const std::string &key) const;
  // The installed auth plugin the environment configures with the highest priority (plugin.h).
  std::optional<std::string> method_configured_by_environment();
  // The installed auth plugins (opened), in id order.
  std::vector<const plugin_host::LoadedPlugin *> installed_auth_methods();
  qwen_status session_command(const std::string &verb, const std::string &arg, const qwen_kv_sink *out,
                              qwen_error *err);
  qwen_status auth_logout(plugin_host::LoadedPlugin &plugin, const qwen_kv_sink *out, qwen_error *err);
  std::string choose_frontend() const;
  std::string choose_auth();
  bool auth_chosen_by_user();
  std::string why_no_auth() const;
  // Whether the selected method has credentials now that a later run will find too (its status has no
  // "session_only" pair): only such a choice is remembered.
  bool choice_outlives_session();
  // Decided once per run (its warnings are shown once): see app/auth_choice.hpp.
  // Not const: with no choice made, it opens the auth plugins to ask which one the environment configures.
  const AuthChoice &auth_choice();
  bool plugin_exists(const std::string &id) const;
  bool load_frontend(std::string &error);
  // Makes `id` the session's auth method (opening it if needed).
  qwen_status select_auth(const std::string &id, qwen_error *err);
  qwen_status auth_login(plugin_host::LoadedPlugin &plugin, qwen_error *err);
  qwen_status auth_status(plugin_host::LoadedPlugin &plugin, const qwen_kv_sink *out, qwen_error *err);
  qwen_status list_auth_methods(const qwen_kv_sink *out);

  // Accounts (plugin.h "Accounts"; app/application_accounts.cpp).
  bool keeps_accounts(const plugin_host::LoadedPlugin &plugin) const;
  // The account `plugin` acts for in this call: the one being asked about (qwen auth list), else the
  // selected method's active one, else the default.
  std::string account_for(const std::string &plugin_id) const;
  // --account, else the project's binding, else the user's config.toml: for `plugin` when it keeps accounts.
  qwen_status resolve_account(const plugin_host::LoadedPlugin &plugin, std::string &account, qwen_error *err) const;
  // Every login of `plugin` (the default one, then the named ones), each asked for its status.
  std::vector<MethodStatus> logins_of(const plugin_host::LoadedPlugin &plugin);
  int list_logins();
  int switch_login();
  // The session's selected method acts for `account` from now on (auth.account): a fresh credentials source.
  qwen_status use_account(const std::string &account, qwen_error *err);
  // Writes `account` in the user's config.toml (a failure is a warning: the session goes on).
  void remember_account(const std::string &account);
  // After a sign-in or sign-out of the selected method's active account: the registry follows.
  void record_login(const plugin_host::LoadedPlugin &plugin);
  void forget_login(const plugin_host::LoadedPlugin &plugin);
  qwen_status account_command(const std::string &verb, const std::string &arg, const qwen_kv_sink *out,
                              qwen_error *err);

  cli::Options options_;
  config::Config config_;
  config::EnvFileLoad env_;
  ProviderSettingsLoader load_provider_settings_;
  config::ProviderSettings provider_settings_;
  std::string home_;
  std::unique_ptr<services::SecretStore> secrets_;  // before the plugins: it outlives them
  plugin_host::PluginRegistry registry_;
  PluginSet plugins_;
  plugin_host::LoadedPlugin *frontend_ = nullptr;
  plugin_host::LoadedPlugin *auth_ = nullptr;
  std::unique_ptr<AuthSource> auth_source_;
  Conversations conversations_;
  bool interactive_ = false;
  std::optional<AuthChoice> auth_choice_;
  // Why no sign-in method is selected (the default one is not installed); empty when one is.
  std::string no_auth_reason_;
  // A method chosen with auth.select whose credentials were not there yet: remembered once a login gets
  // credentials that a later run will find too.
  std::string remember_after_login_;
  AccountRegistry accounts_;
  std::string account_;  // the selected method's active account ("" = the default one)
  // While the host asks a login other than the active one (qwen auth list): (method id, account).
  std::optional<std::pair<std::string, std::string>> asking_;
  // Notices and warnings shown for plugins so far (a sign-out that explained itself needs no other words).
  int plugin_notices_ = 0;
};

// The whole program: parse, load configuration, run. Returns the exit status.
int run_qwen(int argc, const char *const *argv);

}  // namespace qwen::app
