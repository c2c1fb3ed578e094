// openai — the OpenAI-compatible sign-in method: an API key, a base URL and a
// model, from flags, the environment (.env included), or config.toml. With
// /auth the user can type what is missing; it serves the session, and with the
// user's yes it is kept in <qwen home>/.env (0600), the file the seed
// recommends for these variables, so later runs find it too.
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>
#include <qwen/sdk/url.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "env_file_update.hpp"
#include "openai_settings.hpp"
#include "request_extras.hpp"

namespace openai_key {

constexpr size_t kMaxEnvFileBytes = 1u << 20;  // as the host reads a .env

class OpenAiKeyPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "openai";
  static constexpr const char *kName = "OpenAI-compatible API key";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "OpenAI, DashScope, ModelScope, OpenRouter or a local server, with a key";
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_LOGIN_ASKS | QWEN_AUTH_METHOD_MODELS_FROM_API;
  static constexpr const char *kEnvVars = "OPENAI_API_KEY\nOPENAI_BASE_URL\nOPENAI_MODEL";
  static constexpr const char *kSetupUrl = "https://platform.openai.com/api-keys";

  explicit OpenAiKeyPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  // The seed's order: a key in the environment (or a .env file, already applied, or --openai-api-key) means
  // this method when the user chose none.
  int environment_priority() override {
    const char *key = std::getenv("OPENAI_API_KEY");
    return (key && *key) || host().config("qwen.cli.openai_api_key") ? 100 : 0;
  }

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    OpenAiSettings s = settings();
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

  // Asks for what is missing: the key (hidden), then the base URL and model with their current values offered;
  // then offers to keep them for later runs.
  void login() override {
    OpenAiSettings s = settings();
    // Already usable (a key from the environment, a .env file, a flag or config.toml): nothing to ask.
    if (problem_with(s).empty()) {
      host().notice(s.api_key.value.empty()
                        ? "Nothing to ask: " + s.base_url.value + " needs no API key."
                        : "Nothing to ask: the API key comes from " + source_words(s.api_key, "OPENAI_API_KEY") +
                              ", the base URL is " + s.base_url.value + ".");
      return;
    }
    std::string key;
    try {
      key = host().ask(
          s.api_key.value.empty() ? std::string("API key (input hidden):")
                                  : "API key (input hidden; Enter keeps " + qwen::sdk::redact(s.api_key.value) + "):",
          QWEN_UI_ASK_SECRET);
    } catch (const qwen::sdk::Error &e) {
      // Headless: sign-in is what the user still has to do (exit 4), and the way is to give the key.
      if (e.status() != QWEN_ERR_UNSUPPORTED) throw;
      throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED,
                             "cannot ask for an API key without a terminal. " + problem_with(s));
    }
    if (!key.empty()) {
      host().register_secret(key);
      entered_["api_key"] = key;
    }
    std::string url = host().ask("Base URL:", QWEN_UI_ASK, {}, s.base_url.value);
    if (!url.empty()) entered_["base_url"] = url;
    std::string model = host().ask("Model:", QWEN_UI_ASK, {}, s.model.value);
    if (!model.empty()) entered_["model"] = model;
    std::string problem = problem_with(settings());
    if (!problem.empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, problem);
    offer_to_save(settings());
  }

  // Says exactly what was forgotten and what still signs the user in: qwen keeps no key store of its
  // own for this method, and does not edit the user's environment or .env files.
  void logout() override {
    const bool forgot_typed = !entered_.empty();
    entered_.clear();
    OpenAiSettings s = settings();
    std::string text = forgot_typed ? "Forgot what was typed in this session. " : "";
    if (s.api_key.value.empty()) {
      text += "No API key is set for the OpenAI-compatible method: signed out.";
    } else {
      text += std::string(forgot_typed ? "" : "Nothing was removed: qwen keeps no API key of its own. ") +
              "The key " + qwen::sdk::redact(s.api_key.value) + " from " + source_words(s.api_key, "OPENAI_API_KEY") +
              " still signs you in; " + how_to_remove(s.api_key.source) + ".";
    }
    host().notice(text);
  }

  void status(const qwen::sdk::KvOut &out) override {
    OpenAiSettings s = settings();
    std::string problem = problem_with(s);
    out.put("state", problem.empty() ? "ready" : "not usable: " + problem);
    out.put("signed_in", problem.empty() ? "yes" : "no");
    // plugin.h: what was typed and not kept ends with this process, so the host does not remember the choice.
    for (const Sourced *v : {&s.api_key, &s.base_url, &s.model})
      if (v->source == kEnteredSource && problem.empty()) {
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
  OpenAiSettings settings() const {
    SettingInputs in;
    const auto &h = host();
    in.flag = [&h](const std::string &name) -> std::optional<std::string> {
      if (name == "api_key") return h.config("qwen.cli.openai_api_key");
      if (name == "base_url") return h.config("qwen.cli.openai_base_url");
      return h.config("qwen.model");
    };
    in.entered = [this](const std::string &name) -> std::optional<std::string> {
      auto it = entered_.find(name);
      return it == entered_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    in.env = [](const std::string &var) -> std::optional<std::string> {
      const char *v = std::getenv(var.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
    in.config = [&h](const std::string &name) { return h.config(name); };
    in.settings = [&h](const std::string &name) { return h.config("qwen.settings." + name); };
    in.provider = provider();
    in.env_file = h.config_or("qwen.env_file", "");
    in.env_file_keys = h.config_or("qwen.env_file.keys", "");
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

  // "from ..." in words: where a setting was found.
  static std::string source_words(const Sourced &v, const char *env_var) {
    if (v.source == "flag") return "--openai-api-key";
    if (v.source == "environment") return std::string("the environment (") + env_var + ")";
    if (v.source == "config.toml") return "config.toml ([plugins.openai])";
    if (v.source == kEnteredSource) return "what was typed in this session";
    if (v.source.empty() || v.source == "default") return "nowhere (none is needed here)";
    return std::string(env_var) + " in " + v.source;  // a .env file
  }

  static std::string how_to_remove(const std::string &source) {
    if (source == "flag") return "leave out --openai-api-key to sign out";
    if (source == "environment") return "unset OPENAI_API_KEY to sign out";
    if (source == "config.toml") return "remove api_key from [plugins.openai] in config.toml to sign out";
    return "delete the OPENAI_API_KEY line from " + source + " to sign out";
  }

  std::string problem_with(const OpenAiSettings &s) const {
    std::string problem = missing_settings_message(s);
    bool insecure_allowed = host().config_or("allow_insecure_http", "false") == "true";
    if (insecure_allowed && qwen::sdk::is_insecure_remote_url(s.base_url.value) &&
        problem.find("plain http") != std::string::npos)
      return {};
    return problem;
  }

  // What the user typed differs from what a later run would find: offer to write it to <qwen home>/.env.
  void offer_to_save(const OpenAiSettings &now) const {
    EnvAssignments changed;
    const std::pair<const char *, const Sourced *> vars[] = {
        {"OPENAI_API_KEY", &now.api_key}, {"OPENAI_BASE_URL", &now.base_url}, {"OPENAI_MODEL", &now.model}};
    for (const auto &[var, setting] : vars)
      if (setting->source == kEnteredSource) changed.emplace_back(var, setting->value);
    if (changed.empty()) return;
    const std::string file = std::string(host().home_dir()) + "/.env";
    std::string answer;
    try {
      answer = host().ask("Keep these settings for later runs in " + file + " (readable only by you)?", QWEN_UI_CONFIRM,
                          {}, "y");
    } catch (const qwen::sdk::Error &e) {
      if (e.status() == QWEN_ERR_UNSUPPORTED) return;  // nobody to ask: they serve this session only
      throw;
    }
    if (answer != "y") return;

    // The user's other lines are kept, so a .env that cannot be read as a file (a FIFO would hang an
    // ifstream, a folder has no lines) is reported and left alone; a link is not written through.
    std::string existing;
    try {
      if (qwen::sdk::is_symbolic_link(file))
        throw qwen::sdk::Error(QWEN_ERR_CONFIG, file + " is a symbolic link; qwen does not write through a link");
      existing = qwen::sdk::read_regular_file(file, kMaxEnvFileBytes).value_or("");
    } catch (const qwen::sdk::Error &e) {
      host().warning(std::string(e.what()) + "; the settings serve this session only");
      return;
    }
    auto updated = update_env_text(existing, changed);
    if (!updated) {
      host().warning("a value holds a line break or both kinds of quote, so it cannot be kept in " + file +
                     "; it serves this session only");
      return;
    }
    qwen::sdk::write_file_atomically(file, *updated, 0600);
    std::string names;
    for (const auto &kv : changed) names += (names.empty() ? "" : ", ") + kv.first;
    host().notice("Saved " + names + " to " + file +
                  ". A project's own .env or .qwen/.env, where there is one, is read instead of it.");
  }

  std::map<std::string, std::string> entered_;
  mutable std::set<std::string> warned_;  // a settings.json problem is told once per run, not per turn
};

}  // namespace openai_key

QWEN_EXPORT_PLUGIN(openai_key::OpenAiKeyPlugin)
