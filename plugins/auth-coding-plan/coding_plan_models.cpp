#include "coding_plan_models.hpp"

namespace coding_plan {

const std::vector<Region> &regions() {
  static const std::vector<Region> r = {
      {"china", "China (Beijing)", kChinaBaseUrl},
      {"global", "Singapore (International)", kGlobalBaseUrl},
  };
  return r;
}

const Region *region_of(const std::string &base_url) {
  for (const auto &r : regions())
    if (base_url == r.base_url) return &r;
  return nullptr;
}

// Qwen Code's MODELSTUDIO_MODELS (0.15.10: nine; 0.24.4 adds qwen3.7-plus after qwen3.6-plus, without images,
// and the reasoning capability; checked against what 0.24.4 wrote: tests/fixtures/qwen-code).
const std::vector<Model> &models() {
  static const std::vector<Model> m = {
      {"qwen3.5-plus", "Qwen3.5 Plus: thinking, images and video, 1M context", 1000000, true, true, nullptr, true},
      {"qwen3.6-plus", "Qwen3.6 Plus: thinking, images and video, 1M context (Pro subscribers only)", 1000000, true,
       true, "Currently available to Pro subscribers only.", true},
      {"qwen3.7-plus", "Qwen3.7 Plus: thinking, 1M context", 1000000, true, false, nullptr, true},
      {"glm-5", "GLM-5 (Zhipu): thinking, 200K context", 202752, true, false, nullptr, false},
      {"kimi-k2.5", "Kimi K2.5 (Moonshot): thinking, images and video, 256K context", 262144, true, true, nullptr, true},
      {"MiniMax-M2.5", "MiniMax M2.5: thinking, 192K context", 196608, true, false, nullptr, false},
      {"qwen3-coder-plus", "Qwen3 Coder Plus: coding, no thinking, 1M context", 1000000, false, false, nullptr, false},
      {"qwen3-coder-next", "Qwen3 Coder Next: coding, no thinking, 256K context", 262144, false, false, nullptr, false},
      {"qwen3-max-2026-01-23", "Qwen3 Max (2026-01-23): thinking, 256K context", 262144, true, false, nullptr, true},
      {"glm-4.7", "GLM-4.7 (Zhipu): thinking, 200K context", 202752, true, false, nullptr, false},
  };
  return m;
}

const Model *find_model(const std::string &id) {
  for (const auto &m : models())
    if (id == m.id) return &m;
  return nullptr;
}

std::optional<std::string> key_shape_problem(const std::string &key) {
  if (key.rfind(kKeyPrefix, 0) == 0 && key.size() > std::string(kKeyPrefix).size()) return std::nullopt;
  return std::string("Invalid API key. Coding Plan API keys start with \"") + kKeyPrefix + "\". Please check.";
}

std::string choose_model(const std::optional<std::string> &host_model, const std::optional<std::string> &settings_model) {
  if (host_model && !host_model->empty()) return *host_model;
  if (settings_model && find_model(*settings_model)) return *settings_model;
  return kDefaultModel;
}

std::optional<std::string> body_for_model(const std::string &model) {
  const Model *m = find_model(model);
  if (!m || !m->thinking) return std::nullopt;
  return std::string(R"({"enable_thinking":true})");
}

}  // namespace coding_plan
