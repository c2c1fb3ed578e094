// chat_session.hpp — the conversation the host owns (messages, model,
// counters) and the sending of one turn to an OpenAI-compatible
// /chat/completions endpoint, with the error policy:
//   401/403 -> the auth plugin refreshes once, then the turn fails (auth_rejected)
//   429     -> bounded retries honouring Retry-After, then rate_limited
//   5xx, connection failures before any text -> bounded retries with backoff
//   a stream cut after text arrived -> the text stays, the error is reported
#pragma once

#include <qwen/plugin.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/events.hpp"
#include "config/config.hpp"

namespace qwen::chat {

struct Credentials {
  std::string base_url;
  std::string token;
  std::string model;
  std::vector<std::string> headers;  // "Name: value"
  // Members added to the request body (plugin.h 1.3 "body": Coding Plan's enable_thinking, extra_body).
  nlohmann::json body_fields = nlohmann::json::object();
};

// What the session needs from the selected auth method.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // flags: QWEN_AUTH_FLAG_*. On failure returns the status and sets `error`.
  virtual qwen_status credentials(uint32_t flags, Credentials &out, std::string &error) = 0;
  // After each answer; may return a better message for a refused request.
  virtual std::optional<std::string> on_api_response(int http_status, const std::string &retry_after) = 0;
  // Whether that message stands in for the host's own words (a plugin built for ABI 1.2: the whole 429
  // text, the advice after a 401/403) rather than for the server's message inside them.
  virtual bool plugin_text_replaces_host_text() const { return false; }
  virtual std::string id() const = 0;
};

struct SessionStats {
  long turns = 0;
  long requests = 0;  // HTTP requests, retries included
  long prompt_tokens = 0;
  long completion_tokens = 0;
  long total_tokens = 0;
};

class ChatSession {
 public:
  struct Message {
    std::string role;
    std::string content;
  };

  ChatSession(config::NetworkSettings network, std::function<bool()> cancelled, std::function<bool(long ms)> wait);

  // A model chosen by the user (-m, /model); empty = the credentials' model.
  void set_model(std::string model) { model_ = std::move(model); }
  const std::string &model() const { return model_; }
  // The model used when neither the user nor the credentials name one.
  void set_fallback_model(std::string model) { fallback_model_ = std::move(model); }
  void clear() { history_.clear(); }
  const std::vector<Message> &history() const { return history_; }
  const SessionStats &stats() const { return stats_; }

  // Sends `user_text`, streaming events to `on_event`. On success the turn is
  // added to the history; on failure the history is unchanged.
  qwen_status send(const std::string &user_text, CredentialSource &auth, const EventHandler &on_event,
                   std::string &error);

 private:
  config::NetworkSettings network_;
  std::function<bool()> cancelled_;
  std::function<bool(long)> wait_;
  std::string model_;
  std::string fallback_model_ = "qwen3-coder-plus";
  std::vector<Message> history_;
  SessionStats stats_;
};

}  // namespace qwen::chat
