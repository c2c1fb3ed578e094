// acme-fixture — a third party's auth plugin for the ACP tests: qwen knows nothing of it, yet it must
// become a sign-in choice in the editor (initialize's authMethods) with its own description, variables
// and setup link, and `authenticate` must run its own login. Its login needs no person: it notes the
// sign-in in a file under the qwen home; credentials point at ACME_FIXTURE_BASE_URL.
#include <qwen/plugin.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

class AcmeFixtureAuth : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "acme-fixture";
  static constexpr const char *kName = "Acme Cloud (fixture)";
  static constexpr const char *kVersion = "1.0.0";
  static constexpr const char *kDescription = "Sign in with an Acme Cloud account";
  static constexpr uint32_t kMethodFlags = QWEN_AUTH_METHOD_LOGIN_BROWSER;
  static constexpr const char *kEnvVars = "ACME_FIXTURE_TOKEN\nACME_FIXTURE_BASE_URL";
  static constexpr const char *kSetupUrl = "https://acme.example/keys";

  explicit AcmeFixtureAuth(qwen::sdk::Host host) : AuthPlugin(host) {}

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    const char *base = std::getenv("ACME_FIXTURE_BASE_URL");
    if (!signed_in() || base == nullptr) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "sign in to Acme Cloud first");
    out.put("base_url", base);
    out.put("token", "acme-fixture-token");
    out.put("model", "acme-model");
  }
  void status(const qwen::sdk::KvOut &out) override { out.put("source", signed_in() ? "acme login" : "none"); }
  void login() override {
    std::error_code ec;
    std::filesystem::create_directories(host().home_dir(), ec);
    if (!(std::ofstream(state_file()) << "signed in\n")) throw qwen::sdk::Error(QWEN_ERR_INTERNAL, "cannot note the sign-in");
    host().notice("Acme Cloud: signed in");
  }
  void logout() override { std::remove(state_file().c_str()); }

 private:
  std::string state_file() const { return host().home_dir() + "/acme-fixture-login"; }
  bool signed_in() const { return std::ifstream(state_file()).good(); }
};

QWEN_EXPORT_PLUGIN(AcmeFixtureAuth)
