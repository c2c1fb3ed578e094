#include "env_file_update.hpp"

#include <cctype>
#include <set>

namespace openai_key {
namespace {

bool is_bare_safe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:@+,=%~").find(c) != std::string::npos;
}

// The key a line assigns (`KEY=`, `export KEY=`, leading blanks allowed), or "" for anything else.
std::string assigned_key(const std::string &line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos) return {};
  if (line.compare(i, 7, "export ") == 0) i = line.find_first_not_of(" \t", i + 7);
  if (i == std::string::npos) return {};
  size_t end = i;
  while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) ++end;
  if (end == i) return {};
  size_t eq = line.find_first_not_of(" \t", end);
  return eq != std::string::npos && line[eq] == '=' ? line.substr(i, end - i) : std::string();
}

}  // namespace

std::optional<std::string> quote_env_value(const std::string &value) {
  if (value.find_first_of("\r\n") != std::string::npos) return std::nullopt;
  bool bare = !value.empty();
  for (char c : value) bare = bare && is_bare_safe(c);
  if (bare) return value;
  // Single quotes are literal in dotenv; double quotes only when the value itself holds a single quote.
  if (value.find('\'') == std::string::npos) return "'" + value + "'";
  if (value.find('"') == std::string::npos && value.find('\\') == std::string::npos) return "\"" + value + "\"";
  return std::nullopt;
}

std::optional<std::string> update_env_text(const std::string &existing, const EnvAssignments &assignments) {
  std::vector<std::pair<std::string, std::string>> lines;  // key, quoted value
  for (const auto &[key, value] : assignments) {
    auto quoted = quote_env_value(value);
    if (!quoted) return std::nullopt;
    lines.emplace_back(key, key + "=" + *quoted);
  }
  const std::string eol = existing.find("\r\n") != std::string::npos ? "\r\n" : "\n";

  std::string out;
  std::set<std::string> written;
  size_t pos = 0;
  while (pos < existing.size()) {
    size_t nl = existing.find('\n', pos);
    size_t next = nl == std::string::npos ? existing.size() : nl + 1;
    std::string line = existing.substr(pos, next - pos);
    std::string body = line;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    const std::string key = assigned_key(body);
    bool replaced = false;
    for (const auto &[k, text] : lines) {
      if (k != key) continue;
      replaced = true;
      if (written.insert(k).second) out += text + line.substr(body.size());
    }
    if (!replaced) out += line;
    pos = next;
  }
  for (const auto &[k, text] : lines) {
    if (written.count(k)) continue;
    if (!out.empty() && out.back() != '\n') out += eol;
    out += text + eol;
    written.insert(k);
  }
  return out;
}

}  // namespace openai_key
