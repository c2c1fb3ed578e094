// session_client.hpp — the host's session commands (qwen_host.command) as
// plain calls with their results, for the slash commands and the sign-in.
#pragma once

#include <qwen/plugin.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tty_frontend {

struct CommandResult {
  qwen_status status = QWEN_OK;
  std::string error;
  std::vector<qwen::sdk::Header> pairs;

  bool ok() const { return status == QWEN_OK; }
  // The first value for `key`, or empty.
  std::string value(const std::string &key) const;
};

struct AuthMethod {
  std::string id;
  std::string name;
  bool selected = false;
  bool available = true;
  std::string unavailable_reason;
  std::string description;  // one line (ABI 1.2 hosts; empty from older ones)
  bool ready = false;       // configured by the environment alone: choosing it needs nothing more
};

// The methods in an "auth.list" answer (value: "display name\tselected?\tavailable?\tdescription").
std::vector<AuthMethod> parse_auth_list(const std::vector<qwen::sdk::Header> &pairs);

struct AccountLogin {
  std::string name;  // "default" for the default account
  bool active = false;
  bool signed_in = false;
};

// The logins in an "auth.accounts" answer (value: "active?\tsigned in?", each "yes" or "no"; plugin.h 1.5).
std::vector<AccountLogin> parse_auth_accounts(const std::vector<qwen::sdk::Header> &pairs);

class SessionClient {
 public:
  explicit SessionClient(qwen::sdk::Host host) : host_(host) {}

  CommandResult run(const std::string &verb, const std::string &arg = {}) const;
  std::vector<AuthMethod> auth_methods() const;
  // The selected method's models ("models.list": id, description), asked once and kept until the method
  // changes (auth.select, auth.login): Tab must not wait for a server every time.
  const std::vector<qwen::sdk::Header> &models() const;
  // The id of the selected sign-in method, or empty.
  std::string current_auth() const { return host_.config_or("qwen.auth", ""); }
  const qwen::sdk::Host &host() const { return host_; }

 private:
  qwen::sdk::Host host_;
  mutable std::optional<std::vector<qwen::sdk::Header>> models_;
};

}  // namespace tty_frontend
