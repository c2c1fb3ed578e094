#include "config/qwen_code_settings.hpp"

#include <sys/stat.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <qwen/sdk/safe_file.hpp>

namespace qwen::config {
namespace {

constexpr size_t kMaxSettingsBytes = 1 << 20;  // a larger settings.json is not a settings file

// Line and column (1-based, counted in characters) of the byte at `offset`.
std::pair<size_t, size_t> line_column(const std::string &text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // not a UTF-8 continuation byte: a new character
    }
  }
  return {line, column};
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix and without
// the "last read: '...'" excerpt of the file.
std::string parser_words(const std::string &what) {
  std::string s = what;
  if (auto col = s.find("column "); col != std::string::npos)
    if (auto colon = s.find(": ", col); colon != std::string::npos) s = s.substr(colon + 2);
  if (auto last = s.find("; last read: "); last != std::string::npos) {
    auto expected = s.rfind("; expected ");
    s = s.substr(0, last) + (expected != std::string::npos && expected > last ? s.substr(expected) : "");
  }
  return s;
}

}  // namespace

const nlohmann::json *at_path(const nlohmann::json &j, std::initializer_list<const char *> path) {
  const nlohmann::json *node = &j;
  for (const char *part : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

bool is_shared_auth_method(const std::string &id) {
  return id == "qwen-oauth" || id == "openai";
}

std::vector<std::string> project_env_exclusions(const std::optional<std::vector<std::string>> &qwen_list,
                                                const std::optional<std::vector<std::string>> &qwen_code_list) {
  if (!qwen_list && !qwen_code_list) return {"DEBUG", "DEBUG_MODE"};
  std::vector<std::string> out;
  for (const auto *list : {&qwen_list, &qwen_code_list})
    if (*list)
      for (const auto &name : **list)
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  return out;
}

SettingsText read_settings_text(const std::filesystem::path &file, bool follow_links) {
  SettingsText out;
  const std::string name = file.string();
  struct stat st {};
  out.is_link = !follow_links && ::lstat(name.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
  try {
    auto text = sdk::read_regular_file(name, kMaxSettingsBytes, follow_links ? sdk::Links::Follow : sdk::Links::Refuse);
    if (text)
      out.text = std::move(*text);
    else
      out.missing = true;
  } catch (const std::exception &e) {
    out.error = e.what();  // names the file and what is there: a FIFO, a folder, a link, its real size
  }
  return out;
}

std::optional<std::string> settings_syntax_error(const std::filesystem::path &file, const std::string &text) {
  try {
    const auto parsed = nlohmann::json::parse(text, nullptr, true, true);
    return std::nullopt;
  } catch (const nlohmann::json::parse_error &e) {
    // `byte` is one past the character the parser stopped at.
    auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": not valid JSON (" +
           parser_words(e.what()) + ")";
  } catch (const std::exception &e) {
    return file.string() + ": not valid JSON";
  }
}

QwenCodeSettings read_qwen_code_settings(const std::filesystem::path &file, const SettingsReadOptions &options) {
  QwenCodeSettings s;
  s.file = file;
  SettingsText t = read_settings_text(file, options.follow_links);
  if (t.missing) return s;
  s.exists = true;
  if (t.error) {
    s.error = *t.error + "; its settings are ignored";
    return s;
  }
  if (auto syntax = settings_syntax_error(file, t.text)) {
    s.error = *syntax + "; its settings are ignored";
    return s;
  }
  nlohmann::json j = nlohmann::json::parse(t.text, nullptr, false, true);
  if (!j.is_object()) {
    s.error = file.string() + ": not a JSON object; its settings are ignored";
    return s;
  }
  const nlohmann::json *selected = at_path(j, {"security", "auth", "selectedType"});
  if (!selected) selected = at_path(j, {"selectedAuthType"});  // the v1 layout, before Qwen Code migrates it
  if (selected && selected->is_string())
    s.selected_auth = selected->get<std::string>();
  else if (selected && !selected->is_null())
    s.selected_auth_not_text = true;
  const nlohmann::json *enforced = at_path(j, {"security", "auth", "enforcedType"});
  if (!enforced) enforced = at_path(j, {"enforcedAuthType"});  // v1
  if (enforced && enforced->is_string() && !enforced->get<std::string>().empty())
    s.enforced_auth = enforced->get<std::string>();
  const nlohmann::json *excluded = at_path(j, {"advanced", "excludedEnvVars"});
  if (!excluded) excluded = at_path(j, {"excludedProjectEnvVars"});
  if (excluded && excluded->is_array()) {
    std::vector<std::string> names;
    for (const auto &item : *excluded)
      if (item.is_string()) names.push_back(item.get<std::string>());
    s.excluded_env_vars = std::move(names);
  }
  s.root = std::move(j);
  return s;
}

std::optional<std::filesystem::path> workspace_settings_file(const std::filesystem::path &cwd,
                                                             const std::filesystem::path &qwen_home,
                                                             const std::filesystem::path &user_home) {
  if (cwd.empty()) return std::nullopt;
  std::error_code ec;
  const auto real_cwd = std::filesystem::weakly_canonical(cwd, ec);
  if (real_cwd == std::filesystem::weakly_canonical(user_home, ec)) return std::nullopt;
  const auto dir = real_cwd / ".qwen";
  if (std::filesystem::weakly_canonical(dir, ec) == std::filesystem::weakly_canonical(qwen_home, ec))
    return std::nullopt;
  return cwd / ".qwen" / "settings.json";
}

}  // namespace qwen::config
