#include "app/auth_method_info.hpp"

#include <cstring>

#include "util/strings.hpp"

namespace qwen::app {
namespace {

// A plugin's static text is a stranger's: bounded, and only what a variable name can be.
bool is_env_name(const std::string &s) {
  if (s.empty() || s.size() > 128 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string bounded(const char *text, size_t limit) {
  if (!text) return {};
  return std::string(text, strnlen(text, limit));
}

}  // namespace

uint32_t method_flags(const plugin_host::LoadedPlugin &plugin) {
  const qwen_auth_interface *a = plugin.auth();
  return QWEN_HAS_FIELD(a, qwen_auth_interface, method_flags) ? a->method_flags : 0;
}

std::vector<std::string> method_env_vars(const plugin_host::LoadedPlugin &plugin) {
  const qwen_auth_interface *a = plugin.auth();
  std::vector<std::string> names;
  if (!QWEN_HAS_FIELD(a, qwen_auth_interface, env_vars) || !a->env_vars) return names;
  for (const auto &line : util::split(bounded(a->env_vars, 4096), '\n'))
    if (is_env_name(line) && names.size() < 32) names.push_back(line);
  return names;
}

std::string method_setup_url(const plugin_host::LoadedPlugin &plugin) {
  const qwen_auth_interface *a = plugin.auth();
  if (!QWEN_HAS_FIELD(a, qwen_auth_interface, setup_url)) return {};
  std::string url = bounded(a->setup_url, 2048);
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0 ? url : std::string();
}

int32_t environment_priority(const plugin_host::LoadedPlugin &plugin) {
  const qwen_auth_interface *a = plugin.auth();
  if (!QWEN_HAS_FIELD(a, qwen_auth_interface, environment_priority) || !a->environment_priority) return 0;
  try {
    int32_t p = a->environment_priority();
    return p > 0 ? p : 0;
  } catch (...) {
    return 0;
  }
}

std::string login_kind(const plugin_host::LoadedPlugin &plugin) {
  if (!plugin.auth()->login) return "none";
  const uint32_t flags = method_flags(plugin);
  if (flags & QWEN_AUTH_METHOD_LOGIN_BROWSER) return "browser";
  if (flags & QWEN_AUTH_METHOD_LOGIN_ASKS) return "asks";
  // A login that says nothing of itself (a 1.0 plugin): it runs in the agent, as a browser login does.
  return "browser";
}

std::string method_display_name(const plugin_host::LoadedPlugin &plugin) {
  std::string name = bounded(plugin.auth()->display_name, 256);
  return name.empty() ? plugin.id() : name;
}

std::string method_description(const plugin_host::LoadedPlugin &plugin) {
  return bounded(plugin.auth()->description, 512);
}

void describe_method(const plugin_host::LoadedPlugin &plugin,
                     const std::function<void(const std::string &, const std::string &)> &put) {
  put("name", method_display_name(plugin));
  put("description", method_description(plugin));
  put("login", login_kind(plugin));
  for (const auto &v : method_env_vars(plugin)) put("env", v);
  const std::string url = method_setup_url(plugin);
  if (!url.empty()) put("setup_url", url);
  put("configured", environment_priority(plugin) > 0 ? "environment" : "");
}

std::string what_to_set(const std::vector<const plugin_host::LoadedPlugin *> &methods) {
  std::vector<std::string> parts;
  for (const auto *m : methods) {
    auto vars = method_env_vars(*m);
    if (!vars.empty()) parts.push_back(vars.front() + " (" + m->id() + ")");
  }
  return util::join(parts, " or ");
}

}  // namespace qwen::app
