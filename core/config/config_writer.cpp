#include "config/config_writer.hpp"

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace qwen::config {

void set_top_level_string(const std::filesystem::path &file, const std::string &key, const std::string &value) {
  std::string text;
  if (std::ifstream in{file, std::ios::binary}) {
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
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
  std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp-" + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << result;
    f.flush();
    if (!f) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error("cannot write " + file.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error("cannot replace " + file.string() + ": " + ec.message());
  }
}

}  // namespace qwen::config
