#include "config/env_files.hpp"

#include <qwen/sdk/safe_file.hpp>

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

constexpr size_t kMaxEnvFileBytes = 1u << 20;  // a larger ".env" is not a settings file

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
                          const std::vector<std::string> &excluded_keys, const Environment &env,
                          const EnvVeto &vetoed) {
  EnvFileLoad load;
  load.file = find_env_file(start_dir, home_dir);
  if (!load.file) return load;
  const std::string name = load.file->string();
  // The first file found is the user's choice even when unreadable: say so and load nothing,
  // rather than quietly taking another file's values.
  // Read as a regular file only: a FIFO or a directory swapped in since it was found must not hang or abort.
  std::string text;
  try {
    auto read = sdk::read_regular_file(name, kMaxEnvFileBytes);
    if (!read) {  // gone since it was found
      load.file.reset();
      return load;
    }
    text = std::move(*read);
  } catch (const sdk::Error &e) {
    load.warnings.push_back(std::string(e.what()) + "; not loaded");
    return load;
  }
  DotenvParse parsed = parse_dotenv(text);
  for (const auto &w : parsed.warnings) load.warnings.push_back(name + ":" + std::to_string(w.line) + ": " + w.message);

  // A repeated key: the last value wins, as in dotenv.
  std::vector<std::string> order;
  std::map<std::string, std::string> values;
  for (const auto &e : parsed.entries) {
    if (!values.count(e.key)) order.push_back(e.key);
    values[e.key] = e.value;
  }
  // The seed excludes the listed variables from a project's .env only: not from a .qwen/.env (the place for
  // qwen's own variables) and not from the user's ~/.env.
  std::error_code canon_ec;
  const bool home_level = std::filesystem::weakly_canonical(load.file->parent_path(), canon_ec) ==
                          std::filesystem::weakly_canonical(home_dir, canon_ec);
  const bool qwen_specific = load.file->parent_path().filename() == ".qwen" || home_level;
  for (const auto &key : order) {
    bool excluded = std::find(excluded_keys.begin(), excluded_keys.end(), key) != excluded_keys.end();
    if (vetoed && vetoed(*load.file, key)) {
      load.withheld.push_back(key);
    } else if (excluded && !qwen_specific) {
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
