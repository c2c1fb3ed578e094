// config.hpp — qwen's TOML configuration: ~/.qwen/config.toml, overridden key
// by key by the nearest .qwen/config.toml found walking up from the current
// directory. (Environment variables and flags override both; that happens in
// app/, which knows them.)
//
//   frontend = "tty"             # or "pipe", or a third party's id
//   auth = "qwen-oauth"          # or "openai", or a third party's id
//   model = "qwen3-coder-plus"   # used only when the sign-in method names no model
//   excluded_env_vars = ["DEBUG", "DEBUG_MODE"]
//   [network]
//   max_retries = 3; retry_base_ms = 1000; retry_max_wait_ms = 60000
//   connect_timeout_ms = 10000; idle_timeout_ms = 60000; request_timeout_ms = 0
//   ca_bundle = "/path/ca.pem"   # trusted CAs (when CURL_CA_BUNDLE and SSL_CERT_FILE are unset)
//   [plugins.<id>]               # handed to that plugin
#pragma once

#include <filesystem>
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
  int max_retries = 3;
  long retry_base_ms = 1000;
  long retry_max_wait_ms = 60000;  // a Retry-After longer than this is not waited for
  long connect_timeout_ms = 10000;
  long idle_timeout_ms = 60000;
  long request_timeout_ms = 0;
  std::string ca_bundle;  // an absolute path ("~/" expanded), or empty for libcurl's built-in bundle
};

struct Config {
  std::optional<std::string> frontend;
  std::optional<std::string> auth;
  std::optional<std::string> model;
  std::vector<std::string> excluded_env_vars{"DEBUG", "DEBUG_MODE"};
  NetworkSettings network;
  toml::table merged;                        // user file, then project file on top
  std::vector<std::filesystem::path> files;  // the files that were read, in order
  std::filesystem::path user_file;           // where /auth writes the choice

  // A value at a dotted path ("plugins.openai.model") as text, or nullopt.
  std::optional<std::string> lookup(const std::string &dotted_key) const;
};

// The nearest `.qwen/config.toml` from `start_dir` upwards, skipping the user's
// own ~/.qwen (that is the user file, not a project file).
std::optional<std::filesystem::path> find_project_config(const std::filesystem::path &start_dir,
                                                         const std::filesystem::path &qwen_home);

// Reads the user file (when it exists) and the project file (when found).
// Throws ConfigError on a syntax error or a value of the wrong type.
Config load_config(const std::filesystem::path &user_file, const std::optional<std::filesystem::path> &project_file);

}  // namespace qwen::config
