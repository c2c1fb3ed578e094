// openai — the OpenAI-compatible sign-in method: an API key, a base URL and a
// model, from flags, a key_command, the environment (.env included), what a
// sign-in kept, or config.toml. A key typed at /auth or given to `qwen auth
// api-key` (-k, --with-key) is tried with GET <base>/models first (refused:
// nothing is kept), then goes to the host's secret store (the keyring, else
// secrets.json), the base URL and model typed with it to openai_accounts.json;
// an existing ~/.qwen/.env line is still read (the host loads it) and never
// rewritten. Accounts (plugin.h 1.5): the account is read from the host in
// every call; a named one takes nothing from the environment.
#include <qwen/plugin.hpp>
#include <qwen/sdk/key_check.hpp>
#include <qwen/sdk/key_command.hpp>
#include <qwen/sdk/url.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "openai_settings.hpp"
#include "request_extras.hpp"
#include "saved_accounts.hpp"

namespace openai_key {

constexpr const char *kKeyName = "api_key";  // the secret's name in the store

class OpenAiKeyPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "openai";
  static constexpr const char *kName = "OpenAI-compatible API key";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "OpenAI, DashScope, ModelScope, OpenRouter or a local server, with a key";
  static constexpr uint32_t kMethodFlags =
      QWEN_AUTH_METHOD_LOGIN_ASKS | QWEN_AUTH_METHOD_MODELS_FROM_API | QWEN_AUTH_METHOD_ACCOUNTS;
  static constexpr const char *kEnvVars = "OPENAI_API_KEY\nOPENAI_BASE_URL\nOPENAI_MODEL";
  static constexpr const char *kSetupUrl = "https://platform.openai.com/api-keys";

  explicit OpenAiKeyPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  // The seed's order: a key in the environment (or a .env file, already applied, or --openai-api-key) means
  // this method when the user chose none; so does a key a sign-in kept, or a key_command.
  int environment_priority() override {
    const std::string account = host().account();
    const char *key = std::getenv("OPENAI_API_KEY");
    if ((account.empty() && key && *key) || host().config("qwen.cli.openai_api_key")) return 100;
    if (auto cmd = account_config(account, "key_command"); cmd && !cmd->empty()) return 100;
    auto kept = host().secret_get(account, kKeyName);
    return kept && !kept->empty() ? 100 : 0;
  }

  // A 401 (QWEN_AUTH_FLAG_FORCE_REFRESH) runs the key_command again: the key it prints may have changed.
  void get_credentials(uint32_t flags, const qwen::sdk::KvOut &out) override {
    OpenAiSettings s = settings(Command::Run, (flags & QWEN_AUTH_FLAG_FORCE_REFRESH) != 0);
    std::string problem = problem_with(s);
    if (!problem.empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, problem);
    host().register_secret(s.api_key.value);
    out.put("base_url", s.base_url.value);
    out.put("token", s.api_key.value);
    out.put("model", s.model.value);
    const RequestExtras extras = extras_for(s);
    for (const auto &h : extras.headers) out.put("header", h);
    if (!extras.body.empty()) out.put("body", extras.body.dump());
  }

  // The models settings.json's modelProviders.openai offers (Qwen Code's /model list); without any, the host
  // asks the server (QWEN_AUTH_METHOD_MODELS_FROM_API).
  void list_models(const qwen::sdk::KvOut &out) override {
    const auto entries = nlohmann::json::parse(host().config_or("qwen.providers", "[]"), nullptr, false);
    if (!entries.is_array() || entries.empty()) throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED, "no model list");
    for (const auto &e : entries) {
      const auto name = e.value("name", std::string());
      const auto base = e.value("baseUrl", std::string());
      out.put(e.value("id", std::string()), name.empty() ? base : base.empty() ? name : name + " (" + base + ")");
    }
  }

  // The key (and base URL) given to `qwen auth api-key -k/--with-key/-u` are kept as they are; else asks for
  // what is missing: the key (hidden), then the base URL and model with their current values offered. A key
  // given or typed is tried first (check_entered_key): one the server refuses is not kept. The key goes to the
  // secret store, the base URL and model (when they differ from what a run would find) to openai_accounts.json.
  void login() override {
    const std::string account = host().account();
    entered_.erase(account);  // a new sign-in starts from what later runs find
    kept_.erase(account);
    const OpenAiSettings before = settings(Command::Skip);
    auto &typed = entered_[account];
    bool checked = false;
    const auto given_key = host().config("qwen.login.key");
    const auto given_url = host().config("qwen.login.base_url");
    if ((given_key && !given_key->empty()) || (given_url && !given_url->empty())) {
      if (given_key && !given_key->empty()) {
        host().register_secret(*given_key);
        typed["api_key"] = *given_key;
      }
      if (given_url && !given_url->empty()) typed["base_url"] = *given_url;
    } else if (auto cmd = account_config(account, "key_command"); cmd && !cmd->empty()) {
      host().notice("Nothing to ask: the API key of " + account_words(account) + " comes from key_command in " +
                    table_words(account) + ".");
      return;
    } else {
      if (problem_with(before).empty()) {
        host().notice(before.api_key.value.empty()
                          ? "Nothing to ask: " + before.base_url.value + " needs no API key."
                          : "Nothing to ask: the API key comes from " + source_words(before.api_key, before.key_variable) +
                                ", the base URL is " + before.base_url.value + ".");
        return;
      }
      ask_what_is_missing(before, typed);
      check_entered_key(account);  // before the question about keeping: a refused key is not worth keeping
      checked = true;
      if (!want_to_keep()) {  // this session only: the host does not remember the choice (session_only)
        const std::string problem = problem_with(settings(Command::Skip));
        if (!problem.empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, problem);
        return;
      }
    }
    const std::string problem = problem_with(settings(Command::Skip));
    if (!problem.empty()) {
      entered_.erase(account);
      kept_.erase(account);
      throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, problem);
    }
    if (!checked) check_entered_key(account);
    keep(account, before);
  }

  // Removes this account's key from the secret store and its base URL and model from openai_accounts.json, and
  // says what still signs the user in (an OPENAI_API_KEY line in a .env file is the user's: not touched).
  void logout() override {
    const std::string account = host().account();
    entered_.erase(account);
    kept_.erase(account);
    bool removed = false;
    if (host().has_secrets()) {
      removed = host().secret_get(account, kKeyName).has_value();
      host().secret_delete(account, kKeyName);
    }
    update_saved_accounts(
        home(), [&](SavedAccounts &saved) { saved.erase(saved_account_name(account)); }, lock_wait());
    OpenAiSettings s = settings(Command::Skip);
    std::string text = removed ? "Removed the API key of " + account_words(account) + " from the secret store. "
                               : "No API key of " + account_words(account) + " was kept by qwen. ";
    if (auto cmd = account_config(account, "key_command"); cmd && !cmd->empty())
      text += "Its key_command still signs you in; remove key_command from " + table_words(account) +
              " in config.toml to sign out.";
    else if (s.api_key.value.empty())
      text += "Signed out.";
    else
      text += "The key " + qwen::sdk::redact(s.api_key.value) + " from " + source_words(s.api_key, s.key_variable) +
              " still signs you in (it was not touched); " + how_to_remove(s.api_key.source) + ".";
    host().notice(text);
  }

  void status(const qwen::sdk::KvOut &out) override {
    OpenAiSettings s;
    try {
      s = settings(Command::Run);
    } catch (const qwen::sdk::Error &e) {  // a failing key_command, a damaged openai_accounts.json
      out.put("state", std::string("not usable: ") + e.what());
      out.put("signed_in", "no");
      return;
    }
    std::string problem = problem_with(s);
    out.put("state", problem.empty() ? "ready" : "not usable: " + problem);
    out.put("signed_in", problem.empty() ? "yes" : "no");
    // plugin.h: what was typed and not kept ends with this process, so the host does not remember the choice.
    const auto &kept = kept_[host().account()];
    for (const auto &[name, v] : {std::pair("api_key", &s.api_key), std::pair("base_url", &s.base_url),
                                  std::pair("model", &s.model)})
      if (v->source == kEnteredSource && !kept.count(name) && problem.empty()) {
        out.put("session_only", "typed in this session and not kept");
        break;
      }
    const bool own_variable = s.key_variable != "OPENAI_API_KEY" && s.api_key.source == "environment";
    out.put("api_key", s.api_key.value.empty()
                           ? "(none)"
                           : qwen::sdk::redact(s.api_key.value) + " from " +
                                 (own_variable ? s.key_variable + " (the provider entry's envKey)" : s.api_key.source));
    out.put("base_url", s.base_url.value + " from " + s.base_url.source);
    out.put("model", s.model.value + " from " + s.model.source);
    if (auto file = host().config("qwen.provider.source"); file && provider())
      out.put("provider", "modelProviders.openai entry '" + s.model.value + "' in " + *file);
  }

 private:
  enum class Command { Run, Skip };  // whether to run a configured key_command

  // The settings for the account the host acts for now (read in every call: it changes on a switch).
  OpenAiSettings settings(Command command, bool refresh = false) {
    SettingInputs in;
    const auto &h = host();
    const std::string account = h.account();
    in.account = account;
    in.flag = [&h](const std::string &name) -> std::optional<std::string> {
      if (name == "api_key") return h.config("qwen.cli.openai_api_key");
      if (name == "base_url") return h.config("qwen.cli.openai_base_url");
      return h.config("qwen.model");
    };
    const auto typed = entered_.find(account);
    in.entered = [this, typed](const std::string &name) -> std::optional<std::string> {
      if (typed == entered_.end()) return std::nullopt;
      auto it = typed->second.find(name);
      return it == typed->second.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    in.config = [this, account](const std::string &name) { return account_config(account, name); };
    const SavedAccounts saved = read_saved_accounts(home());
    const auto kept = saved.find(saved_account_name(account));
    in.kept = [&h, &account, &saved, kept](const std::string &name) -> std::optional<std::string> {
      if (name == "api_key") return h.secret_get(account, kKeyName);
      if (kept == saved.end()) return std::nullopt;
      return name == "base_url" ? kept->second.base_url : kept->second.model;
    };
    if (command == Command::Run && !h.config("qwen.cli.openai_api_key"))
      if (auto cmd = account_config(account, "key_command"); cmd && !cmd->empty()) {
        in.command_key = commands_.key(
            *cmd, qwen::sdk::key_command_timeout(account_config(account, "key_command_timeout_ms")), refresh);
        h.register_secret(*in.command_key);
      }
    if (account.empty()) {  // a named account takes nothing from the environment, .env files or settings.json
      in.env = [](const std::string &var) -> std::optional<std::string> {
        const char *v = std::getenv(var.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
      };
      in.settings = [&h](const std::string &name) { return h.config("qwen.settings." + name); };
      in.provider = provider();
      in.env_file = h.config_or("qwen.env_file", "");
      in.env_file_keys = h.config_or("qwen.env_file.keys", "");
    }
    OpenAiSettings s = resolve_settings(in);
    // The host's qwen.model is the -m flag or a /model choice: say which.
    if (s.model.source == "flag") s.model.source = h.config_or("qwen.model.source", "flag");
    host().register_secret(s.api_key.value);
    return s;
  }

  // The modelProviders.openai entry of settings.json serving the model (plugin.h 1.3), if any.
  std::optional<nlohmann::json> provider() const {
    auto text = host().config("qwen.provider");
    if (!text) return std::nullopt;
    auto entry = nlohmann::json::parse(*text, nullptr, false);
    return entry.is_object() ? std::optional(std::move(entry)) : std::nullopt;
  }

  RequestExtras extras_for(const OpenAiSettings &s) const {
    std::optional<nlohmann::json> generation;
    if (auto text = host().config("qwen.settings.generation_config")) {
      auto g = nlohmann::json::parse(*text, nullptr, false);
      if (!g.is_discarded()) generation = std::move(g);
    }
    RequestExtras extras = request_extras(provider(), generation, s.base_url.value, host().version());
    for (const auto &why : extras.ignored)
      if (warned_.insert(why).second) host().warning("settings.json: " + why + "; left out of the request");
    return extras;
  }

  std::string home() const { return host().home_dir(); }
  // Waits for openai_accounts.json.lock sleep through the host, so Ctrl-C ends them.
  std::function<bool(uint32_t)> lock_wait() const {
    return [this](uint32_t ms) { return host().wait(ms); };
  }

  // A key of [plugins.openai] for the default account, of [plugins.openai.accounts.<name>] for a named one.
  std::optional<std::string> account_config(const std::string &account, const std::string &name) const {
    return host().config(account.empty() ? name : "accounts." + account + "." + name);
  }
  static std::string account_words(const std::string &account) {
    return account.empty() ? std::string("the default account") : "account '" + account + "'";
  }
  static std::string table_words(const std::string &account) {
    return account.empty() ? std::string("[plugins.openai]") : "[plugins.openai.accounts." + account + "]";
  }

  // "from ..." in words: where a setting was found.
  std::string source_words(const Sourced &v, const std::string &env_var) const {
    if (v.source == "flag") return "--openai-api-key";
    if (v.source == "key_command") return "key_command in " + table_words(host().account());
    if (v.source == "secret store") return "qwen's secret store";
    if (v.source == "sign-in") return saved_accounts_path(home());
    if (v.source == "settings.json" || v.source == "provider") return "Qwen Code's settings.json";
    if (v.source == "environment") return "the environment (" + env_var + ")";
    if (v.source == "config.toml") return "config.toml (" + table_words(host().account()) + ")";
    if (v.source == kEnteredSource) return "what was typed in this session";
    if (v.source.empty() || v.source == "default") return "nowhere (none is needed here)";
    return env_var + " in " + v.source;  // a .env file
  }

  static std::string how_to_remove(const std::string &source) {
    if (source == "flag") return "leave out --openai-api-key to sign out";
    if (source == "environment") return "unset OPENAI_API_KEY to sign out";
    if (source == "config.toml") return "remove api_key from [plugins.openai] in config.toml to sign out";
    if (source == "settings.json") return "remove security.auth.apiKey from settings.json to sign out";
    return "delete the OPENAI_API_KEY line from " + source + " to sign out";
  }

  std::string problem_with(const OpenAiSettings &s) const {
    std::string problem = missing_settings_message(s);
    bool insecure_allowed = host().config_or("allow_insecure_http", "false") == "true";
    if (insecure_allowed && qwen::sdk::is_insecure_remote_url(s.base_url.value) &&
        problem.find("plain http") != std::string::npos)
      return {};
    const std::string account = host().account();
    if (!account.empty() && s.api_key.value.empty() && !problem.empty() && problem.find("API key") != std::string::npos)
      return "No API key for account '" + account + "' of the OpenAI-compatible method (a named account reads no "
             "OPENAI_API_KEY, .env or settings.json): run `qwen auth api-key --account " + account +
             " --with-key`, or set key_command in [plugins.openai.accounts." + account + "] of config.toml.";
    return problem;
  }

  // The key (hidden), then the base URL and model with their current values offered.
  void ask_what_is_missing(const OpenAiSettings &before, std::map<std::string, std::string> &typed) {
    std::string key;
    try {
      key = host().ask(before.api_key.value.empty()
                           ? std::string("API key (input hidden):")
                           : "API key (input hidden; Enter keeps " + qwen::sdk::redact(before.api_key.value) + "):",
                       QWEN_UI_ASK_SECRET);
    } catch (const qwen::sdk::Error &e) {
      // Headless: sign-in is what the user still has to do (exit 4), and the way is to give the key.
      if (e.status() != QWEN_ERR_UNSUPPORTED) throw;
      throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED,
                             "cannot ask for an API key without a terminal (give it with `qwen auth api-key "
                             "--with-key`). " + problem_with(before));
    }
    if (!key.empty()) {
      host().register_secret(key);
      typed["api_key"] = key;
    }
    std::string url = host().ask("Base URL:", QWEN_UI_ASK, {}, before.base_url.value);
    if (!url.empty()) typed["base_url"] = url;
    std::string model = host().ask("Model:", QWEN_UI_ASK, {}, before.model.value);
    if (!model.empty()) typed["model"] = model;
  }

  // The key given or typed for `account` in this sign-in, tried with GET <base>/models (qwen/sdk/key_check.hpp,
  // coding-plan's bounds) when the base URL was given or found (the built-in default is left alone: a key given
  // without one is not sent anywhere the user did not name) and problem_with() lets the key go there (plain
  // http to another machine only with allow_insecure_http). 401/403 end the sign-in with nothing kept; any other
  // outcome keeps the key with one notice, as not every OpenAI-compatible server has /models and an offline
  // set-up must keep working.
  void check_entered_key(const std::string &account) {
    const auto typed = entered_.find(account);
    if (typed == entered_.end()) return;
    const auto key = typed->second.find("api_key");
    if (key == typed->second.end() || key->second.empty()) return;
    const OpenAiSettings s = settings(Command::Skip);
    if (s.base_url.source == "default" || !problem_with(s).empty()) return;
    const qwen::sdk::KeyCheck c = qwen::sdk::check_key_with_models(host(), s.base_url.value, key->second);
    using Outcome = qwen::sdk::KeyCheck::Outcome;
    switch (c.outcome) {
      case Outcome::Accepted:
        return;
      case Outcome::Refused:
      case Outcome::Cancelled:
        entered_.erase(account);
        kept_.erase(account);
        if (c.outcome == Outcome::Cancelled) throw qwen::sdk::Error(c.transport, "cancelled; nothing was saved");
        throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "the server refused this key (HTTP " + std::to_string(c.status) +
                                                           ") at " + c.url + "; nothing was saved");
      case Outcome::Answered:
        host().notice("The key could not be checked: " + c.url + " answered HTTP " + std::to_string(c.status) +
                      " (not every OpenAI-compatible server has /models); going on with it unchecked.");
        return;
      case Outcome::NoAnswer:
        // The host's message names the URL as a rule; said once either way.
        host().notice("The key could not be checked: " +
                      (c.error.find(c.url) != std::string::npos ? c.error : "no answer from " + c.url + ": " + c.error) +
                      "; going on with it unchecked.");
        return;
    }
  }

  // Asked after /auth's questions: yes keeps what was typed for later runs. Nobody to ask: this session only.
  bool want_to_keep() const {
    try {
      return host().ask("Keep these settings for later runs, the key in qwen's secret store (readable only by you)?",
                        QWEN_UI_CONFIRM, {}, "y") == "y";
    } catch (const qwen::sdk::Error &e) {
      if (e.status() == QWEN_ERR_UNSUPPORTED) return false;
      throw;
    }
  }

  // What was typed for `account` is kept for later runs: the key in the secret store, a base URL or model that
  // differs from what a run would find in openai_accounts.json. An older host without a store: the key serves
  // this session only, and the user is told.
  // What was typed for `account` is kept for later runs: the key in the secret store, a base URL or model that
  // differs from what a run would find in openai_accounts.json. It keeps serving this session as typed. An
  // older host without a store: the key serves this session only, and the user is told.
  void keep(const std::string &account, const OpenAiSettings &before) {
    const auto typed = entered_[account];
    auto &kept = kept_[account];
    std::string told;
    if (auto key = typed.find("api_key"); key != typed.end()) {
      if (host().has_secrets()) {
        host().secret_put(account, kKeyName, key->second);
        kept.insert("api_key");
        told = "Kept the API key of " + account_words(account) + " in qwen's secret store";
      } else {
        host().warning("this qwen has no secret store: the API key serves this session only");
      }
    }
    std::optional<std::string> base_url, model;  // what goes into this account's entry
    std::string written;  // "the base URL", "the model", or "the base URL and the model"
    for (auto [name, words, field, now] : {std::make_tuple("base_url", "the base URL", &base_url, &before.base_url),
                                           std::make_tuple("model", "the model", &model, &before.model)}) {
      auto it = typed.find(name);
      if (it == typed.end()) continue;
      kept.insert(name);  // equal to what a run finds anyway: nothing to write, and nothing session-only
      if (it->second != now->value || !account.empty()) {
        *field = it->second;
        written += std::string(written.empty() ? "" : " and ") + words;
      }
    }
    if (!written.empty()) {
      update_saved_accounts(
          home(),
          [&](SavedAccounts &saved) {
            SavedAccount &entry = saved[saved_account_name(account)];
            if (base_url) entry.base_url = *base_url;
            if (model) entry.model = *model;
          },
          lock_wait());
      told += std::string(told.empty() ? "Kept " : ", and ") + written + " in " + saved_accounts_path(home());
    }
    if (!told.empty()) host().notice(told + ".");
    // The environment or a .env file comes before what a sign-in kept (the default account): say where, as a
    // later run (without what was typed now) would find it.
    auto typed_now = std::move(entered_[account]);
    entered_.erase(account);
    const OpenAiSettings later = settings(Command::Skip);
    entered_[account] = std::move(typed_now);
    const std::tuple<const char *, const char *, const Sourced *, std::string> found[] = {
        {"api_key", "the API key", &later.api_key, later.key_variable},
        {"base_url", "the base URL", &later.base_url, "OPENAI_BASE_URL"},
        {"model", "the model", &later.model, "OPENAI_MODEL"}};
    for (const auto &[name, words, v, var] : found)
      if (typed.count(name) && kept.count(name) && v->value != typed.at(name) && v->source != "secret store" &&
          v->source != "sign-in")
        host().notice(std::string("Note: ") + words + " from " + source_words(*v, var) +
                      " comes before the one kept now, in later runs.");
  }

  std::map<std::string, std::map<std::string, std::string>> entered_;  // typed in this session; by account
  std::map<std::string, std::set<std::string>> kept_;  // which of those a later run finds too; by account
  qwen::sdk::KeyCommandCache commands_;
  mutable std::set<std::string> warned_;  // a settings.json problem is told once per run, not per turn
};

}  // namespace openai_key

QWEN_EXPORT_PLUGIN(openai_key::OpenAiKeyPlugin)
