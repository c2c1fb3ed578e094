// Fuzzes config loading (core/config/config.*): the text a user's config.toml (and a project's
// .qwen/config.toml) could contain, read through toml++.
//
// Input: the user file's text; when it holds a NUL byte, the text after the first NUL is a project file
// (TOML text cannot contain NUL, so nothing is lost).
// Checks, besides no crash and no hang:
//  - load_config either returns or throws ConfigError; no other exception escapes;
//  - a ConfigError's message starts with the path of the file at fault and a line:column;
//  - a loaded configuration is within its documented bounds (retries <= 20, no negative times), and
//    lookup() of every key path of the merged table (and of some that do not exist) does not throw.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "fuzz_support.hpp"

namespace fs = std::filesystem;
using qwen::config::Config;
using qwen::config::ConfigError;

namespace {

void write(const fs::path &p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) FUZZ_FAIL("cannot write the scratch file " + p.string());
}

bool starts_with(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// "<path>:<line>:<column>: ..." with positive numbers.
bool names_file_and_position(const std::string &message, const fs::path &file) {
  std::string prefix = file.string() + ":";
  if (!starts_with(message, prefix)) return false;
  size_t pos = prefix.size();
  for (int part = 0; part < 2; ++part) {
    size_t digits = 0;
    while (pos < message.size() && message[pos] >= '0' && message[pos] <= '9') ++pos, ++digits;
    if (digits == 0 || pos >= message.size() || message[pos] != ':') return false;
    ++pos;
  }
  return true;
}

void lookup_everything(const Config &c, const toml::table &t, const std::string &prefix, int depth) {
  if (depth > 8) return;
  for (const auto &[key, node] : t) {
    std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    (void)c.lookup(path);
    (void)c.lookup(path + ".missing");
    if (const auto *sub = node.as_table()) lookup_everything(c, *sub, path, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  const fs::path user = qwen_fuzz::scratch_dir("qwen-config-fuzz-") / "user.toml";
  const fs::path project = qwen_fuzz::scratch_dir("qwen-config-fuzz-") / "project.toml";
  std::optional<fs::path> project_file;
  size_t nul = text.find('\0');
  write(user, text.substr(0, nul));
  if (nul != std::string_view::npos) {
    write(project, text.substr(nul + 1));
    project_file = project;
  }
  try {
    Config c = qwen::config::load_config(user, project_file);
    FUZZ_CHECK(c.network.max_retries >= 0 && c.network.max_retries <= 20);
    FUZZ_CHECK(c.network.retry_base_ms >= 0 && c.network.retry_max_wait_ms >= 0);
    FUZZ_CHECK(c.network.connect_timeout_ms >= 0 && c.network.idle_timeout_ms >= 0);
    FUZZ_CHECK(c.network.request_timeout_ms >= 0);
    FUZZ_CHECK(c.files.size() == (project_file ? 2u : 1u));
    lookup_everything(c, c.merged, "", 0);
    (void)c.lookup("");
    (void)c.lookup(".");
    (void)c.lookup("plugins.openai.model");
  } catch (const ConfigError &e) {
    std::string m = e.what();
    if (!names_file_and_position(m, user) && !(project_file && names_file_and_position(m, project)))
      FUZZ_FAIL("a ConfigError that does not start with file:line:column: " + m);
  } catch (const std::exception &e) {
    FUZZ_FAIL(std::string("an exception other than ConfigError escaped load_config: ") + e.what());
  }
  return 0;
}
