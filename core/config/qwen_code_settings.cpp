#include "config/qwen_code_settings.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

namespace qwen::config {

std::optional<std::string> qwen_code_selected_auth(const std::filesystem::path &settings_file) {
  std::ifstream in(settings_file);
  if (!in) return std::nullopt;
  // Qwen Code's settings.json allows comments.
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false, true);
  if (!j.is_object()) return std::nullopt;
  const nlohmann::json *node = &j;
  for (const char *part : {"security", "auth", "selectedType"}) {
    if (!node->is_object() || !node->contains(part)) {
      node = nullptr;
      break;
    }
    node = &(*node)[part];
  }
  if (node && node->is_string()) return node->get<std::string>();
  if (j.contains("selectedAuthType") && j["selectedAuthType"].is_string())
    return j["selectedAuthType"].get<std::string>();
  return std::nullopt;
}

}  // namespace qwen::config
