// file_write_lock.hpp — one writer at a time for a small file of the qwen home that several qwen processes
// (two terminals, a script signing in N accounts in parallel) read, change and replace: secrets.json,
// accounts.json. Held while the change is read, made and written, so none works from a copy another has since
// replaced: <file>.lock beside it, taken by qwen/sdk/file_lock.hpp as qwen-oauth takes oauth_creds.lock (O_EXCL
// create; a dead holder's lock broken at once, a live one's after 30 s; at most 30 s of waiting, Ctrl-C ends it;
// sdk::lock_for_update), and, for the threads of this process, a mutex per file, so they queue instead of
// polling the file.
//
// Anything but a regular file at the lock's path (a link, a FIFO, a folder) is refused at once
// (sdk::FileLockRefused, which names it and says nothing was written); a lock that cannot be made or had in time
// is an sdk::Error saying that <file> was not changed.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>

#include <qwen/sdk/file_lock.hpp>

namespace qwen::services {

class FileWriteLock {
 public:
  // Makes the file's folder (0700) when missing: the first sign-in's lock needs it.
  explicit FileWriteLock(const std::filesystem::path &file);

 private:
  std::unique_lock<std::mutex> in_process_;
  std::optional<sdk::FileLock> held_;
};

}  // namespace qwen::services
