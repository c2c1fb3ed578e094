// options.hpp — qwen's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qwen::cli {

enum class Command { Chat, Plugins, AuthLogin, AuthLogout, AuthStatus, AuthToken, AuthList, AuthSwitch, Models, Trust };

struct Options {
  Command command = Command::Chat;
  std::optional<std::string> prompt;           // -p
  std::optional<std::string> model;            // -m
  std::optional<std::string> auth_type;        // --auth-type
  std::optional<std::string> frontend;         // --frontend (--acp: "acp")
  std::string output_format = "text";          // --output-format
  std::optional<std::string> openai_api_key;   // --openai-api-key
  std::optional<std::string> openai_base_url;  // --openai-base-url
  bool debug = false;
  std::optional<std::string> account;          // --account ("default" = the default account; checked later)
  // qwen auth <method> [--base-url URL] [--key KEY | --with-key] (Qwen Code 0.15's `qwen auth` verbs)
  std::optional<std::string> login_base_url;
  std::optional<std::string> login_key;  // --key, or the first line of standard input with --with-key
  bool login_key_from_stdin = false;
  bool plugins_porcelain = false;  // qwen plugins --porcelain: "kind<TAB>id" lines, for shell completions
  bool status_all = false;   // qwen auth status --all
  bool status_json = false;  // qwen auth status|list --json (also --output-format json)
  std::optional<std::string> switch_method;  // qwen auth switch [METHOD]
  // qwen trust [DIR] [--list | --revoke]
  std::optional<std::string> trust_dir;
  bool trust_list = false;
  bool trust_revoke = false;
};

struct ParseResult {
  Options options;
  int exit_code = -1;  // >= 0: stop now with this status (help printed, or a usage error)
  // A usage error, not printed yet: the caller reports it, on stdout too when the command line asked for
  // --output-format json or stream-json (a script reading stdout must not meet an empty one).
  std::optional<std::string> usage_error;
  std::string usage_hint;        // "Run 'qwen --help' for the options."
  std::string requested_format;  // the --output-format word as written, even when parsing failed
};

ParseResult parse_command_line(int argc, const char *const *argv);

}  // namespace qwen::cli
