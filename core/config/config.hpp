// config.hpp — qwen's TOML configuration: ~/.qwen/config.toml, overridden key
// by key by the nearest .qwen/config.toml found walking up from the current
// directory. (Environment variables and flags override both; that happens in
// app/, which knows them.)
//
//   frontend = "tty"             # or "pipe", or a third party's id
//   auth = "qwen-oauth"          # or "openai", or a third party's id
//   default_auth = "qwen-oauth"  # when nothing chose a method and no plugin is configured by the environment
//   model = "qwen3-coder-plus"   # used only when the sign-in method names no model
//   excluded_env_vars = ["DEBUG", "DEBUG_MODE"]
//   [network]
//   max_retries = 3; retry_base_ms = 1000; retry_max_wait_ms = 60000
//   connect_timeout_ms = 10000; idle_timeout_ms = 60000; request_timeout_ms = 1800000
//   (each number is checked when read: out of range -> ConfigError naming file:line; see NetworkSettings)
//   ca_bundle = "/path/ca.pem"   # trusted CAs (when CURL_CA_BUNDLE and SSL_CERT_FILE are unset)
//   [plugins.<id>]               # handed to that plugin
//   [secrets]
//   store = "auto"               # or "keyring", or "file": where plugins' keys go (services/secret_store.hpp);
//                                # the user's file only (a project's is held back by trust/)
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace qwen::config {

// A configuration problem the user must fix; what() names file, line and column.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NetworkSettings {
  static constexpr int kMaxRetries = 20;      // the largest max_retries accepted
  static constexpr long kMaxMs = 86400000;    // the largest time accepted (a day), in ms
  int max_retries = 3;                        // for 429, 5xx and connection failures
  long retry_base_ms = 1000;                  // the first backoff, doubled each retry (up to retry_max_wait_ms)
  long retry_max_wait_ms = 60000;             // a Retry-After longer than this is reported, not waited for
  long connect_timeout_ms = 10000;            // at least 1 (libcurl reads 0 as its 300 s default)
  long idle_timeout_ms = 60000;               // no byte for this long ends the request; 0 = none
  // The longest one answer may take, retries and their waits included; 0 = none. The idle timeout alone
  // cannot end a server that trickles SSE keep-alive comments, so a bound exists by default. 30 min:
  // the longest answer a Qwen model gives (65,536 tokens for qwen3-coder-plus) takes about 22 min at a
  // slow 50 tokens/s, so no real answer is cut, while a stuck script still ends the same half hour.
  long request_timeout_ms = 1800000;
  std::string ca_bundle;  // an absolute path ("~/" expanded), or empty for libcurl's built-in bundle
};

struct Config {
  std::optional<std::string> frontend;
  std::optional<std::string> auth;
  std::optional<std::string> default_auth;
  std::optional<std::string> model;
  std::vector<std::string> excluded_env_vars{"DEBUG", "DEBUG_MODE"};
  NetworkSettings network;
  std::string secrets_store = "auto";        // [secrets] store: "auto", "keyring" or "file"
  toml::table merged;                        // user file, then project file on top
  std::vector<std::filesystem::path> files;  // the files that were read, in order
  std::filesystem::path user_file;           // where /auth writes the choice
  std::optional<std::string> user_auth;      // `auth` as each file says it (the sign-in choice weighs them apart)
  std::optional<std::string> project_auth;
  std::optional<std::string> user_account;     // `account` ("" = the default account): `qwen auth switch` writes it
  std::optional<std::string> project_account;  // a project's `account` binds its directory to a login

  // A value at a dotted path ("plugins.openai.model") as text, or nullopt.
  std::optional<std::string> lookup(const std::string &dotted_key) const;
};

// "a string", "an integer", "a table"...: a value's type in an error message.
std::string describe_toml_value(const toml::node &node);

// The nearest `.qwen/config.toml` from `start_dir` upwards, skipping `qwen_home`
// and ~/.qwen (user files, not a project's, also when QWEN_HOME points elsewhere).
std::optional<std::filesystem::path> find_project_config(const std::filesystem::path &start_dir,
                                                         const std::filesystem::path &qwen_home);

// Reads the user file (when it exists) and the project file (when found).
// `vet_project` sees the project file's table before it is checked and merged:
// the trust boundary removes there what a project file may not set.
// Throws ConfigError on a syntax error, a value of the wrong type, or a
// `frontend`/`auth` value that is not a plugin id.
Config load_config(const std::filesystem::path &user_file, const std::optional<std::filesystem::path> &project_file,
                   const std::function<void(toml::table &)> &vet_project = {});

}  // namespace qwen::config
