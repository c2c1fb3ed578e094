// An auth plugin as a third party writes one against ABI 1.2, for the host's
// promises in plugin.h: configured by its own environment variables
// (FIXTURE_TOKEN, FIXTURE_BASE_URL) with a priority above the built-in
// `openai`, no interactive login and no logout (the C++ layer leaves those slots
// NULL), a status that repeats the host's own "method"/"name" (to be dropped)
// and names an account, its own 401 and 429 words, and a static model list.
#include <qwen/plugin.hpp>

#include <cstdlib>

namespace {

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

class EnvKeyFixture : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "envkey";
  static constexpr const char *kName = "Env key fixture";
  static constexpr const char *kVersion = "1.2.0";
  static constexpr const char *kDescription = "A fixture configured by FIXTURE_TOKEN";
  static constexpr uint32_t kMethodFlags = 0;
  static constexpr const char *kEnvVars = "FIXTURE_TOKEN\nFIXTURE_BASE_URL\nnot a name\n";
  static constexpr const char *kSetupUrl = "https://fixture.invalid/keys";

  explicit EnvKeyFixture(qwen::sdk::Host host) : AuthPlugin(host) {}

  int environment_priority() override { return env("FIXTURE_TOKEN").empty() ? 0 : 200; }

  void get_credentials(uint32_t, const qwen::sdk::KvOut &out) override {
    const std::string token = env("FIXTURE_TOKEN");
    if (token.empty()) throw qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED, "set FIXTURE_TOKEN");
    host().register_secret(token);
    out.put("base_url", env("FIXTURE_BASE_URL"));
    out.put("token", token);
    out.put("model", "fake-model");
    out.put("account", "fixture-user");
  }

  void status(const qwen::sdk::KvOut &out) override {
    out.put("method", "envkey-said-twice");
    out.put("name", "Env key fixture said twice");
    out.put("account", "fixture-user");
    out.put("state", env("FIXTURE_TOKEN").empty() ? "FIXTURE_TOKEN is not set" : "configured");
  }

  std::optional<std::string> on_api_response(int http_status, const char *) override {
    if (http_status == 401 || http_status == 403) return std::string("Ask the fixture's admin for a new token.");
    if (http_status == 429) return std::string("The fixture's quota is spent until tomorrow.");
    return std::nullopt;
  }

  void list_models(const qwen::sdk::KvOut &out) override {
    out.put("fixture-large", "the large one");
    out.put("fixture-small", "");
    out.put("bad\x1b[31mid", "a name with a control character is dropped");
  }
};

}  // namespace

QWEN_EXPORT_PLUGIN(EnvKeyFixture)
