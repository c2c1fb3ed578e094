// The host's session commands as a function, so the protocol code can be
// driven by a stand-in in unit tests and by qwen_host.command in the plugin.
#pragma once

#include <qwen/plugin.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acp {

using Pairs = std::vector<qwen::sdk::Header>;
using CommandFn =
    std::function<qwen_status(const std::string &verb, const std::string &arg, Pairs *out, std::string *error)>;

// The first value of `key`, if any.
inline std::optional<std::string> first(const Pairs &pairs, const std::string &key) {
  for (const auto &p : pairs)
    if (p.name == key) return p.value;
  return std::nullopt;
}

}  // namespace acp
