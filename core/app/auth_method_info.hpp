// auth_method_info.hpp — what an auth plugin says about itself through the
// members appended in ABI 1.2 (plugin.h: method_flags, env_vars, setup_url,
// environment_priority), read safely from a plugin of any minor: a 1.0 or 1.1
// plugin has none of them and reads as "no flags, no variables, never
// configured by the environment".
#pragma once

#include <qwen/plugin.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"

namespace qwen::app {

uint32_t method_flags(const plugin_host::LoadedPlugin &plugin);
// The variables it reads, the configuring one first (empty lines and absurd names dropped).
std::vector<std::string> method_env_vars(const plugin_host::LoadedPlugin &plugin);
std::string method_setup_url(const plugin_host::LoadedPlugin &plugin);
// 0 when the environment does not configure it (or the plugin cannot say).
int32_t environment_priority(const plugin_host::LoadedPlugin &plugin);
// "browser", "asks" or "none" (plugin.h: auth.describe).
std::string login_kind(const plugin_host::LoadedPlugin &plugin);
std::string method_display_name(const plugin_host::LoadedPlugin &plugin);
std::string method_description(const plugin_host::LoadedPlugin &plugin);

// The pairs of the auth.describe verb.
void describe_method(const plugin_host::LoadedPlugin &plugin,
                     const std::function<void(const std::string &, const std::string &)> &put);

// Words for "what to set" naming each method's first variable: "OPENAI_API_KEY (openai) or ACME_CLIENT_ID
// (acme)"; empty when no installed method reads one.
std::string what_to_set(const std::vector<const plugin_host::LoadedPlugin *> &methods);

}  // namespace qwen::app
