#include "config/config_writer.hpp"

#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace qwen::config {
namespace {

constexpr size_t kMaxConfigBytes = 1u << 20;  // as when config.toml is read

}  // namespace

void set_top_level_string(const std::filesystem::path &file, const std::string &key, const std::string &value) {
  std::string text;
  try {
    // A regular file only (a FIFO would hang the read); the policy for links is replace_user_file's, below.
    text = qwen::sdk::read_regular_file(file.string(), kMaxConfigBytes).value_or("");
  } catch (const qwen::sdk::Error &e) {
    throw std::runtime_error(std::string(e.what()) + "; not changing it");
  }
  toml::table original;
  try {
    original = toml::parse(text);
  } catch (const toml::parse_error &) {
    throw std::runtime_error(file.string() + " has a syntax error; not changing it");
  }
  // A TOML basic string and a JSON string escape the same way for what we write.
  std::string line = key + " = " + nlohmann::json(value).dump();
  std::istringstream lines(text);
  std::vector<std::string> out;
  std::string l;
  const std::regex key_line("^\\s*" + key + "\\s*=.*$");
  const std::regex table_header("^\\s*\\[.*$");
  bool done = false;
  bool in_root = true;
  while (std::getline(lines, l)) {
    // Matched without the CR of a CRLF line end (std::regex's `.` stops at a CR).
    const std::string bare = !l.empty() && l.back() == '\r' ? l.substr(0, l.size() - 1) : l;
    if (in_root && std::regex_match(bare, table_header)) {
      if (!done) {
        out.push_back(line);
        done = true;
      }
      in_root = false;
    }
    if (in_root && !done && std::regex_match(bare, key_line)) {
      out.push_back(line);
      done = true;
      continue;
    }
    out.push_back(l);
  }
  if (!done) out.push_back(line);
  std::string result;
  for (const auto &o : out) result += o + "\n";
  toml::table updated;
  try {
    updated = toml::parse(result);
  } catch (const toml::parse_error &) {
    throw std::runtime_error("cannot add " + key + " to " + file.string() + " without breaking it; not changing it");
  }
  // The line edit only knows lines: a multi-line string holding "key = ..." or "[..." would be edited
  // instead of the setting. Write only when the key is set and nothing else changed.
  const auto *written = updated.get_as<std::string>(key);
  const bool key_set = written && written->get() == value;
  original.erase(key);
  updated.erase(key);
  if (!key_set || updated != original)
    throw std::runtime_error("cannot set " + key + " in " + file.string() +
                             " without changing other settings (a multi-line string?); not changing it");
  try {
    // Atomic, the file's own mode kept (a 0600 file stays 0600 whatever the umask; a new one is 0600), and
    // never through a symbolic link: a link into the user's dotfiles is refused, not replaced or followed.
    qwen::sdk::replace_user_file(file.string(), result, 0600);
  } catch (const qwen::sdk::Error &e) {
    if (qwen::sdk::is_symbolic_link(file.string()))
      throw std::runtime_error(std::string(e.what()) + " (add the line " + line + ")");
    throw;
  }
}

}  // namespace qwen::config
