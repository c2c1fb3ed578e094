#include "settings_merge.hpp"

#include <openssl/sha.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "coding_plan_models.hpp"

namespace coding_plan {
namespace {

using Json = nlohmann::ordered_json;  // Qwen Code's key order, and the user's, are kept

// Qwen Code's modelNamePrefix: the Singapore URL is "for Global/Intl", anything else the China name.
std::string name_prefix(const std::string &base_url) {
  return base_url == kGlobalBaseUrl ? "[ModelStudio Coding Plan for Global/Intl] " : "[ModelStudio Coding Plan] ";
}

// Qwen Code's buildGenerationConfig: extra_body, then contextWindowSize, then modalities.
Json generation_config(const Model &m) {
  Json g = Json::object();
  if (m.thinking) g["extra_body"] = Json{{"enable_thinking", true}};
  g["contextWindowSize"] = m.context_window;
  if (m.image_and_video) g["modalities"] = Json{{"image", true}, {"video", true}};
  return g;
}

Json plan_entries(const std::string &base_url) {
  Json list = Json::array();
  for (const auto &m : models()) {
    Json e = Json::object();
    e["id"] = m.id;
    e["name"] = name_prefix(base_url) + m.id;
    if (m.qwen_code_description) e["description"] = m.qwen_code_description;
    if (m.reasoning_toggle)
      e["capabilities"] = Json{{"reasoning", {{"thinking", true}, {"toggleOnly", true}, {"disableField", "enable_thinking"}}}};
    e["baseUrl"] = base_url;
    e["envKey"] = kEnvKey;
    e["generationConfig"] = generation_config(m);
    list.push_back(std::move(e));
  }
  return list;
}

bool owned(const Json &e, const std::string &chosen) {
  if (!e.is_object()) return false;
  auto key = e.find("envKey");
  auto url = e.find("baseUrl");
  if (key == e.end() || !key->is_string() || *key != kEnvKey) return false;
  if (url == e.end() || !url->is_string()) return false;
  const std::string u = url->get<std::string>();
  return u == kChinaBaseUrl || u == kGlobalBaseUrl || u == chosen;
}

const char *type_words(const Json &j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "a list";
    case Json::value_t::object: return "an object";
    default: return "a number";
  }
}

}  // namespace

std::string plan_entries_json(const std::string &base_url) { return plan_entries(base_url).dump(); }

std::string model_list_version(const std::string &base_url) {
  const std::string text = plan_entries_json(base_url);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest);
  std::string hex;
  char two[3];
  for (unsigned char b : digest) {
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

bool is_owned_entry(const std::string &entry_json, const std::string &chosen_base_url) {
  Json e = Json::parse(entry_json, nullptr, false);
  return !e.is_discarded() && owned(e, chosen_base_url);
}

MergeResult merge_owned_entries(const std::optional<std::string> &existing, const std::string &base_url) {
  Json old = Json::array();
  if (existing) {
    old = Json::parse(*existing, nullptr, false);
    if (old.is_discarded()) return {"", "modelProviders.openai in settings.json could not be read as JSON"};
    if (!old.is_array())
      return {"", std::string("modelProviders.openai in settings.json is ") + type_words(old) +
                      ", not a list of models; qwen does not replace it"};
    for (size_t i = 0; i < old.size(); ++i)
      if (!old[i].is_object())
        return {"", "entry " + std::to_string(i + 1) + " of modelProviders.openai in settings.json is " +
                        type_words(old[i]) + ", not a model; qwen does not edit a list it cannot read"};
  }
  Json merged = plan_entries(base_url);
  for (const auto &e : old)
    if (!owned(e, base_url)) merged.push_back(e);
  return {merged.dump(), ""};
}

std::optional<std::string> settings_shape_problem(const std::string &settings_json) {
  Json s = Json::parse(settings_json, nullptr, false);
  if (s.is_discarded()) return std::string("settings.json could not be read as JSON");
  if (!s.is_object()) return std::string("settings.json holds ") + type_words(s) + ", not an object";
  for (const char *member : {"modelProviders", "security", "model", "providerMetadata", "env"}) {
    auto it = s.find(member);
    if (it != s.end() && !it->is_object())
      return std::string(member) + " in settings.json is " + type_words(*it) + ", not an object";
  }
  if (auto sec = s.find("security"); sec != s.end()) {
    auto auth = sec->find("auth");
    if (auth != sec->end() && !auth->is_object())
      return std::string("security.auth in settings.json is ") + type_words(*auth) + ", not an object";
  }
  if (auto mp = s.find("modelProviders"); mp != s.end()) {
    if (auto openai = mp->find("openai"); openai != mp->end()) {
      auto r = merge_owned_entries(openai->dump(), kChinaBaseUrl);
      if (!r.problem.empty()) return r.problem;
    }
  }
  return std::nullopt;
}

}  // namespace coding_plan
