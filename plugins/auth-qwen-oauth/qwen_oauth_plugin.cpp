// qwen-oauth — sign in with a qwen.ai account: the OAuth 2.0 device flow with
// PKCE, the credentials cache shared with Qwen Code (~/.qwen/oauth_creds.json),
// a refresh that N processes can attempt at once and only one performs, and a
// local count of the free quota. The protocol is the real client's (the
// project's auth spec, section 1.1); each piece is in a file beside this one.
#include <qwen/plugin.hpp>
#include <qwen/sdk/dashscope.hpp>
#include <qwen/sdk/device_flow.hpp>
#include <qwen/sdk/url.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "credential_store.hpp"
#include "endpoints.hpp"
#include "human_time.hpp"
#include "oauth_client.hpp"
#include "quota_file.hpp"

namespace qwen_oauth {

using qwen::sdk::Error;

class QwenOAuthPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "qwen-oauth";
  static constexpr const char *kName = "Qwen OAuth";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "Sign in with a qwen.ai account in the browser (device code)";
  // Accounts: the default one is oauth_creds.json, shared with Qwen Code; a named one is in the secret store.
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_LOGIN_BROWSER | QWEN_AUTH_METHOD_ACCOUNTS;
  static constexpr const char *kSetupUrl = "https://chat.qwen.ai";

  explicit QwenOAuthPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  // The free tier ended on 2026-04-15 at qwen.ai, but whether a server still serves it is the server's
  // call: the method stays selectable, a cached login is used until the server refuses it (Qwen Code's
  // "soft cutoff"), and the server's own error is shown. A login with qwen.ai itself is told so once.

  void get_credentials(uint32_t flags, const qwen::sdk::KvOut &out) override {
    const OAuthServer server = oauth_server();
    OAuthClient client(host(), server.url, user_agent());
    CredentialStore store = make_store(server);
    const bool force = (flags & QWEN_AUTH_FLAG_FORCE_REFRESH) != 0;
    OAuthCredentials c = store.usable(force, last_token_, [&](const std::string &refresh_token) {
      host().register_secret(refresh_token);
      host().debug(force ? "refreshing the token the API refused" : "refreshing the expired token");
      RefreshResult r = client.refresh(refresh_token);
      host().register_secret(r.grant.access_token);
      host().register_secret(r.grant.refresh_token);
      return r;
    });
    host().register_secret(c.access_token);
    host().register_secret(c.refresh_token);
    last_token_ = c.access_token;
    const std::string base = api_base_url(c.resource_url);
    // resource_url comes from the server (or the file): the token goes only to an http(s) URL, never in
    // clear to another machine (the scheme parsed, so "HTTP://" is plain http too).
    if (!qwen::sdk::is_http_url(base))
      throw Error(QWEN_ERR_CONFIG, "the Qwen OAuth credentials point the API at '" +
                                       qwen::sdk::url_without_password(base) +
                                       "', which is not an http(s) URL; the token is not sent there. Sign in again "
                                       "with `qwen auth login`");
    if (!allow_insecure_http() && qwen::sdk::is_insecure_remote_url(base))
      throw Error(QWEN_ERR_CONFIG, "the Qwen OAuth credentials point the API at plain http on another machine (" +
                                       qwen::sdk::url_without_password(base) +
                                       "); the token is not sent there. Use https, or set "
                                       "allow_insecure_http = true in [plugins.qwen-oauth]");
    if (server.source == "the default" && !told_free_tier_ended_) {
      told_free_tier_ended_ = true;
      host().warning("qwen.ai ended the free Qwen OAuth tier on 2026-04-15: this login is used until the server "
                     "refuses it. To switch to another provider, use /auth, or --auth-type and its variables");
    }
    out.put("base_url", base);
    out.put("token", c.access_token);
    out.put("model", model());
    for (const auto &h : qwen::sdk::dashscope_headers(host().version(), "qwen-oauth")) out.put("header", h);
    out.put("expires_at", std::to_string(c.expiry_date_ms / 1000));
  }

  void login() override {
    const OAuthServer server = oauth_server();
    OAuthClient client(host(), server.url, user_agent());
    CredentialStore store = make_store(server);
    PkcePair pkce = make_pkce_pair();
    DeviceAuthorization device = client.request_device_code(pkce);

    // Show the URL and code first: the browser is a convenience and may not exist (SSH, CI).
    qwen_ui_request ui = qwen::sdk::Host::ui_request(QWEN_UI_DEVICE_CODE);
    const std::string text = "Sign in to Qwen: open this URL in a browser and approve the sign-in";
    ui.text = text.c_str();
    ui.url = device.verification_uri_complete.c_str();
    ui.code = device.user_code.empty() ? nullptr : device.user_code.c_str();
    ui.expires_in_s = device.expires_in;
    host().show(ui);
    if (!host().open_url(device.verification_uri_complete))
      host().debug("no browser was opened; the user opens the URL shown");

    // RFC 8628 pacing (the SDK's loop): the server's interval, else 5 s; +5 s for each slow_down. Bounded
    // to a day, so that a server's absurd numbers neither overflow nor stall the loop past the code's end.
    constexpr int64_t kDay = 86400;
    qwen::sdk::DeviceFlowOptions o;
    if (device.interval) o.server_interval = std::chrono::seconds(std::clamp<int64_t>(*device.interval, 0, kDay));
    o.expires_in = std::chrono::seconds(std::clamp<int64_t>(device.expires_in, 0, kDay));
    o.wait = [this](uint32_t ms) { return host().wait(ms); };
    TokenGrant grant;
    qwen::sdk::poll_device_authorization(o, [&] { return client.poll_token(device, pkce.verifier, grant); });
    host().register_secret(grant.access_token);
    host().register_secret(grant.refresh_token);

    // Nothing is written before this point: a denied, expired or cancelled sign-in leaves no trace.
    if (auto aside = store.save_login(grant))
      host().notice("the damaged credentials file was moved to " + *aside, QWEN_UI_WARNING);
    last_token_.clear();
    host().notice("Qwen OAuth credentials saved" + std::string(host().account().empty() ? " to " : ": ") +
                  store.file());
  }

  void logout() override {
    CredentialStore store = make_store(default_server_for_files());
    if (!store.remove()) host().notice("there were no Qwen OAuth credentials to remove (" + store.file() + ")");
    last_token_.clear();
  }

  void status(const qwen::sdk::KvOut &out) override {
    CredentialStore store = make_store(default_server_for_files());
    const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    std::optional<OAuthCredentials> c;
    std::string problem;
    try {
      c = store.load();
    } catch (const Error &e) {
      problem = e.what();
    }
    if (!problem.empty())
      out.put("state", "credentials unusable: " + problem);
    else if (!c)
      out.put("state", "not signed in (run `qwen auth login`)");
    else if (c->fresh_at(now_s * 1000))
      out.put("state", "signed in");
    else
      out.put("state", c->refresh_token.empty() ? "signed in, token expired, no refresh token (run `qwen auth login`)"
                                                : "signed in, token expired (it is refreshed on next use)");
    // plugin.h 1.3: a login a question would use, without a request now (a stale token with a refresh token
    // counts: it is refreshed on use; the server may still refuse it then).
    const bool usable = problem.empty() && c && (c->fresh_at(now_s * 1000) || !c->refresh_token.empty());
    out.put("signed_in", usable ? "yes" : "no");
    out.put("credentials_file", store.file());
    if (c) {
      out.put("expires", describe_expiry(c->expiry_date_ms / 1000, now_s));
      out.put("refresh_token", c->refresh_token.empty() ? "none" : "present");
      out.put("resource", c->resource_url.empty() ? "(none; the DashScope default is used)" : c->resource_url);
      out.put("base_url", qwen::sdk::url_without_password(api_base_url(c->resource_url)));
      out.put("issued_by", qwen::sdk::url_without_password(issuer_of(*c)) +
                               (c->issuer.empty() ? " (not recorded: Qwen Code's default)" : ""));
    }
    out.put("model", model());
    std::string server;
    try {
      server = qwen::sdk::url_without_password(oauth_server().url);
      if (c && !qwen::sdk::same_origin(server, issuer_of(*c)))
        server += " (not the login's issuer: its token is not refreshed there)";
    } catch (const Error &e) {
      server = std::string("unusable: ") + e.what();
    }
    out.put("oauth_server", server);
    out.put("requests_today", describe_quota(quota().counts()) + ", counted on this machine");
  }

  // Qwen OAuth serves one model name (Qwen Code's QWEN_OAUTH_MODELS); a configured one is listed too.
  void list_models(const qwen::sdk::KvOut &out) override {
    out.put("coder-model", "Qwen Code's model for Qwen OAuth (the server picks the Qwen version)");
    if (model() != "coder-model") out.put(model(), "from [plugins.qwen-oauth] model");
  }

  std::optional<std::string> on_api_response(int http_status, const char *retry_after) override {
    // The server counts what it served; refused requests (4xx) most likely did not count.
    if (http_status < 400 || http_status >= 500) quota().record();
    if (http_status != 429) return std::nullopt;
    std::optional<std::string> after;
    if (retry_after) after = std::string(retry_after);
    return quota_exceeded_message(quota().counts(), after);
  }

 private:
  OAuthServer oauth_server() const {
    const char *env = std::getenv("QWEN_OAUTH_BASE_URL");
    return resolve_oauth_server(env ? std::optional<std::string>(env) : std::nullopt, host().config("base_url"),
                                allow_insecure_http());
  }

  // Status and logout need no server; a bad setting must not stop them.
  OAuthServer default_server_for_files() const {
    try {
      return oauth_server();
    } catch (const Error &) {
      return {kDefaultOAuthBaseUrl, "the default"};
    }
  }

  // The same User-Agent as the API requests, on the OAuth requests too.
  std::string user_agent() const { return qwen::sdk::qwen_code_user_agent(host().version()); }

  bool allow_insecure_http() const { return host().config_or("allow_insecure_http", "false") == "true"; }

  std::string model() const { return host().config_or("model", "coder-model"); }

  bool told_free_tier_ended_ = false;  // once per process, at the first use of a qwen.ai login

  CredentialStore make_store(const OAuthServer &server) const {
    StoreOptions o;
    o.home = host().home_dir();
    o.server = server;
    // Read in every call (plugin.h): the user may have switched accounts since the last one.
    if (const std::string account = host().account(); !account.empty()) {
      if (!host().has_secrets())
        throw Error(QWEN_ERR_UNSUPPORTED, "this qwen keeps no secrets (ABI 1.4): a named Qwen OAuth login needs it");
      qwen::sdk::Host h = host();
      o.secret = SecretSlot{account, [h, account] { return h.secret_get(account, kSecretName); },
                            [h, account](const std::string &text) { h.secret_put(account, kSecretName, text); },
                            [h, account] { h.secret_delete(account, kSecretName); }};
    }
    o.lock.wait = [this](uint32_t ms) { return host().wait(ms); };
    // Said once, after a second: a refresh by another process normally ends sooner than that.
    o.lock.on_wait = [this, lock = o.home + "/" + kLockFileName](const qwen::sdk::LockHolder &holder,
                                                                std::chrono::milliseconds timeout) {
      host().notice("waiting for " + qwen::sdk::describe_lock_holder(holder) + ", which holds " + lock +
                    " (a token refresh in progress); qwen waits up to " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
    };
    o.warn = [this](const std::string &m) { host().warning(m); };
    return CredentialStore(std::move(o));
  }

  QuotaFile quota() const {
    std::string account;
    try {
      account = oauth_server().url;
    } catch (const Error &) {
      account = kDefaultOAuthBaseUrl;
    }
    return QuotaFile(host().home_dir(), account);
  }

  static constexpr const char *kSecretName = "oauth_creds";  // a named login's text, as the file would hold it

  std::string last_token_;  // the token last handed to the host: the one a 401 refers to
};

}  // namespace qwen_oauth

QWEN_EXPORT_PLUGIN(qwen_oauth::QwenOAuthPlugin)
