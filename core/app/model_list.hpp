// model_list.hpp — the models a sign-in method offers (`qwen models`, /model,
// an editor's model choice): the plugin's own list (plugin.h list_models), or
// the provider's GET <base_url>/models read with the plugin's credentials when
// it says the API has one (QWEN_AUTH_METHOD_MODELS_FROM_API).
#pragma once

#include <qwen/plugin.h>

#include <string>
#include <string_view>
#include <vector>

#include "chat/chat_session.hpp"
#include "config/config.hpp"
#include "plugin_host/loaded_plugin.hpp"

namespace qwen::app {

struct ModelEntry {
  std::string id;
  std::string description;
};

struct ModelListResult {
  qwen_status status = QWEN_OK;
  std::string error;  // one line, when status != QWEN_OK
  std::vector<ModelEntry> models;
  std::string source;  // "the plugin" or the URL that was read
};

ModelListResult list_models(const plugin_host::LoadedPlugin &plugin, chat::CredentialSource &credentials,
                            const config::NetworkSettings &network);

// An OpenAI-shaped `{"data":[{"id":...}, ...]}` answer, sorted by id; a server's answer is a stranger's: ids
// that are empty, too long or hold control characters are dropped, and the list is bounded. Throws
// std::runtime_error with a one-line reason when the body is not such an answer.
std::vector<ModelEntry> parse_models_answer(std::string_view body);

}  // namespace qwen::app
