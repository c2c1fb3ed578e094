// coding-plan — Alibaba Cloud ModelStudio's Coding Plan: an sk-sp- key for
// the China or Singapore endpoint, what Qwen Code users sign in with since the
// free Qwen OAuth tier ended. The key is checked with GET <base>/models before
// anything is kept (Qwen Code never checks it: a wrong key would be found at
// the first question), kept in the host's secret store (the keyring, else
// secrets.json), its base URL in the qwen home's 0600 coding_plan.json (a
// coding_plan.json written before the store, key included, is still read; the
// next sign-in takes the key out of it). Accounts (plugin.h 1.5): the account
// is read from the host in every call; a named one takes no key from the
// environment and leaves Qwen Code's settings.json alone. For the default
// account, Qwen Code's settings.json gets the entries Qwen Code itself writes for this
// plan, without the key unless the user asks for it.
#include <qwen/plugin.hpp>
#include <qwen/sdk/dashscope.hpp>
#include <qwen/sdk/key_check.hpp>
#include <qwen/sdk/safe_file.hpp>
#include <qwen/sdk/url.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "coding_plan_models.hpp"
#include "saved_key.hpp"
#include "settings_merge.hpp"

namespace coding_plan {
namespace {

constexpr int kKeyAttempts = 3;
constexpr const char *kKeyName = "api_key";  // the secret's name in the host's store

std::optional<std::string> env_key() {
  const char *v = std::getenv(kEnvKey);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string without_trailing_slashes(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

// Why a base URL cannot carry the key, or nullopt: https anywhere, plain http only to this machine.
std::optional<std::string> base_url_problem(const std::string &url) {
  if (!qwen::sdk::is_http_url(url))
    return "the Coding Plan base URL must start with https:// (or http:// for a server on this machine); got '" +
           qwen::sdk::url_without_password(url) + "'";
  if (qwen::sdk::is_insecure_remote_url(url))
    return "refusing to send the Coding Plan key in clear over plain http to " + qwen::sdk::url_host(url) +
           "; use an https:// base URL";
  return std::nullopt;
}

std::string region_words(const std::string &base_url) {
  const Region *r = region_of(base_url);
  return r ? r->label : "your own endpoint";
}

std::optional<std::string> json_string(const std::optional<std::string> &json_text) {
  if (!json_text) return std::nullopt;
  auto j = nlohmann::json::parse(*json_text, nullptr, false);
  if (j.is_discarded() || !j.is_string()) return std::nullopt;
  return j.get<std::string>();
}

}  // namespace

class CodingPlanPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "coding-plan";
  static constexpr const char *kName = "Alibaba Cloud Coding Plan";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "Alibaba Cloud ModelStudio's Coding Plan: an sk-sp- key, China or Singapore";
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_LOGIN_ASKS | QWEN_AUTH_METHOD_ACCOUNTS;
  static constexpr const char *kEnvVars = "BAILIAN_CODING_PLAN_API_KEY";
  // Qwen Code's own link for the plan (its codingPlan provider's documentationUrl, Singapore region).
  static constexpr const char *kSetupUrl = "https://www.alibabacloud.com/help/en/model-studio/coding-plan";

  explicit CodingPlanPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  // Below the openai method's 100: a user with both keys set keeps the older meaning of OPENAI_API_KEY.
  int environment_priority() override { return host().account().empty() && env_key() ? 90 : 0; }

  void list_models(const qwen::sdk::KvOut &out) override {
    for (const auto &m : models()) out.put(m.id, m.description);
  }

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    const Signin s = current();
    if (s.key.empty())
      throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED,
                             "Not signed in to Alibaba Cloud Coding Plan: run `qwen auth coding-plan` (or set " +
                                 std::string(kEnvKey) + ")" + (s.problem.empty() ? "" : "; " + s.problem));
    if (auto p = base_url_problem(s.base_url)) throw qwen::sdk::Error(QWEN_ERR_CONFIG, *p);
    host().register_secret(s.key);
    const std::string model = choose_model(host().config("qwen.model"), host().config("qwen.settings.model"));
    out.put("base_url", s.base_url);
    out.put("token", s.key);
    out.put("model", model);
    for (const auto &h : qwen::sdk::dashscope_headers(host().version(), "openai")) out.put("header", h);
    if (auto body = body_for_model(model)) out.put("body", *body);
  }

  void login() override {
    const std::string account = host().account();
    const std::string base_url = choose_base_url();
    const std::string key = obtain_key();
    verify_key(base_url, key);
    // The key to the store first: a store that refuses (store = "keyring" without one) leaves the old file as it was.
    host().secret_put(account, kKeyName, key);
    write_saved_key(home(), {base_url, ""}, account);  // an older file's key goes with this rewrite
    host().notice("Signed in to Alibaba Cloud Coding Plan (" + region_words(base_url) + ", " + base_url + ")" +
                  (account.empty() ? "" : " as account '" + account + "'") +
                  "; the key is kept in qwen's secret store, the base URL in " + saved_key_path(home(), account) + ".");
    if (!account.empty()) return;  // Qwen Code's settings.json knows one Coding Plan login: the default account's
    if (auto other = env_key(); other && *other != key)
      host().notice(std::string(kEnvKey) + " in the environment (" + qwen::sdk::redact(*other) +
                        ") is used before the saved key; unset it to use the key just checked.",
                    QWEN_UI_WARNING);
    update_qwen_code_settings(base_url, key);
  }

  void logout() override {
    const std::string account = host().account();
    const std::string path = saved_key_path(home(), account);
    const bool had_key = host().secret_get(account, kKeyName).has_value();
    if (host().has_secrets()) host().secret_delete(account, kKeyName);
    const bool removed = remove_saved_key(home(), account);
    std::string text = had_key || removed ? "Removed the Coding Plan key from qwen's secret store and the sign-in kept in " +
                                                path + "."
                                          : "qwen kept no Coding Plan key (" + path + " does not exist).";
    if (auto k = env_key(); k && account.empty())
      text += " The key " + qwen::sdk::redact(*k) + " in " + kEnvKey +
              " still signs you in: unset it (or remove it from the .env file or settings.json env block that sets "
              "it) to sign out.";
    text += " Qwen Code's settings.json is left as it was: its modelProviders entries are Qwen Code's configuration.";
    host().notice(text);
  }

  void status(const qwen::sdk::KvOut &out) override {
    const Signin s = current();
    if (s.key.empty()) {
      out.put("state", "not signed in: run `qwen auth coding-plan`" + (s.problem.empty() ? "" : " (" + s.problem + ")"));
      out.put("signed_in", "no");
      return;
    }
    auto problem = base_url_problem(s.base_url);
    out.put("state", problem ? "not usable: " + *problem : "ready");
    out.put("signed_in", problem ? "no" : "yes");
    out.put("base_url", s.base_url + " (" + region_words(s.base_url) + ", from " + s.base_url_source + ")");
    out.put("api_key", qwen::sdk::redact(s.key) + " from " + s.key_source);
    auto host_model = host().config("qwen.model");
    auto settings_model = host().config("qwen.settings.model");
    const std::string model = choose_model(host_model, settings_model);
    std::string from = "the plan's default";
    if (host_model && !host_model->empty())
      from = host().config_or("qwen.model.source", "--model");
    else if (settings_model && model == *settings_model)
      from = "model.name in settings.json";
    out.put("model", model + " (from " + from + ")");
  }

 private:
  // What signs in now, and where each part comes from; `key` empty when nothing does.
  struct Signin {
    std::string key, key_source;
    std::string base_url, base_url_source;
    std::string problem;  // a saved file that could not be read
  };

  std::string home() const { return host().home_dir(); }

  // The default account: BAILIAN_CODING_PLAN_API_KEY > the store > an older coding_plan.json's key. A named one:
  // the store only. The base URL: what the sign-in kept > base_url in its config table > (default account)
  // settings.json's provider entry > the China region.
  Signin current() const {
    Signin s;
    const std::string account = host().account();
    std::optional<SavedKey> saved;
    try {
      saved = read_saved_key(home(), account);
    } catch (const qwen::sdk::Error &e) {
      s.problem = e.what();
    }
    auto stored = host().secret_get(account, kKeyName);
    if (auto k = env_key(); k && account.empty()) {
      s.key = *k;
      s.key_source = std::string(kEnvKey) + " in the environment";
    } else if (stored && !stored->empty()) {
      s.key = *stored;
      s.key_source = "qwen's secret store";
    } else if (saved && !saved->api_key.empty()) {
      s.key = saved->api_key;
      s.key_source = saved_key_path(home(), account);
    }
    const std::string table = account.empty() ? "" : "accounts." + account + ".";
    if (saved) {
      s.base_url = saved->base_url;
      s.base_url_source = saved_key_path(home(), account);
    } else if (auto configured = host().config(table + "base_url"); configured && !configured->empty()) {
      s.base_url = without_trailing_slashes(*configured);
      s.base_url_source = "base_url in [plugins.coding-plan" + (account.empty() ? "" : ".accounts." + account) + "]";
    } else if (auto url = account.empty() ? owned_provider_base_url() : std::nullopt) {
      s.base_url = *url;
      s.base_url_source = "modelProviders in settings.json";
    } else {
      s.base_url = kChinaBaseUrl;
      s.base_url_source = "the default region";
    }
    if (!s.key.empty()) host().register_secret(s.key);
    return s;
  }

  // The baseUrl of the modelProviders entry serving the current model, when it is a Coding Plan region's.
  std::optional<std::string> owned_provider_base_url() const {
    auto entry = host().config("qwen.provider");
    if (!entry || !is_owned_entry(*entry, "")) return std::nullopt;
    auto j = nlohmann::json::parse(*entry, nullptr, false);
    return j.at("baseUrl").get<std::string>();
  }

  // --base-url, else the region the user chooses; without a terminal, [plugins.coding-plan] base_url or China.
  // A configured base_url (the user's own endpoint) is offered in the menu too, as its default.
  std::string choose_base_url() const {
    if (auto given = host().config("qwen.login.base_url"); given && !given->empty())
      return checked_base_url(*given, "--base-url");
    const std::string account = host().account();
    std::optional<std::string> configured = host().config(account.empty() ? "base_url" : "accounts." + account + ".base_url");
    if (configured && !configured->empty())
      configured = checked_base_url(*configured, account.empty() ? "base_url in [plugins.coding-plan]"
                                                                 : "base_url in [plugins.coding-plan.accounts." + account + "]");
    else
      configured.reset();
    std::string choices;
    for (const auto &r : regions()) choices += std::string(choices.empty() ? "" : "\n") + r.id + "\t" + r.label + "  " + r.base_url;
    if (configured) choices += "\nconfigured\tYour endpoint (config.toml)  " + *configured;
    std::string answer;
    try {
      answer = host().ask("Coding Plan region:", QWEN_UI_CHOOSE, choices, configured ? "configured" : regions().front().id);
    } catch (const qwen::sdk::Error &e) {
      if (e.status() != QWEN_ERR_UNSUPPORTED) throw;
      if (configured) return *configured;
      host().notice(std::string("No terminal to choose a region: using China (Beijing), ") + kChinaBaseUrl +
                    " (give --base-url " + kGlobalBaseUrl + " for Singapore).");
      return kChinaBaseUrl;
    }
    if (answer.empty()) return configured ? *configured : kChinaBaseUrl;
    if (configured && answer == "configured") return *configured;
    for (const auto &r : regions())
      if (answer == r.id) return r.base_url;
    throw qwen::sdk::Error(QWEN_ERR_INVALID_ARGUMENT, "unknown Coding Plan region '" + answer + "'");
  }

  static std::string checked_base_url(const std::string &given, const std::string &from) {
    const std::string url = without_trailing_slashes(given);
    if (auto p = base_url_problem(url)) throw qwen::sdk::Error(QWEN_ERR_INVALID_ARGUMENT, *p + " (from " + from + ")");
    return url;
  }

  // --key / --with-key, else asked without echo (three tries at the sk-sp- shape).
  std::string obtain_key() const {
    if (auto given = host().config("qwen.login.key"); given && !given->empty()) {
      host().register_secret(*given);
      if (auto p = key_shape_problem(*given)) throw qwen::sdk::Error(QWEN_ERR_INVALID_ARGUMENT, *p);
      return *given;
    }
    std::string problem;
    for (int attempt = 0; attempt < kKeyAttempts; ++attempt) {
      std::string key;
      try {
        key = host().ask(problem.empty() ? "Coding Plan API key (sk-sp-..., input hidden):"
                                         : problem + " Coding Plan API key (input hidden):",
                         QWEN_UI_ASK_SECRET);
      } catch (const qwen::sdk::Error &e) {
        if (e.status() != QWEN_ERR_UNSUPPORTED) throw;
        throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED,
                               "cannot ask for the Coding Plan key without a terminal: give it on standard input with "
                               "`qwen auth coding-plan --with-key`, or set " +
                                   std::string(kEnvKey));
      }
      host().register_secret(key);
      auto p = key_shape_problem(key);
      if (!p) return key;
      problem = *p;
    }
    throw qwen::sdk::Error(QWEN_ERR_INVALID_ARGUMENT, problem);
  }

  // GET <base>/models with the key (qwen/sdk/key_check.hpp): only a 2xx answer lets the sign-in go on. Nothing is
  // kept before: a server of the plan that cannot say whether it takes the key is not trusted with a sign-in.
  void verify_key(const std::string &base_url, const std::string &key) const {
    const qwen::sdk::KeyCheck c = qwen::sdk::check_key_with_models(host(), base_url, key);  // 10 s, 1 MiB
    const std::string &shown = c.url;
    using Outcome = qwen::sdk::KeyCheck::Outcome;
    if (c.outcome == Outcome::Cancelled) throw qwen::sdk::Error(c.transport, "cancelled; nothing was saved");
    if (c.outcome == Outcome::NoAnswer)
      throw qwen::sdk::Error(QWEN_ERR_NETWORK, "could not check the key with " + shown + ": " + c.error +
                                                   "; nothing was saved");
    if (c.outcome == Outcome::Accepted) return;
    const int status = c.status;
    const std::string http = "HTTP " + std::to_string(status);
    if (c.outcome == Outcome::Refused)
      throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "the server refused this key (" + http + ") at " + shown +
                                                         "; nothing was saved. Check the key, and that it is for " +
                                                         region_words(base_url) + "'s Coding Plan");
    const qwen_status why = status == 429 ? QWEN_ERR_RATE_LIMITED : status >= 500 ? QWEN_ERR_NETWORK : QWEN_ERR_CONFIG;
    throw qwen::sdk::Error(why, shown + " answered " + http + ", so the key could not be checked; nothing was saved");
  }

  // Qwen Code's view of the choice: its own entries for this plan, selectedType openai, its model and version.
  void update_qwen_code_settings(const std::string &base_url, const std::string &key) const {
    const std::string file = home() + "/settings.json";
    if (!host().has_settings()) {
      host().notice("This qwen cannot edit Qwen Code's settings.json (plugin ABI 1.3): Qwen Code does not see this "
                    "sign-in.");
      return;
    }
    const std::string left_alone = "; " + file + " was left as it was, so Qwen Code does not see this sign-in (qwen does)";
    auto whole = host().settings_read("");
    if (!whole) {
      struct stat st {};
      if (::lstat(file.c_str(), &st) == 0) {
        host().notice(file + " could not be read as JSON" + left_alone, QWEN_UI_WARNING);
        return;
      }
      whole = "{}";
    }
    if (auto p = settings_shape_problem(*whole)) {
      host().notice(*p + left_alone, QWEN_UI_WARNING);
      return;
    }
    auto merged = merge_owned_entries(host().settings_read("/modelProviders/openai"), base_url);
    if (!merged.problem.empty()) {
      host().notice(merged.problem + left_alone, QWEN_UI_WARNING);
      return;
    }
    try {
      host().settings_write("/modelProviders/openai", merged.json);
      host().settings_write("/security/auth/selectedType", "\"openai\"");
      auto name = json_string(host().settings_read("/model/name"));
      if (!name || !find_model(*name)) host().settings_write("/model/name", std::string("\"") + kDefaultModel + "\"");
      nlohmann::ordered_json meta{{"version", model_list_version(base_url)}, {"baseUrl", base_url}};
      host().settings_write("/providerMetadata/coding-plan", meta.dump());
    } catch (const qwen::sdk::Error &e) {
      host().notice(std::string("Qwen Code's settings.json was not fully updated: ") + e.what(), QWEN_UI_WARNING);
      return;
    }
    host().notice("Qwen Code's " + file + " now lists the plan's " + std::to_string(models().size()) +
                  " models (other providers' entries kept) with security.auth.selectedType \"openai\".");
    offer_key_to_qwen_code(file, key);
  }

  // The key goes into settings.json (plain text) only when the user says so; else Qwen Code is told where to look.
  void offer_key_to_qwen_code(const std::string &file, const std::string &key) const {
    const auto in_settings = json_string(host().settings_read(std::string("/env/") + kEnvKey));
    if (in_settings && *in_settings == key) {
      host().notice("Qwen Code already has this key in settings.json's env block.");
      return;
    }
    std::string answer = "n";
    try {
      answer = host().ask("Let Qwen Code use this key too? It is written in plain text into settings.json's env block (" +
                              file + ")",
                          QWEN_UI_CONFIRM, {}, "n");
    } catch (const qwen::sdk::Error &e) {
      if (e.status() != QWEN_ERR_UNSUPPORTED) throw;
    }
    if (answer == "y") {
      host().settings_write(std::string("/env/") + kEnvKey, nlohmann::json(key).dump());
      struct stat st {};
      if (::lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
        if (auto why = qwen::sdk::chmod_without_following(file, 0600))
          host().notice(*why + ": other users may read the key there", QWEN_UI_WARNING);
        else
          host().notice(file + " was readable by other users (mode " + qwen::sdk::octal_mode(st.st_mode) +
                        "); it now holds a key, so it is 0600.");
      }
      host().notice("Qwen Code will use the key from settings.json's env block.");
      return;
    }
    if (in_settings && !in_settings->empty())
      host().notice("settings.json's env block still holds another " + std::string(kEnvKey) + " (" +
                        qwen::sdk::redact(*in_settings) + "): Qwen Code uses that one, and so does qwen (the environment "
                        "comes before the key qwen keeps).",
                    QWEN_UI_WARNING);
    host().notice(std::string("Qwen Code reads the key from ") + kEnvKey + ": export it, or put it in " + home() +
                  "/.env.");
  }
};

}  // namespace coding_plan

QWEN_EXPORT_PLUGIN(coding_plan::CodingPlanPlugin)
