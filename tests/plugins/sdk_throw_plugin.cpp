// An SDK plugin whose constructor throws: the SDK's guard must turn it into
// an init error with the exception's message.
#include <qwen/plugin.hpp>

#include <stdexcept>

class SdkThrow : public qwen::sdk::AuthPlugin {
 public:
  static constexpr const char *kId = "sdkthrow", *kName = "SDK throw", *kVersion = "0.0.1";
  explicit SdkThrow(qwen::sdk::Host host) : AuthPlugin(host) {
    throw std::runtime_error("constructor failed on purpose");
  }
  void get_credentials(uint32_t, const qwen::sdk::KvOut &) override {}
  void status(const qwen::sdk::KvOut &) override {}
};

QWEN_EXPORT_PLUGIN(SdkThrow)
