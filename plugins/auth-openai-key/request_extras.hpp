// request_extras.hpp — what an OpenAI-compatible request carries besides the
// key, as Qwen Code sends it (spec qwen-code-after-oauth.md §7.6):
//   headers: generationConfig.customHeaders; DashScope's own for a DashScope
//            host; OpenRouter's attribution for openrouter.ai;
//   body:    generationConfig.extra_body (flattened: Coding Plan's
//            enable_thinking) and samplingParams (sent as written).
// The generationConfig is the provider entry's when a modelProviders entry
// serves the model, else settings.json's model.generationConfig: an entry's
// is impermeable, as in Qwen Code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace openai_key {

struct RequestExtras {
  std::vector<std::string> headers;                 // "Name: value"
  nlohmann::json body = nlohmann::json::object();   // members to add to the request body
  std::vector<std::string> ignored;                 // what was left out and why, for the user
};

RequestExtras request_extras(const std::optional<nlohmann::json> &provider,
                             const std::optional<nlohmann::json> &generation_config, const std::string &base_url,
                             const std::string &host_version);

}  // namespace openai_key
