// conversations.hpp — the conversations of one run. A terminal has one; an
// editor (the ACP front-end) opens several, each with its own history, model
// and counters (plugin.h: session.new / session.select / session.close).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "chat/chat_session.hpp"
#include "config/config.hpp"

namespace qwen::app {

class Conversations {
 public:
  struct Defaults {
    config::NetworkSettings network;
    std::function<bool()> cancelled;
    std::function<bool(long)> wait;
    std::optional<std::string> model;           // -m
    std::optional<std::string> fallback_model;  // config.toml's model
  };

  explicit Conversations(Defaults defaults);

  chat::ChatSession &current() { return *sessions_.at(current_); }
  const chat::ChatSession &current() const { return *sessions_.at(current_); }
  const std::string &current_id() const { return current_; }

  // A new conversation, made current; nullopt when kMaxConversations are open.
  std::optional<std::string> create();
  bool select(const std::string &id);
  enum class Closed { Yes, Unknown, IsCurrent };
  Closed close(const std::string &id);

  // An editor that never closes what it opens must not grow the process without bound.
  static constexpr size_t kMaxConversations = 256;

 private:
  std::unique_ptr<chat::ChatSession> make() const;

  Defaults defaults_;
  std::map<std::string, std::unique_ptr<chat::ChatSession>> sessions_;
  std::string current_;
  unsigned long next_id_ = 1;
};

}  // namespace qwen::app
