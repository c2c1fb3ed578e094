// The host's real services table (core/services/host_table: libcurl HTTP, redaction, waits) for unit tests
// of the SDK's sign-in blocks, with a backend that has a home folder and nothing else.
#pragma once

#include <qwen/plugin.hpp>

#include <string>

#include "services/host_table.hpp"

namespace qwen::test {

class SdkTestHost : public services::HostBackend {
 public:
  explicit SdkTestHost(std::string home = "/nonexistent")
      : home_(std::move(home)), table_(*this, "sdk-test", QWEN_PLUGIN_KIND_AUTH) {}
  sdk::Host host() const { return sdk::Host(table_.get()); }

  std::optional<std::string> config_value(const std::string &, const std::string &) override { return std::nullopt; }
  const std::string &home_dir() const override { return home_; }
  qwen_status ui(const qwen_ui_request &, char *, uint64_t, qwen_error *) override { return QWEN_ERR_UNSUPPORTED; }
  qwen_status chat_send(const std::string &, const qwen_event_sink *, qwen_error *) override {
    return QWEN_ERR_UNSUPPORTED;
  }
  qwen_status command(const std::string &, const char *, const qwen_kv_sink *, qwen_error *) override {
    return QWEN_ERR_UNSUPPORTED;
  }
  std::optional<std::string> settings_read(const std::string &) override { return std::nullopt; }
  qwen_status settings_write(const std::string &, const std::string &, const std::optional<std::string> &,
                             qwen_error *) override {
    return QWEN_ERR_UNSUPPORTED;
  }

 private:
  std::string home_;
  services::HostTable table_;
};

}  // namespace qwen::test
