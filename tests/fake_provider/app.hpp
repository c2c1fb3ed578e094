// Routes each request to the model API, the OAuth server or the /__control endpoints.
#pragma once

#include "chat.hpp"
#include "faults.hpp"
#include "oauth.hpp"
#include "options.hpp"
#include "reply.hpp"
#include "request_log.hpp"
#include "state.hpp"

namespace fake {

class App {
 public:
  App(const Options &options, RequestLog &log);
  void set_port(unsigned short port) { oauth_.set_port(port); }
  Reply handle(const Request &req);

 private:
  Reply control(const Request &req, std::string_view path);

  RequestLog &log_;
  Counters counters_;
  FaultQueue faults_;
  TokenStore tokens_;
  ChatApi chat_;
  OAuthServer oauth_;
  bool no_models_ = false;  // --no-models
};

}  // namespace fake
