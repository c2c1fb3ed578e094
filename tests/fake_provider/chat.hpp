// The OpenAI-compatible model API: /v1/chat/completions (streamed or whole, with faults) and /v1/models.
#pragma once

#include "faults.hpp"
#include "options.hpp"
#include "reply.hpp"
#include "state.hpp"

namespace fake {

class ChatApi {
 public:
  ChatApi(const Options &options, Counters &counters, FaultQueue &faults, const TokenStore &tokens)
      : options_(options), counters_(counters), faults_(faults), tokens_(tokens) {}

  Reply completions(const Request &req);
  Reply models(const Request &req);

 private:
  bool authorized(const Request &req) const;

  const Options &options_;
  Counters &counters_;
  FaultQueue &faults_;
  const TokenStore &tokens_;
};

}  // namespace fake
