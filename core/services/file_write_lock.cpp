#include "services/file_write_lock.hpp"

#include <chrono>
#include <map>
#include <string>

#include <qwen/plugin.hpp>
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
  // A holder keeps the lock for one small write, so waiters try again sooner than Qwen Code's 100 ms steps
  // (its timeout and stale rules are kept).
  o.first_retry = std::chrono::milliseconds(10);
  o.max_retry = std::chrono::milliseconds(500);
  o.wait = [](uint32_t ms) { return interruptible_sleep(ms); };
  o.on_wait = [lock_path](const sdk::LockHolder &holder, std::chrono::milliseconds timeout) {
    util::log_info("waiting for " + sdk::describe_lock_holder(holder) + ", which holds " + lock_path +
                   "; qwen waits up to " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
  };
  try {
    held_.emplace(sdk::FileLock::acquire(lock_path, o));
  } catch (const sdk::FileLockRefused &) {
    throw;  // says already that nothing was written
  } catch (const sdk::Error &e) {
    if (e.status() == QWEN_ERR_CANCELLED) throw;
    throw sdk::Error(e.status(), std::string(e.what()) + "; " + file.string() + " was not changed");
  }
}

}  // namespace qwen::services
