// An auth plugin as a third party writes one against ABI 1.4, keeping its key in the host's secret store
// (plugin.h secret_put / secret_get / secret_delete) instead of a file of its own: login() stores the key
// given with `qwen auth secretkeeper --with-key` (qwen.login.key), get_credentials() reads it back, logout()
// forgets it. The server is SECRETKEEPER_BASE_URL (the tests' fake provider).
#include <qwen/plugin.hpp>

#include <cstdlib>

namespace {

class SecretKeeper : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "secretkeeper";
  static constexpr const char *kName = "Secret keeper fixture";
  static constexpr const char *kVersion = "1.4.0";
  static constexpr const char *kDescription = "A fixture that keeps its key in the host's secret store";
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_LOGIN_ASKS;

  explicit SecretKeeper(qwen::sdk::Host host) : AuthPlugin(host) {}

  void login() override {
    auto key = host().config("qwen.login.key");
    if (!key || key->empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "give the key with --with-key");
    host().secret_put("", "api_key", *key);
  }

  void logout() override { host().secret_delete("", "api_key"); }

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    auto key = host().secret_get("", "api_key");
    if (!key) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "not signed in: qwen auth secretkeeper --with-key");
    const char *base = std::getenv("SECRETKEEPER_BASE_URL");
    out.put("base_url", base ? base : "");
    out.put("token", *key);
    out.put("model", "fake-model");
  }

  void status(const qwen::sdk::KvOut &out) override {
    const bool in = host().secret_get("", "api_key").has_value();
    out.put("state", in ? "signed in" : "signed out");
    out.put("signed_in", in ? "yes" : "no");
  }
};

}  // namespace

QWEN_EXPORT_PLUGIN(SecretKeeper)
