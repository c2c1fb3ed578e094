// The user's message from a session/prompt's content blocks. What the agent
// advertises in promptCapabilities is what it reads: text and resource_link
// (ACP's baseline) and embedded text resources (embeddedContext). Images,
// audio and binary resources are refused rather than silently dropped.
#pragma once

#include <string>

#include "jsonrpc.hpp"

namespace acp {

struct PromptText {
  std::string text;
  std::string error;  // non-empty: the params are wrong (-32602), in words
};

PromptText prompt_text(const json &blocks);

}  // namespace acp
