// ACP's authMethods from the auth plugins found at start-up (auth.list and
// auth.describe), never a fixed list, so a third party's plugin becomes a
// sign-in choice in the editor. How each is offered:
//   login "browser" (a device flow, a third party's own login): type agent
//     (the schema's default: no "type" field); `authenticate` runs it.
//   login "asks" (a key typed in): type terminal, args
//     `auth login --auth-type ID`, when the client said
//     clientCapabilities.auth.terminal; else type agent, whose authenticate
//     succeeds once the environment configures it.
//   login "none": type agent, described by the variables to set.
// The variables and the page where a key is made are said in the
// description and in _meta "qwen" {login, env, setupUrl}.
#pragma once

#include <string>
#include <vector>

#include "host_commands.hpp"
#include "jsonrpc.hpp"

namespace acp {

struct AuthMethodInfo {
  std::string id;
  std::string name;
  std::string description;
  std::string login;  // browser | asks | none
  std::vector<std::string> env;
  std::string setup_url;
  bool environment_configured = false;
  std::string unavailable;  // "unavailable: why", from auth.list
};

// Every installed auth method; empty when the host cannot list them.
std::vector<AuthMethodInfo> read_auth_methods(const CommandFn &command);

json auth_methods_json(const std::vector<AuthMethodInfo> &methods, bool client_has_terminal_auth);

}  // namespace acp
