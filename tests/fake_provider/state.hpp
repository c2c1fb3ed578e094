// What the fake provider remembers between requests: counters and the tokens it accepts.
// Handlers run on the single io_context thread, so none of this needs a lock.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace fake {

struct Counters {
  long chat_requests = 0;
  long refresh_requests = 0;
  long device_code_requests = 0;
  long token_polls = 0;
  long slow_downs = 0;  // slow_down answers to token polls (too fast, or injected)
  long models_requests = 0;
  long client_credentials_requests = 0;

  nlohmann::json to_json() const {
    return {{"chat_requests", chat_requests},
            {"refresh_requests", refresh_requests},
            {"device_code_requests", device_code_requests},
            {"token_polls", token_polls},
            {"slow_downs", slow_downs},
            {"models_requests", models_requests},
            {"client_credentials_requests", client_credentials_requests}};
  }
};

class TokenStore {
 public:
  void add_api_key(const std::string &key) { bearers_.insert(key); }
  void add_access_token(const std::string &token) { bearers_.insert(token); }
  // With nothing configured or issued the fake is open to any bearer, so ad-hoc runs need no setup.
  bool accepts_bearer(const std::string &token) const {
    return !token.empty() && (bearers_.empty() || bearers_.count(token) > 0);
  }

  void add_refresh_token(const std::string &token) { refresh_tokens_.insert(token); }
  // Rotation: a refresh token works once.
  bool take_refresh_token(const std::string &token) { return refresh_tokens_.erase(token) > 0; }

 private:
  std::set<std::string> bearers_;
  std::set<std::string> refresh_tokens_;
};

}  // namespace fake
