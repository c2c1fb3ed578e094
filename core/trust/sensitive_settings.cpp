#include "trust/sensitive_settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace qwen::trust {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string upper(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Variables that pick programs, libraries or qwen's own folders; or that qwen's children (the browser) would
// obey. (DEBUG and DEBUG_MODE are the seed's own exclusion list, applied by config/env_files.cpp.)
constexpr std::array kNeverEnv = {"PATH",        "HOME",      "BROWSER",     "SHELL",       "EDITRC",
                                  "TMPDIR",      "GCONV_PATH", "LOCPATH",    "NLSPATH",     "GLIBC_TUNABLES",
                                  "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                                  "DBUS_SESSION_BUS_ADDRESS", "CURL_HOME", "SSLKEYLOGFILE", "OPENSSL_CONF"};
// Where TLS trust comes from, and proxies (libcurl reads these from the environment).
constexpr std::array kTrustedEnv = {"SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY",
                                    "ALL_PROXY",     "NO_PROXY",     "QWEN_OAUTH_BASE_URL"};
// The one QWEN_* variable that is a setting rather than a control (it still needs trust: it moves the
// refresh token).
constexpr std::string_view kQwenOAuthBase = "QWEN_OAUTH_BASE_URL";

bool is_url_name(std::string_view n) {
  // Not every *_URL: a project's .env also serves the project itself (DATABASE_URL, REDIS_HOST), and
  // holding those back would only be noise. A plugin names its server variable *_BASE_URL (or *_API_BASE,
  // *_ENDPOINT) to be covered; docs/trust.md says so.
  return ends_with(n, "_BASE_URL") || ends_with(n, "_API_BASE") || ends_with(n, "_ENDPOINT");
}

bool is_url_key(std::string_view k) {
  return k == "url" || k == "base_url" || ends_with(k, "_url") || k == "endpoint" || ends_with(k, "_endpoint") ||
         k == "host";
}

}  // namespace

Sensitivity classify_env_var(const std::string &name) {
  const std::string n = upper(name);
  if (n == kQwenOAuthBase) return Sensitivity::Trusted;
  if (starts_with(n, "QWEN_") || starts_with(n, "LD_") || starts_with(n, "MALLOC_")) return Sensitivity::Never;
  if (std::find(kNeverEnv.begin(), kNeverEnv.end(), n) != kNeverEnv.end()) return Sensitivity::Never;
  if (std::find(kTrustedEnv.begin(), kTrustedEnv.end(), n) != kTrustedEnv.end()) return Sensitivity::Trusted;
  if (ends_with(n, "_PROXY") || is_url_name(n)) return Sensitivity::Trusted;
  return Sensitivity::Free;
}

Sensitivity classify_config_key(const std::vector<std::string> &path) {
  if (path.empty()) return Sensitivity::Free;
  const std::string &key = path.back();
  // Where the user's keys are kept: a project must not move them into a file (or demand a keyring).
  if (path.front() == "secrets") return Sensitivity::Never;
  // A key that names a program to run (a future key_command, a helper): code, never from a project.
  // Its settings too (key_command_timeout_ms): a project must not cut the user's own command short.
  if (key == "command" || ends_with(key, "_command") || key == "helper" || ends_with(key, "_helper") ||
      key.find("_command_") != std::string::npos)
    return Sensitivity::Never;
  if (is_url_key(key) || key == "allow_insecure_http" || key == "ca_bundle" || key.find("proxy") != std::string::npos)
    return Sensitivity::Trusted;
  return Sensitivity::Free;
}

std::optional<std::string> own_key_for(const std::string &url_var) {
  const std::string n = upper(url_var);
  if (n == kQwenOAuthBase) return std::nullopt;  // no key of a project's own can come with an OAuth login
  for (std::string_view suffix : {"_BASE_URL", "_API_BASE", "_ENDPOINT"})
    if (ends_with(n, suffix)) return n.substr(0, n.size() - suffix.size()) + "_API_KEY";
  return std::nullopt;
}

const char *why_sensitive(Sensitivity s) {
  switch (s) {
    case Sensitivity::Never:
      return "a project file may not choose code or where qwen keeps its files";
    case Sensitivity::Trusted:
      return "an untrusted project may not change where your credentials are sent";
    default:
      return "";
  }
}

}  // namespace qwen::trust
