#include "agent.hpp"

#include <qwen/sdk/device_flow.hpp>

#include <algorithm>

#include "rpc_error.hpp"

namespace acp {

namespace {

const json &object_params(const json &params) {
  static const json empty = json::object();
  if (params.is_null()) return empty;
  if (!params.is_object()) throw RpcError(kInvalidParams, "Invalid params: params must be an object");
  return params;
}

}  // namespace

Agent::Agent(CommandFn command, ChatFn chat, MessageWriter &writer, TurnControl &turns, std::string version)
    : command_(std::move(command)),
      chat_(std::move(chat)),
      writer_(writer),
      turns_(turns),
      version_(std::move(version)) {}

void Agent::handle(const Queued &q) {
  const Incoming &m = q.message;
  switch (m.kind) {
    case Incoming::Kind::Request:
      request(q);
      return;
    case Incoming::Kind::Notification:
      // session/cancel is handled on the reader thread; other notifications (ext ones) are ignored, as
      // JSON-RPC says a notification gets no answer.
      return;
    case Incoming::Kind::Response:
      return;  // qwen sends no requests to the client, so there is nothing to match
    case Incoming::Kind::Invalid:
      writer_.write(make_error(m.id, m.error_code, m.error_message));
      return;
  }
}

void Agent::request(const Queued &q) {
  const Incoming &m = q.message;
  const std::string key = m.id.dump();
  // Cancelled by $/cancel_request before it started: answered, never run.
  if (turns_.request_cancelled(key)) {
    turns_.finish(key);
    writer_.write(make_error(m.id, kRequestCancelled, "Request cancelled", json{{"requestId", m.id}}));
    return;
  }
  try {
    if (m.method != "initialize" && !initialized_)
      throw RpcError(kInvalidRequest, "Invalid request: call initialize first");
    if (m.method == "initialize") {
      writer_.write(make_result(m.id, initialize(object_params(m.params))));
    } else if (m.method == "authenticate") {
      authenticate(m.id, object_params(m.params));
    } else if (m.method == "logout") {
      object_params(m.params);
      writer_.write(make_result(m.id, logout()));
    } else if (m.method == "session/new") {
      new_session(m.id, object_params(m.params));
    } else if (m.method == "session/prompt") {
      prompt(q);
    } else if (m.method == "session/close") {
      writer_.write(make_result(m.id, close_session(object_params(m.params))));
    } else if (m.method == "session/set_config_option") {
      writer_.write(make_result(m.id, set_config_option(object_params(m.params))));
    } else {
      throw RpcError(kMethodNotFound, "Method not found: " + m.method);
    }
  } catch (const RpcError &e) {
    turns_.finish(key);
    writer_.write(make_error(m.id, e.code, e.what(), e.data));
  } catch (const std::exception &e) {
    turns_.finish(key);
    writer_.write(make_error(m.id, kInternalError, std::string("Internal error: ") + e.what()));
  }
  turns_.finish(key);  // answered (a no-op when already finished)
}

json Agent::initialize(const json &params) {
  auto version = params.find("protocolVersion");
  if (version == params.end() || !version->is_number_integer() || version->get<long long>() < 0 ||
      version->get<long long>() > 65535)
    throw RpcError(kInvalidParams, "Invalid params: protocolVersion must be an integer from 0 to 65535");
  // clientCapabilities.auth.terminal: whether a key can be typed in the editor's terminal.
  client_terminal_auth_ = false;
  auto caps = params.find("clientCapabilities");
  if (caps != params.end() && caps->is_object()) {
    auto auth = caps->find("auth");
    if (auth != caps->end() && auth->is_object()) {
      auto terminal = auth->find("terminal");
      client_terminal_auth_ = terminal != auth->end() && terminal->is_boolean() && terminal->get<bool>();
    }
  }
  methods_ = read_auth_methods(command_);
  initialized_ = true;
  // Version negotiation: qwen speaks 1; a client asking for another gets 1 and decides.
  return json{{"protocolVersion", kProtocolVersion},
              {"agentCapabilities",
               {{"loadSession", false},
                {"promptCapabilities", {{"image", false}, {"audio", false}, {"embeddedContext", true}}},
                {"sessionCapabilities", {{"close", json::object()}}},
                {"auth", {{"logout", json::object()}}}}},
              {"authMethods", auth_methods_json(methods_, client_terminal_auth_)},
              {"agentInfo", {{"name", "qwen"}, {"title", "Qwen (qwen-cpp)"}, {"version", version_}}}};
}

std::string Agent::method_ids() const {
  std::string ids;
  for (const auto &m : methods_) ids += (ids.empty() ? "" : ", ") + m.id;
  return ids;
}

void Agent::authenticate(const json &id, const json &params) {
  auto method = params.find("methodId");
  if (method == params.end() || !method->is_string())
    throw RpcError(kInvalidParams, "Invalid params: methodId must be a string");
  const std::string method_id = method->get<std::string>();
  auto info =
      std::find_if(methods_.begin(), methods_.end(), [&](const AuthMethodInfo &m) { return m.id == method_id; });
  if (info == methods_.end())
    throw RpcError(kInvalidParams,
                   "Invalid params: no sign-in method \"" + method_id + "\" (there are: " + method_ids() + ")");
  if (info->login == "asks" && client_terminal_auth_)
    throw RpcError(kInvalidParams,
                   "Invalid params: " + method_id + " is a terminal method, which the client runs itself");

  if (turns_.input_ended()) throw RpcError(kRequestCancelled, "Request cancelled: the client closed its input");
  std::string error;
  qwen_status s = command_("auth.select", method_id, nullptr, &error);
  if (s != QWEN_OK && s != QWEN_ERR_AUTH_REQUIRED) throw host_error(s, error);
  error.clear();
  if (command_("auth.check", "", nullptr, &error) == QWEN_OK) {
    writer_.write(make_result(id, json::object()));
    return;
  }
  // No login qwen can run here: the editor cannot answer a question, so the environment must configure it.
  if (info->login == "none" || info->login == "asks") {
    std::string words = error;
    std::string vars;
    for (const auto &v : info->env) vars += (vars.empty() ? "" : " or ") + v;
    if (!vars.empty())
      words += (words.empty() ? "" : "; ") + std::string("set ") + vars + " in the agent's environment";
    throw host_error(QWEN_ERR_AUTH_REQUIRED, words);
  }
  // A device flow needs a person at a browser. When none can be opened here, the editor shows the link and
  // code: the answer to this request is an error carrying them, and the login goes on polling until the
  // code is approved or expires (requests read meanwhile wait their turn), so a later session/new works.
  if (info->login == "browser" && command_("browser.check", "", nullptr, nullptr) != QWEN_OK) device_code_request_ = id;
  error.clear();
  s = command_("auth.login", method_id, nullptr, &error);
  const bool answered = device_code_request_ && device_code_request_->is_null();
  device_code_request_.reset();
  if (s == QWEN_OK) {
    error.clear();
    s = command_("auth.check", "", nullptr, &error);
  }
  if (answered) return;  // the editor already has its answer (the link and code); the host logged the outcome
  if (s != QWEN_OK) throw host_error(s, error);
  writer_.write(make_result(id, json::object()));
}

bool Agent::on_device_code(const std::string &url, const std::string &code, long long expires_in_s) {
  if (!device_code_request_ || device_code_request_->is_null()) return false;
  std::string words = "No browser can be opened where qwen runs. To sign in, open " + url;
  if (!code.empty()) words += " and confirm the code " + code;
  words += ".";
  if (expires_in_s > 0) words += " The code is valid for " + qwen::sdk::describe_code_lifetime(expires_in_s) + ".";
  words += " Then start a new session.";
  json data{{"verificationUri", url}, {"userCode", code}};
  if (expires_in_s > 0) data["expiresIn"] = expires_in_s;
  writer_.write(make_error(*device_code_request_, kAuthRequired, words, data));
  *device_code_request_ = nullptr;  // answered; the login goes on
  return true;
}

json Agent::logout() {
  std::string error;
  qwen_status s = command_("auth.logout", "", nullptr, &error);
  if (s != QWEN_OK) throw host_error(s, error);
  return json::object();
}

std::optional<std::string> Agent::session_param(const json &params, std::string *error) {
  auto sid = params.find("sessionId");
  if (sid == params.end() || !sid->is_string()) {
    *error = "Invalid params: sessionId must be a string";
    return std::nullopt;
  }
  return sid->get<std::string>();
}

bool Agent::select(const std::string &session) {
  if (sessions_.count(session) == 0) return false;
  if (current_ == session) return true;
  std::string error;
  qwen_status s = command_("session.select", session, nullptr, &error);
  if (s != QWEN_OK) throw host_error(s, error);
  current_ = session;
  return true;
}

void Agent::new_session(const json &id, const json &params) {
  auto cwd = params.find("cwd");
  if (cwd == params.end() || !cwd->is_string() || cwd->get<std::string>().empty() || cwd->get<std::string>()[0] != '/')
    throw RpcError(kInvalidParams, "Invalid params: cwd must be an absolute path");
  auto mcp = params.find("mcpServers");
  if (mcp == params.end() || !mcp->is_array())
    throw RpcError(kInvalidParams, "Invalid params: mcpServers must be an array");
  if (auto dirs = params.find("additionalDirectories"); dirs != params.end() && !dirs->is_array() && !dirs->is_null())
    throw RpcError(kInvalidParams, "Invalid params: additionalDirectories must be an array");

  std::string error;
  qwen_status s = command_("auth.check", "", nullptr, &error);
  if (s != QWEN_OK) {
    if (s == QWEN_ERR_AUTH_REQUIRED) throw RpcError(kAuthRequired, "Authentication required: " + error);
    throw host_error(s, error);
  }
  std::string session;
  if (!first_taken_) {
    session = "1";  // the conversation the host starts with
    first_taken_ = true;
    if (current_.empty()) current_ = session;
    if (current_ != session) {
      sessions_[session] = {};
      select(session);
    }
  } else {
    Pairs out;
    error.clear();
    s = command_("session.new", "", &out, &error);
    if (s != QWEN_OK) throw host_error(s, error);
    auto made = first(out, "session");
    if (!made) throw RpcError(kInternalError, "Internal error: the host made a session without an id");
    session = *made;
    current_ = session;
  }
  sessions_[session] = Session{cwd->get<std::string>()};
  writer_.write(make_result(id, json{{"sessionId", session}, {"configOptions", config_options()}}));
  send_update(session,
              json{{"sessionUpdate", "available_commands_update"},
                   {"availableCommands",
                    json::array({json{{"name", "model"},
                                      {"description", "Show the models, or switch this session to one"},
                                      {"input", {{"hint", "model name"}}}},
                                 json{{"name", "auth"},
                                      {"description", "Show the sign-in methods, or switch to one"},
                                      {"input", {{"hint", "method id"}}}},
                                 json{{"name", "clear"}, {"description", "Forget this session's conversation"}},
                                 json{{"name", "stats"}, {"description", "Requests and tokens of this session"}}})}});
}

json Agent::config_options() {
  Pairs model_pairs;
  std::string current;
  if (command_("model.get", "", &model_pairs, nullptr) == QWEN_OK) {
    auto m = first(model_pairs, "model");
    current = m ? *m : (model_pairs.empty() ? "" : model_pairs.front().value);
  }
  json options = json::array();
  Pairs models;
  bool listed_current = false;
  if (command_("models.list", "", &models, nullptr) == QWEN_OK) {
    for (const auto &m : models) {
      json o{{"value", m.name}, {"name", m.name}};
      if (!m.value.empty()) o["description"] = m.value;
      options.push_back(std::move(o));
      listed_current = listed_current || m.name == current;
    }
  }
  if (current.empty()) return json::array();
  if (!listed_current) options.insert(options.begin(), json{{"value", current}, {"name", current}});
  return json::array({json{{"id", "model"},
                           {"name", "Model"},
                           {"category", "model"},
                           {"type", "select"},
                           {"currentValue", current},
                           {"options", std::move(options)}}});
}

json Agent::close_session(const json &params) {
  std::string error;
  auto session = session_param(params, &error);
  if (!session) throw RpcError(kInvalidParams, error);
  if (sessions_.count(*session) == 0) throw RpcError(kResourceNotFound, "Resource not found: no session " + *session);
  if (current_ == *session) {
    // The host keeps a current conversation: move to a fresh one before forgetting this one.
    Pairs out;
    qwen_status s = command_("session.new", "", &out, &error);
    if (s != QWEN_OK) throw host_error(s, error);
    current_ = first(out, "session").value_or("");
  }
  qwen_status s = command_("session.close", *session, nullptr, &error);
  if (s != QWEN_OK) throw host_error(s, error);
  sessions_.erase(*session);
  return json::object();
}

json Agent::set_config_option(const json &params) {
  std::string error;
  auto session = session_param(params, &error);
  if (!session) throw RpcError(kInvalidParams, error);
  auto config = params.find("configId");
  auto value = params.find("value");
  if (config == params.end() || *config != "model")
    throw RpcError(kInvalidParams, "Invalid params: the only configId is \"model\"");
  if (value == params.end() || !value->is_string() || value->get<std::string>().empty())
    throw RpcError(kInvalidParams, "Invalid params: value must be a model name");
  if (!select(*session)) throw RpcError(kResourceNotFound, "Resource not found: no session " + *session);
  qwen_status s = command_("model.set", value->get<std::string>(), nullptr, &error);
  if (s != QWEN_OK) throw host_error(s, error);
  return json{{"configOptions", config_options()}};
}

void Agent::send_update(const std::string &session, json update) {
  writer_.write(make_notification("session/update", json{{"sessionId", session}, {"update", std::move(update)}}));
}

void Agent::say(const std::string &session, const std::string &text) {
  send_update(session, json{{"sessionUpdate", "agent_message_chunk"}, {"content", {{"type", "text"}, {"text", text}}}});
}

}  // namespace acp
