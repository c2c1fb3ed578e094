// Starts the project's fake provider (tests/fake_provider) on a free loopback port for one test.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace qwen::test {

class FakeProvider {
 public:
  // `args` are extra command-line flags (see tests/fake_provider/README.md).
  explicit FakeProvider(const std::vector<std::string> &args = {});
  ~FakeProvider();

  int port() const { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT/v1
  std::string root_url() const;  // http://127.0.0.1:PORT
  // A plain HTTP call to the fake provider (control endpoints); returns the body.
  std::string post(const std::string &target, const std::string &body = {}) const;
  std::string get(const std::string &target) const;
  // GET /__control/stats, one counter.
  long stat(const std::string &name) const;
  // The request log (one JSON object per line), when started with log enabled (always, here).
  std::string request_log() const;
  // The logged requests to `target`, in order: {"method","target","headers","body"}.
  std::vector<nlohmann::json> logged_requests(const std::string &target = "/v1/chat/completions") const;
  // The parsed JSON bodies of the logged chat requests.
  std::vector<nlohmann::json> chat_bodies() const;

 private:
  std::unique_ptr<BackgroundProcess> process_;
  std::string log_path_;
  int port_ = 0;
};

}  // namespace qwen::test
