// The ACP agent side: one handler per method, run on the main thread (every
// host call must be), answering through the MessageWriter. Sessions are the
// host's conversations (session.new / session.select), each with its own
// history and model; the ACP sessionId is the host's id.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth_methods.hpp"
#include "host_commands.hpp"
#include "inbox.hpp"
#include "jsonrpc.hpp"
#include "message_writer.hpp"
#include "turn_control.hpp"

namespace acp {

// host->chat_send: the text, each event (return false to stop), the error's words.
using ChatFn = std::function<qwen_status(const std::string &text,
                                         const std::function<bool(const qwen_event &)> &on_event, std::string *error)>;

constexpr int kProtocolVersion = 1;

class Agent {
 public:
  Agent(CommandFn command, ChatFn chat, MessageWriter &writer, TurnControl &turns, std::string version);

  // One message from the client, in the order read.
  void handle(const Queued &message);

  // The front-end's ui() during a host call: what a sign-in shows. Returns
  // true when it was handled here (a device code while no browser can be
  // opened: the authenticate request is answered with it).
  bool on_device_code(const std::string &url, const std::string &code, long long expires_in_s);

 private:
  struct Session {
    std::string cwd;
  };

  void request(const Queued &q);
  json initialize(const json &params);
  void authenticate(const json &id, const json &params);
  json logout();
  void new_session(const json &id, const json &params);
  json close_session(const json &params);
  json set_config_option(const json &params);
  void prompt(const Queued &q);
  bool slash_command(const std::string &session, const std::string &text);

  // Makes `session` the host's current conversation; false when unknown.
  bool select(const std::string &session);
  json config_options();
  void send_update(const std::string &session, json update);
  void say(const std::string &session, const std::string &text);
  std::optional<std::string> session_param(const json &params, std::string *error);
  std::string method_ids() const;

  CommandFn command_;
  ChatFn chat_;
  MessageWriter &writer_;
  TurnControl &turns_;
  std::string version_;

  bool initialized_ = false;
  bool client_terminal_auth_ = false;
  std::vector<AuthMethodInfo> methods_;
  std::map<std::string, Session> sessions_;
  std::string current_;       // the host's current conversation
  bool first_taken_ = false;  // the conversation "1" the host starts with is in use
  // An authenticate whose device code must be shown by the editor (no browser here).
  std::optional<json> device_code_request_;
};

}  // namespace acp
