// coding_plan_models.hpp — what Alibaba Cloud's Coding Plan is, as Qwen Code
// 0.24.4 knows it: the two regions' base URLs, the ten models with their
// per-model settings, the key's shape, and which model and request-body fields
// a turn uses. Pure data and functions; no host, no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace coding_plan {

inline constexpr const char *kEnvKey = "BAILIAN_CODING_PLAN_API_KEY";
inline constexpr const char *kChinaBaseUrl = "https://coding.dashscope.aliyuncs.com/v1";
inline constexpr const char *kGlobalBaseUrl = "https://coding-intl.dashscope.aliyuncs.com/v1";
inline constexpr const char *kDefaultModel = "qwen3.5-plus";
inline constexpr const char *kKeyPrefix = "sk-sp-";

struct Region {
  const char *id;     // the choice's id: "china", "global"
  const char *label;  // Qwen Code's words: "China (Beijing)"
  const char *base_url;
};

// China first: Qwen Code's default region.
const std::vector<Region> &regions();
// The region whose base URL is exactly `base_url`, or nullptr (a custom endpoint).
const Region *region_of(const std::string &base_url);

struct Model {
  const char *id;
  const char *description;  // one line, for `qwen models` and /model
  long context_window;      // generationConfig.contextWindowSize
  bool thinking;            // generationConfig.extra_body.enable_thinking
  bool image_and_video;     // generationConfig.modalities {image, video}
  const char *qwen_code_description;  // the "description" Qwen Code writes into the entry, or nullptr
  bool reasoning_toggle;    // 0.24.4's capabilities.reasoning {thinking, toggleOnly, disableField}
};

// The ten models, in Qwen Code's order.
const std::vector<Model> &models();
const Model *find_model(const std::string &id);

// Qwen Code's words when a key does not have the Coding Plan shape, or nullopt when it does.
std::optional<std::string> key_shape_problem(const std::string &key);

// The model a turn uses: the host's choice (-m, /model) first, then Qwen Code's model.name when it is one of
// the plan's models (a model.name left from another provider would not be served here), else qwen3.5-plus.
std::string choose_model(const std::optional<std::string> &host_model, const std::optional<std::string> &settings_model);

// The JSON object a turn adds to the request body ({"enable_thinking":true}), or nullopt for a model
// that has none (qwen3-coder-plus, qwen3-coder-next, a model the plan does not list).
std::optional<std::string> body_for_model(const std::string &model);

}  // namespace coding_plan
