// The chat.qwen.ai OAuth server: RFC 8628 device flow with PKCE, and refresh-token rotation.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "options.hpp"
#include "reply.hpp"
#include "state.hpp"

namespace fake {

class OAuthServer {
 public:
  OAuthServer(const Options &options, Counters &counters, TokenStore &tokens)
      : options_(options), counters_(counters), tokens_(tokens) {}

  // The bound port goes into verification and resource URLs.
  void set_port(unsigned short port) { port_ = port; }

  Reply device_code(const Request &req);
  Reply token(const Request &req);
  Reply authorize(const Request &req);
  Reply approve_all();
  Reply seed_refresh_token(const Request &req);

 private:
  using Clock = std::chrono::steady_clock;
  struct DeviceCode {
    enum class Status { Pending, Approved, Denied };
    std::string user_code;
    std::string client_id;
    std::string challenge;
    Clock::time_point issued_at;
    Clock::time_point expires_at;
    std::optional<Clock::time_point> last_poll;
    Clock::duration interval{};  // the pace enforced now (raised by each slow_down in strict mode)
    long slow_downs_to_inject = 0;
    Status status = Status::Pending;
  };

  Reply poll_device_code(const std::map<std::string, std::string> &form);
  Reply refresh(const std::map<std::string, std::string> &form);
  Reply client_credentials(const Request &req, const std::map<std::string, std::string> &form);
  Reply issue_tokens(bool with_refresh_token = true);
  // Section 3.5: too soon (or an injected slow_down) answers slow_down; nullopt lets the poll through.
  std::optional<Reply> pace(DeviceCode &code, Clock::time_point now);
  std::string root_url() const;

  const Options &options_;
  Counters &counters_;
  TokenStore &tokens_;
  unsigned short port_ = 0;
  std::map<std::string, DeviceCode> device_codes_;   // by device_code
  std::map<std::string, std::string> by_user_code_;  // user_code -> device_code
};

}  // namespace fake
