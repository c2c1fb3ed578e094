#include "config/config_file_safety.hpp"

#include <unistd.h>

#include <qwen/sdk/safe_file.hpp>

#include <cerrno>
#include <cstring>

#include "config/config.hpp"

namespace qwen::config {
namespace {

constexpr size_t kMaxConfigBytes = 1u << 20;  // a larger config.toml is not a settings file

const char *const kWhy = ", and qwen does not use settings another user can change";

}  // namespace

std::string read_config_file(const std::filesystem::path &file, Owner owner) {
  const std::string name = file.string();
  try {
    auto opened = sdk::open_regular_file(name);
    if (!opened) throw ConfigError("cannot read " + name + ": " + std::strerror(ENOENT));
    if (owner == Owner::User)
      if (auto problem = sdk::strict_modes_problem(name, opened->status, ::geteuid(), kWhy))
        throw ConfigError(*problem);
    return sdk::read_opened_file(*opened, name, kMaxConfigBytes);
  } catch (const sdk::Error &e) {
    throw ConfigError(e.what());
  }
}

void check_qwen_home(const std::filesystem::path &home) {
  if (auto problem = sdk::strict_modes_problem(home.string(), ::geteuid(), kWhy)) throw ConfigError(*problem);
}

}  // namespace qwen::config
