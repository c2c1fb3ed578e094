#include "config/provider_settings.hpp"

#include <cctype>

namespace qwen::config {
namespace {

bool is_name_char(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) || (!first && std::isdigit(static_cast<unsigned char>(c)));
}

bool is_env_name(const std::string &name) {
  if (name.empty() || name.size() > 256) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!is_name_char(name[i], i == 0)) return false;
  return true;
}

std::string expand(const std::string &text, const Getenv &getenv) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    size_t name_begin = i + 1, name_end = name_begin, resume = 0;
    if (name_begin < text.size() && text[name_begin] == '{') {
      auto close = text.find('}', name_begin + 1);
      if (close == std::string::npos || close == name_begin + 1) {
        out += text[i++];
        continue;
      }
      ++name_begin;
      name_end = close;
      resume = close + 1;
    } else {
      while (name_end < text.size() && is_name_char(text[name_end], false)) ++name_end;
      resume = name_end;
    }
    const std::string name = text.substr(name_begin, name_end - name_begin);
    auto value = name.empty() || !getenv ? std::nullopt : getenv(name);
    out += value ? *value : text.substr(i, resume - i);
    i = resume;
  }
  return out;
}

// One file's contribution, over what is already in `out`.
void layer(ProviderSettings &out, const QwenCodeSettings &file, const std::function<bool(const std::string &)> &vetoed) {
  if (!file.root.is_object()) return;
  const std::string name = file.file.string();
  auto allowed = [&](const std::string &key) { return !vetoed || !vetoed(key); };
  auto text = [&](std::initializer_list<const char *> path, const std::string &key, std::optional<std::string> &into) {
    const nlohmann::json *v = at_path(file.root, path);
    if (!v || v->is_null() || !allowed(key)) return;
    if (v->is_string()) {
      if (!v->get<std::string>().empty()) into = v->get<std::string>();  // 0.24.4 writes "baseUrl": "" for none
    }
    else
      out.warnings.push_back(name + ": " + key + " is not a string; it is ignored");
  };
  text({"model", "name"}, "model.name", out.model_name);
  text({"model", "baseUrl"}, "model.baseUrl", out.model_base_url);
  text({"security", "auth", "apiKey"}, "security.auth.apiKey", out.auth_api_key);
  text({"security", "auth", "baseUrl"}, "security.auth.baseUrl", out.auth_base_url);
  if (const auto *g = at_path(file.root, {"model", "generationConfig"}); g && !g->is_null() && allowed("model.generationConfig")) {
    if (g->is_object())
      out.generation_config = *g;
    else
      out.warnings.push_back(name + ": model.generationConfig is not an object; it is ignored");
  }
  if (const auto *mp = at_path(file.root, {"modelProviders"}); mp && !mp->is_null() && allowed("modelProviders")) {
    if (mp->is_object()) {
      out.model_providers = *mp;  // replaced whole, as Qwen Code merges this key across files
      out.providers_file = file.file;
      for (const auto &[type, entries] : mp->items())
        if (!entries.is_array())
          out.warnings.push_back(name + ": modelProviders." + type + " is not a list; it is ignored");
    } else {
      out.warnings.push_back(name + ": modelProviders is not an object; it is ignored");
    }
  }
  if (const auto *env = at_path(file.root, {"env"}); env && !env->is_null()) {
    if (!env->is_object()) {
      out.warnings.push_back(name + ": env is not an object; it is ignored");
      return;
    }
    for (const auto &[key, value] : env->items()) {
      if (!is_env_name(key) || !allowed("env." + key)) continue;
      std::string v;
      if (value.is_string())
        v = value.get<std::string>();
      else if (value.is_number() || value.is_boolean())
        v = value.dump();
      else
        continue;
      if (v.find('\0') != std::string::npos) continue;
      out.env[key] = v;
      out.env_files[key] = file.file;
    }
  }
}

}  // namespace

void expand_env_references(nlohmann::json &value, const Getenv &getenv) {
  if (value.is_string()) {
    value = expand(value.get<std::string>(), getenv);
  } else if (value.is_structured()) {
    for (auto &item : value) expand_env_references(item, getenv);
  }
}

ProviderSettings layer_provider_settings(const QwenCodeSettings &user, const QwenCodeSettings *workspace,
                                         const std::function<bool(const std::string &)> &workspace_vetoed,
                                         const Getenv &getenv) {
  ProviderSettings out;
  layer(out, user, {});
  if (workspace) layer(out, *workspace, workspace_vetoed);
  auto expand_opt = [&](std::optional<std::string> &v) {
    if (v) *v = expand(*v, getenv);
  };
  for (auto *v : {&out.model_name, &out.model_base_url, &out.auth_api_key, &out.auth_base_url}) expand_opt(*v);
  expand_env_references(out.model_providers, getenv);
  expand_env_references(out.generation_config, getenv);
  for (auto &[key, value] : out.env) value = expand(value, getenv);
  return out;
}

std::vector<std::string> apply_settings_env(const ProviderSettings &settings, const Environment &env) {
  std::vector<std::string> applied;
  for (const auto &[key, value] : settings.env) {
    if (key == "QWEN_HOME" || key == "QWEN_RUNTIME_DIR") continue;
    if (env.get && env.get(key)) continue;
    if (env.set) env.set(key, value);
    applied.push_back(key);
  }
  return applied;
}

nlohmann::json provider_entries(const ProviderSettings &settings, const std::string &auth_id) {
  nlohmann::json out = nlohmann::json::array();
  auto it = settings.model_providers.find(auth_id);
  if (it == settings.model_providers.end() || !it->is_array()) return out;
  for (const auto &entry : *it)
    if (entry.is_object() && entry.contains("id") && entry["id"].is_string() && !entry["id"].get<std::string>().empty())
      out.push_back(entry);
  return out;
}

std::optional<nlohmann::json> provider_entry(const ProviderSettings &settings, const std::string &auth_id,
                                             const std::string &model) {
  if (model.empty()) return std::nullopt;
  std::optional<nlohmann::json> first;
  for (const auto &entry : provider_entries(settings, auth_id)) {
    if (entry["id"].get<std::string>() != model) continue;
    if (!settings.model_base_url) return entry;
    const auto base = entry.find("baseUrl");
    if (base != entry.end() && base->is_string() && *base == *settings.model_base_url) return entry;
    if (!first) first = entry;
  }
  return first;
}

}  // namespace qwen::config
