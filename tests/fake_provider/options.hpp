// The fake provider's command line (the flags are documented in README.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "faults.hpp"

namespace fake {

enum class OAuthMode { Normal, Html, DenyAll, RefreshSlow };

struct Options {
  unsigned short port = 0;
  std::string port_file;
  std::vector<std::string> api_keys;
  long idle_exit_seconds = 120;  // 0: never
  std::optional<std::string> reply;
  std::string log_file;
  std::vector<Fault> faults;
  OAuthMode oauth_mode = OAuthMode::Normal;
  std::chrono::milliseconds refresh_delay{0};  // with OAuthMode::RefreshSlow
  long token_lifetime_seconds = 3600;
  long device_expires_seconds = 300;
  long interval_seconds = 1;
  bool send_interval = true;      // false with `--interval none`: the device answer has no `interval` (RFC: 5 s)
  bool strict_rfc8628 = false;    // --strict-rfc8628: section 3.5 enforced, see README.md
  bool no_models = false;         // --no-models: GET /v1/models is an unknown path (404), as on many servers
  long injected_slow_downs = 0;   // --slow-down N: the first N timely polls of each code answer slow_down
  std::optional<std::string> resource_url;
  // --client ID:SECRET (repeatable): confidential clients the client_credentials grant accepts; none = any.
  std::vector<std::pair<std::string, std::string>> clients;
};

// Throws std::invalid_argument with a message for the user on a bad command line.
// Returns nullopt when --help was asked for (the usage is already printed).
std::optional<Options> parse_options(int argc, char **argv);

}  // namespace fake
