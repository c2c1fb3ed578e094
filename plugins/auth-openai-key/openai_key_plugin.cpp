// openai — the OpenAI-compatible sign-in method: an API key, a base URL and a
// model, from flags, the environment (.env included), or config.toml. With
// /auth the user can type what is missing; it serves the session, and with the
// user's yes it is kept in <qwen home>/.env (0600), the file the seed
// recommends for these variables, so later runs find it too.
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/url.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "env_file_update.hpp"
#include "openai_settings.hpp"

namespace openai_key {

class OpenAiKeyPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "openai";
  static constexpr const char *kName = "OpenAI-compatible API key";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "OpenAI, DashScope, ModelScope, OpenRouter or a local server, with a key";

  explicit OpenAiKeyPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    OpenAiSettings s = settings();
    std::string problem = problem_with(s);
    if (!problem.empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, problem);
    host().register_secret(s.api_key.value);
    out.put("base_url", s.base_url.value);
    out.put("token", s.api_key.value);
    out.put("model", s.model.value);
  }

  // Asks for what is missing: the key (hidden), then the base URL and model with their current values offered;
  // then offers to keep them for later runs.
  void login() override {
    OpenAiSettings s = settings();
    std::string key = host().ask(
        s.api_key.value.empty() ? std::string("API key (input hidden):")
                                : "API key (input hidden; Enter keeps " + qwen::sdk::redact(s.api_key.value) + "):",
        QWEN_UI_ASK_SECRET);
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

  void logout() override { entered_.clear(); }

  void status(const qwen::sdk::KvOut &out) override {
    OpenAiSettings s = settings();
    std::string problem = problem_with(s);
    out.put("state", problem.empty() ? "ready" : "not usable: " + problem);
    out.put("api_key",
            s.api_key.value.empty() ? "(none)" : qwen::sdk::redact(s.api_key.value) + " from " + s.api_key.source);
    out.put("base_url", s.base_url.value + " from " + s.base_url.source);
    out.put("model", s.model.value + " from " + s.model.source);
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
    in.env_file = h.config_or("qwen.env_file", "");
    in.env_file_keys = h.config_or("qwen.env_file.keys", "");
    OpenAiSettings s = resolve_settings(in);
    host().register_secret(s.api_key.value);
    return s;
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

    std::string existing;
    std::ifstream in(file, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      existing = text.str();
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
};

}  // namespace openai_key

QWEN_EXPORT_PLUGIN(openai_key::OpenAiKeyPlugin)
