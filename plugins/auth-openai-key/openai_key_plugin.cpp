// openai — the OpenAI-compatible sign-in method: an API key, a base URL and a
// model, from flags, the environment (.env included), or config.toml. With
// /auth the user can type what is missing; that stays in memory for the
// session only (keys are not written to disk by this plugin).
#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include <map>

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

  // Asks for what is missing: the key (hidden), then the base URL and model with their current values offered.
  void login() override {
    OpenAiSettings s = settings();
    std::string key =
        host().ask("API key (input hidden; leave empty to keep " +
                       (s.api_key.value.empty() ? std::string("none") : qwen::sdk::redact(s.api_key.value)) + "):",
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

  std::map<std::string, std::string> entered_;
};

}  // namespace openai_key

QWEN_EXPORT_PLUGIN(openai_key::OpenAiKeyPlugin)
