// session/prompt: one chat turn, each delta sent as an agent_message_chunk the
// moment it arrives, ended by a stopReason; and the slash commands the agent
// advertises (/model, /auth, /clear, /stats), answered without the model.
#include <sstream>

#include "agent.hpp"
#include "prompt_text.hpp"
#include "rpc_error.hpp"

namespace acp {

namespace {

// The API's finish_reason in ACP's words.
std::string stop_reason_for(const std::string &finish_reason) {
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "content_filter") return "refusal";
  return "end_turn";
}

std::string trim(const std::string &s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

void Agent::prompt(const Queued &q) {
  const Incoming &m = q.message;
  const json &params = m.params.is_object() ? m.params : json::object();
  std::string error;
  auto session = session_param(params, &error);
  if (!session) throw RpcError(kInvalidParams, error);
  auto blocks = params.find("prompt");
  if (blocks == params.end()) throw RpcError(kInvalidParams, "Invalid params: prompt is required");
  PromptText text = prompt_text(*blocks);
  if (!text.error.empty()) throw RpcError(kInvalidParams, "Invalid params: " + text.error);
  if (!select(*session)) throw RpcError(kResourceNotFound, "Resource not found: no session " + *session);

  const std::string key = m.id.dump();
  if (!turns_.begin(*session, q.seq, key)) {
    writer_.write(make_result(m.id, json{{"stopReason", "cancelled"}}));
    return;
  }
  struct EndTurn {
    TurnControl &t;
    ~EndTurn() { t.end(); }
  } guard{turns_};

  if (slash_command(*session, text.text)) {
    writer_.write(make_result(m.id, json{{"stopReason", "end_turn"}}));
    return;
  }

  std::string finish_reason;
  const std::string sid = *session;
  qwen_status s = chat_(
      text.text,
      [&](const qwen_event &e) {
        if (turns_.cancelled()) return false;
        if (e.type == QWEN_EVENT_DELTA) {
          std::string_view delta = qwen::sdk::event_text(e);
          if (!delta.empty()) say(sid, std::string(delta));
        } else if (e.type == QWEN_EVENT_TURN_END && e.json != nullptr) {
          json end = json::parse(e.json, nullptr, false);
          if (end.is_object() && end.contains("finish_reason") && end["finish_reason"].is_string())
            finish_reason = end["finish_reason"].get<std::string>();
        }
        return !writer_.broken();
      },
      &error);
  const bool cancelled = turns_.end();
  if (turns_.finish(key)) {
    // $/cancel_request: the protocol-level answer, as the SDK's own agents give it.
    writer_.write(make_error(m.id, kRequestCancelled, "Request cancelled", json{{"requestId", m.id}}));
    return;
  }
  if (s == QWEN_OK && !cancelled) {
    writer_.write(make_result(m.id, json{{"stopReason", stop_reason_for(finish_reason)}}));
  } else if (s == QWEN_ERR_CANCELLED || cancelled) {
    writer_.write(make_result(m.id, json{{"stopReason", "cancelled"}}));
  } else {
    throw host_error(s, error);
  }
}

bool Agent::slash_command(const std::string &session, const std::string &raw) {
  const std::string text = trim(raw);
  if (text.size() < 2 || text[0] != '/') return false;
  std::string name = text.substr(1, text.find_first_of(" \t\n") - 1);
  std::string arg = text.size() > name.size() + 1 ? trim(text.substr(name.size() + 1)) : "";
  std::string error;
  std::ostringstream out;
  if (name == "model") {
    if (!arg.empty()) {
      qwen_status s = command_("model.set", arg, nullptr, &error);
      if (s != QWEN_OK) throw host_error(s, error);
      out << "This session now uses " << arg << ".";
      say(session, out.str());
      send_update(session, json{{"sessionUpdate", "config_option_update"}, {"configOptions", config_options()}});
      return true;
    }
    Pairs current, models;
    command_("model.get", "", &current, nullptr);
    auto model = first(current, "model");
    out << "Model: " << (model ? *model : "(none)");
    if (command_("models.list", "", &models, nullptr) == QWEN_OK && !models.empty()) {
      out << "\nAvailable:";
      for (const auto &m : models) out << "\n- " << m.name << (m.value.empty() ? "" : " — " + m.value);
    }
    out << "\nSwitch with /model NAME.";
  } else if (name == "auth") {
    if (!arg.empty()) {
      qwen_status s = command_("auth.select", arg, nullptr, &error);
      if (s != QWEN_OK && s != QWEN_ERR_AUTH_REQUIRED) throw host_error(s, error);
      out << "Sign-in method: " << arg << ".";
      error.clear();
      if (command_("auth.check", "", nullptr, &error) != QWEN_OK) out << " " << error;
    } else {
      Pairs list;
      qwen_status s = command_("auth.list", "", &list, &error);
      if (s != QWEN_OK) throw host_error(s, error);
      out << "Sign-in methods:";
      for (const auto &p : list) {
        // "display name\tselected?\tavailable?\tdescription"
        const std::string &fields = p.value;
        std::string display = fields.substr(0, fields.find('\t'));
        bool selected = fields.compare(display.size(), 9, "\tselected") == 0;
        out << "\n- " << p.name << (display.empty() ? "" : " (" + display + ")") << (selected ? " [selected]" : "");
      }
      out << "\nSwitch with /auth ID.";
    }
  } else if (name == "clear") {
    qwen_status s = command_("session.clear", "", nullptr, &error);
    if (s != QWEN_OK) throw host_error(s, error);
    out << "Conversation cleared.";
  } else if (name == "stats") {
    Pairs stats;
    qwen_status s = command_("session.stats", "", &stats, &error);
    if (s != QWEN_OK) throw host_error(s, error);
    out << "Session stats:";
    for (const auto &p : stats) out << "\n- " << p.name << ": " << p.value;
  } else {
    return false;  // not ours: the model reads it
  }
  say(session, out.str());
  return true;
}

}  // namespace acp
