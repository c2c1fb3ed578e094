#include "config/env_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "config/dotenv.hpp"

namespace qwen::config {
namespace {

constexpr uintmax_t kMaxEnvFileBytes = 1u << 20;  // a larger ".env" is not a settings file

bool is_file(const std::filesystem::path &p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

}  // namespace

std::optional<std::filesystem::path> find_env_file(const std::filesystem::path &start_dir,
                                                   const std::filesystem::path &home_dir) {
  std::filesystem::path dir = start_dir;
  while (true) {
    for (const auto &candidate : {dir / ".qwen" / ".env", dir / ".env"})
      if (is_file(candidate)) return candidate;
    if (dir == dir.root_path() || dir.empty() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  for (const auto &candidate : {home_dir / ".qwen" / ".env", home_dir / ".env"})
    if (is_file(candidate)) return candidate;
  return std::nullopt;
}

Environment process_environment() {
  return {[](const std::string &key) -> std::optional<std::string> {
            const char *v = std::getenv(key.c_str());
            return v ? std::optional<std::string>(v) : std::nullopt;
          },
          [](const std::string &key, const std::string &value) { setenv(key.c_str(), value.c_str(), 1); }};
}

EnvFileLoad load_env_file(const std::filesystem::path &start_dir, const std::filesystem::path &home_dir,
                          const std::vector<std::string> &excluded_keys, const Environment &env) {
  EnvFileLoad load;
  load.file = find_env_file(start_dir, home_dir);
  if (!load.file) return load;
  const std::string name = load.file->string();
  // The first file found is the user's choice even when unreadable: say so and load nothing,
  // rather than quietly taking another file's values.
  std::error_code ec;
  if (std::filesystem::file_size(*load.file, ec) > kMaxEnvFileBytes && !ec) {
    load.warnings.push_back(name + ": larger than 1 MiB; not loaded");
    return load;
  }
  std::ifstream in(*load.file, std::ios::binary);
  if (!in) {
    load.warnings.push_back(name + ": cannot be read (" + std::strerror(errno) + "); not loaded");
    return load;
  }
  std::ostringstream text;
  text << in.rdbuf();
  DotenvParse parsed = parse_dotenv(text.str());
  for (const auto &w : parsed.warnings) load.warnings.push_back(name + ":" + std::to_string(w.line) + ": " + w.message);

  // A repeated key: the last value wins, as in dotenv.
  std::vector<std::string> order;
  std::map<std::string, std::string> values;
  for (const auto &e : parsed.entries) {
    if (!values.count(e.key)) order.push_back(e.key);
    values[e.key] = e.value;
  }
  const bool qwen_specific = load.file->parent_path().filename() == ".qwen";
  for (const auto &key : order) {
    bool excluded = std::find(excluded_keys.begin(), excluded_keys.end(), key) != excluded_keys.end();
    if (excluded && !qwen_specific) {
      load.excluded.push_back(key);
    } else if (env.get(key)) {
      load.kept.push_back(key);
    } else {
      env.set(key, values[key]);
      load.applied.push_back(key);
    }
  }
  return load;
}

}  // namespace qwen::config
