#include "app/conversations.hpp"

namespace qwen::app {

Conversations::Conversations(Defaults defaults) : defaults_(std::move(defaults)) {
  current_ = *create();  // "1": the conversation that exists at start (plugin.h)
}

std::unique_ptr<chat::ChatSession> Conversations::make() const {
  auto s = std::make_unique<chat::ChatSession>(defaults_.network, defaults_.cancelled, defaults_.wait);
  if (defaults_.model) s->set_model(*defaults_.model);
  if (defaults_.fallback_model) s->set_fallback_model(*defaults_.fallback_model);
  return s;
}

std::optional<std::string> Conversations::create() {
  if (sessions_.size() >= kMaxConversations) return std::nullopt;
  const std::string id = std::to_string(next_id_++);
  sessions_.emplace(id, make());
  current_ = id;
  return id;
}

bool Conversations::select(const std::string &id) {
  if (sessions_.find(id) == sessions_.end()) return false;
  current_ = id;
  return true;
}

Conversations::Closed Conversations::close(const std::string &id) {
  if (id == current_) return Closed::IsCurrent;
  return sessions_.erase(id) ? Closed::Yes : Closed::Unknown;
}

}  // namespace qwen::app
