// acme — an example auth plugin for "Acme Cloud", a fictional provider with an
// OpenAI-compatible API at <base>/v1 and an OAuth 2.0 token endpoint at
// <base>/oauth/token that grants tokens to a client id and secret (the client
// credentials grant). Everything sign-in needs comes from the SDK: the token
// request (oauth_client.hpp), the cached token shared by every qwen process
// (credential_cache.hpp); this file only says what is Acme's.
//
// Settings: ACME_CLIENT_ID, ACME_CLIENT_SECRET, ACME_BASE_URL, ACME_MODEL in the
// environment, else client_id, base_url, model in config.toml's [plugins.acme].
// The client secret, when not in the environment, is kept in qwen's secret
// store (the keyring, else a 0600 file; ABI 1.4) by `qwen auth acme
// --with-key` (or typed at /auth), read back before a token request, and
// removed by `qwen auth logout`; an older qwen without a store still takes
// client_secret from [plugins.acme]. With ACME_CLIENT_ID set, qwen picks this
// method by itself.
#include <qwen/plugin.hpp>
#include <qwen/sdk/credential_cache.hpp>
#include <qwen/sdk/oauth_client.hpp>

#include <cstdlib>
#include <ctime>
#include <string>

namespace sdk = qwen::sdk;

class AcmeAuth : public sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "acme", *kName = "Acme Cloud", *kVersion = "1.0.0";
  static constexpr const char *kDescription = "Acme Cloud with a client id and secret (OAuth 2.0 client credentials)";
  static constexpr const char *kEnvVars = "ACME_CLIENT_ID\nACME_CLIENT_SECRET\nACME_BASE_URL\nACME_MODEL";
  static constexpr const char *kSetupUrl = "https://console.acme.example/clients";
  // The host reads GET <base>/v1/models; login() asks for the client secret.
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_MODELS_FROM_API | QWEN_AUTH_METHOD_LOGIN_ASKS;

  explicit AcmeAuth(sdk::Host host)
      : AuthPlugin(host), cache_(host.home_dir() + "/acme/token.json", cache_options(host)) {}

  // Called at start-up for every auth plugin: look at the environment only.
  int environment_priority() override { return std::getenv("ACME_CLIENT_ID") ? 50 : 0; }

  // Called before every turn: from the cache while the token is fresh (no network), else one token request.
  void get_credentials(uint32_t flags, const sdk::KvOut &out) override {
    const bool refused = flags & QWEN_AUTH_FLAG_FORCE_REFRESH;  // the API just answered 401
    sdk::CachedToken token = cache_.get([this](const auto &) { return fetch_token(); }, refused);
    host().register_secret(token.access_token);
    out.put("base_url", base_url() + "/v1");
    out.put("token", token.access_token);
    out.put("model", setting("ACME_MODEL", "model", "acme-large"));
    if (token.expires_at) out.put("expires_at", std::to_string(token.expires_at));
    out.put("account", token.account);
  }

  void status(const sdk::KvOut &out) override {
    out.put("account", client_id().empty() ? "(ACME_CLIENT_ID is not set)" : client_id());
    out.put("base_url", base_url());
    out.put("source", std::getenv("ACME_CLIENT_ID") ? "the environment (ACME_CLIENT_ID)" : "[plugins.acme]");
    auto cached = cache_.load();
    if (!cached) return out.put("token", "none cached yet (one is fetched before the first turn)");
    out.put("token", sdk::redact(cached->access_token));
    if (cached->expires_at) out.put("expires", utc(cached->expires_at));
  }

  // `qwen auth acme --with-key` (the secret on standard input: never in argv), else asked with hidden input.
  void login() override {
    std::string secret = host().config_or("qwen.login.key", "");
    if (secret.empty()) secret = host().ask("Acme client secret (input hidden):", QWEN_UI_ASK_SECRET);
    if (secret.empty()) throw sdk::Error(QWEN_ERR_AUTH_REQUIRED, "no client secret was given");
    host().register_secret(secret);
    host().secret_put(host().account(), kSecretName, secret);  // Error(QWEN_ERR_UNSUPPORTED) on a qwen before 1.4
    cache_.remove();  // a token of the old secret is not this sign-in's
    host().notice("Kept the Acme client secret in qwen's secret store.");
  }

  void logout() override {
    const bool forgot = cache_.remove();
    const bool had_secret = host().secret_get(host().account(), kSecretName).has_value();
    if (host().has_secrets()) host().secret_delete(host().account(), kSecretName);
    host().notice(std::string(forgot ? "Forgot the cached Acme token." : "No Acme token was cached.") +
                  (had_secret ? " Removed the client secret from qwen's secret store." : ""));
    if (std::getenv("ACME_CLIENT_ID")) host().notice("ACME_CLIENT_ID and ACME_CLIENT_SECRET still sign you in.");
  }

  // These words replace the host's for a refused request.
  std::optional<std::string> on_api_response(int http_status, const char *retry_after) override {
    if (http_status == 429)
      return std::string("Acme Cloud's rate limit for this client was reached") +
             (retry_after ? "; it may be used again in " + std::string(retry_after) + " s" : "") +
             ". Limits are raised at " + kSetupUrl;
    if (http_status == 401 || http_status == 403)
      return std::string(
                 "Acme Cloud refused this client's token even after a new one was fetched: check that "
                 "the client in ACME_CLIENT_ID may use the API at ") +
             kSetupUrl;
    return std::nullopt;
  }

 private:
  static sdk::CredentialCacheOptions cache_options(sdk::Host host) {
    sdk::CredentialCacheOptions o;
    o.lock.wait = [host](uint32_t ms) { return host.wait(ms); };  // Ctrl-C ends a wait for another process
    o.warn = [host](const std::string &message) { host.warning(message); };
    return o;
  }

  sdk::CachedToken fetch_token() const {
    if (client_id().empty() || client_secret().empty())
      throw sdk::Error(QWEN_ERR_AUTH_REQUIRED,
                       "Acme Cloud needs a client: set ACME_CLIENT_ID and ACME_CLIENT_SECRET "
                       "(or client_id in [plugins.acme] and the secret with `qwen auth acme --with-key`); create one at " +
                           std::string(kSetupUrl));
    sdk::OAuthClientOptions o;
    o.token_url = base_url() + "/oauth/token";
    o.client_id = client_id();
    o.client_secret = client_secret();
    o.server_name = "Acme Cloud's token endpoint";
    sdk::CachedToken token =
        sdk::CachedToken::from_answer(sdk::OAuthClient(host(), o).client_credentials(), cache_.now());
    token.account = client_id();
    return token;
  }

  std::string setting(const char *env, const char *key, const std::string &fallback) const {
    if (const char *value = std::getenv(env); value && *value) return value;
    return host().config_or(key, fallback);
  }
  std::string client_id() const { return setting("ACME_CLIENT_ID", "client_id", ""); }
  // The environment, else what `qwen auth acme` kept in the store, else [plugins.acme] (for a qwen before 1.4).
  std::string client_secret() const {
    std::string secret;
    if (const char *value = std::getenv("ACME_CLIENT_SECRET"); value && *value)
      secret = value;
    else if (auto kept = host().secret_get(host().account(), kSecretName))
      secret = *kept;
    else
      secret = host().config_or("client_secret", "");
    host().register_secret(secret);
    return secret;
  }
  std::string base_url() const { return setting("ACME_BASE_URL", "base_url", "https://api.acme.example"); }

  static std::string utc(int64_t epoch_seconds) {
    const std::time_t t = static_cast<std::time_t>(epoch_seconds);
    char text[32];
    std::tm tm{};
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
    return text;
  }

  static constexpr const char *kSecretName = "client_secret";  // its name in the secret store
  sdk::CredentialCache cache_;
};

QWEN_EXPORT_PLUGIN(AcmeAuth)
