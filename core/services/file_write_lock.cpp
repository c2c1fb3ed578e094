#include "services/file_write_lock.hpp"

#include <chrono>
#include <map>
#include <string>

#include <qwen/sdk/atomic_file.hpp>

#include "services/cancellation.hpp"
#include "util/log.hpp"

namespace qwen::services {
namespace {

// One mutex per file, made on first use and kept for the process (a handful of files).
std::mutex &writers_of(const std::string &file) {
  static std::mutex guard;
  static std::map<std::string, std::mutex> mutexes;
  std::lock_guard<std::mutex> lock(guard);
  return mutexes[file];
}

}  // namespace

FileWriteLock::FileWriteLock(const std::filesystem::path &file) : in_process_(writers_of(file.string())) {
  const std::string lock_path = file.string() + ".lock";
  sdk::make_private_dirs(file.parent_path().string());
  sdk::FileLock::Options o;
  o.wait = [](uint32_t ms) { return interruptible_sleep(ms); };
  o.on_wait = [lock_path](const sdk::LockHolder &holder, std::chrono::milliseconds timeout) {
    util::log_info("waiting for " + sdk::describe_lock_holder(holder) + ", which holds " + lock_path +
                   "; qwen waits up to " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
  };
  held_.emplace(sdk::lock_for_update(file.string(), o));
}

}  // namespace qwen::services
