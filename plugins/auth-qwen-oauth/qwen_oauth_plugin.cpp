// qwen-oauth — the Qwen OAuth sign-in method, as far as this build goes: it
// is listed, selectable and reports its state, and every path that would need
// a login says plainly what to do instead. The device-code login (RFC 8628 +
// PKCE), the credential cache shared with Qwen Code and refresh are issue 4.
#include <qwen/plugin.hpp>

namespace qwen_oauth {

class QwenOAuthPlugin : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "qwen-oauth";
  static constexpr const char *kName = "Qwen OAuth";
  static constexpr const char *kVersion = QWEN_PLUGIN_VERSION;
  static constexpr const char *kDescription = "Sign in with a qwen.ai account (recommended)";

  explicit QwenOAuthPlugin(qwen::sdk::Host host) : AuthPlugin(host) {}

  void get_credentials(uint32_t, const qwen::sdk::KvOut &) override {
    throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, kNotYet);
  }

  void login() override { throw qwen::sdk::Error(QWEN_ERR_UNSUPPORTED, kNotYet); }

  void status(const qwen::sdk::KvOut &out) override {
    out.put("state", "not signed in (Qwen OAuth login is not available in this build yet)");
    out.put("credentials_file", host().home_dir() + "/oauth_creds.json");
  }

 private:
  static constexpr const char *kNotYet =
      "Qwen OAuth sign-in is not available in this build yet. Use an OpenAI-compatible provider: set "
      "OPENAI_API_KEY (and optionally OPENAI_BASE_URL, OPENAI_MODEL) in the environment or in a .qwen/.env file, "
      "or run with --auth-type openai.";
};

}  // namespace qwen_oauth

QWEN_EXPORT_PLUGIN(qwen_oauth::QwenOAuthPlugin)
