// qwen/sdk/file_lock.hpp — a cross-process lock file, compatible with Qwen
// Code's credential lock (~/.qwen/oauth_creds.lock).
//
// The rule both sides follow: whoever creates the lock file with
// O_CREAT|O_EXCL holds the lock; releasing it is unlinking it. Waiters retry
// with backoff (100 ms, x1.5, at most 2 s between tries) until an overall
// timeout. A holder that died leaves its file behind, so a waiter breaks a
// lock it judges stale:
//   - Qwen Code writes only a random id: such a lock is stale once it is
//     older than `stale_after` (10 s, Qwen Code's own rule).
//   - We also write our pid and host name. A lock whose holder is on this
//     host and no longer exists is stale at once; one whose holder still runs
//     is respected up to `live_holder_max_age` (a slow refresh is not broken
//     just because it passed 10 s).
// A stale lock is renamed away (not unlinked) and checked to be the very file
// that was judged, so two waiters never both "break" a lock one of them has
// just taken. The lock is released when the FileLock is destroyed.
//
// The lock's path must be a regular file or absent. Anything else there (a
// symbolic link, dangling or not, a FIFO, a folder, a device) is refused at
// once with FileLockRefused, which names the path: no lock is taken and the
// caller writes nothing. Waiting would be wrong for each of them: a FIFO would
// block the open that reads the holder, and a link or folder is never a lock
// anyone can release, so it would cost the whole timeout and then blame
// "another process". The holder is read with O_NOFOLLOW|O_NONBLOCK and checked
// to be a regular file (fstat), so a FIFO swapped in meanwhile never blocks.
//
// While held, the lock file's modification time is refreshed every few
// seconds (`keep_fresh_every`) by a small thread: Qwen Code judges a lock by
// its age alone, and would otherwise break ours during a refresh slower than
// 10 s and refresh again. A holder stuck longer than `keep_fresh_for` stops
// doing so, so a hung process's lock still turns stale. A waiter that has
// waited `announce_after` on a live lock says once who holds it (`on_wait`).
//
//   auto lock = qwen::sdk::FileLock::acquire(home + "/oauth_creds.lock", opts);
//   ... re-read the shared file, maybe rewrite it ...
#ifndef QWEN_SDK_FILE_LOCK_HPP
#define QWEN_SDK_FILE_LOCK_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <system_error>
#include <thread>

namespace qwen::sdk {

// Thrown when the lock could not be taken in time (a subclass, so callers can
// fall back, e.g. re-read a file someone else may have updated).
class FileLockTimeout : public Error {
 public:
  explicit FileLockTimeout(const std::string &message) : Error(QWEN_ERR_INTERNAL, message) {}
};

// Thrown at once when the lock's path holds something that is not a regular file (a symbolic link, a FIFO, a
// folder, a device): no lock was taken, and the message names the path and says nothing was written. Status
// QWEN_ERR_CONFIG. A caller that goes on without a lock when none can be made (a read-only folder) must not do
// so for this one: someone else put that thing there, and may be watching for the write.
class FileLockRefused : public Error {
 public:
  explicit FileLockRefused(const std::string &message) : Error(QWEN_ERR_CONFIG, message) {}
};

// What a lock file says about its holder. Qwen Code's files have only `id`.
struct LockHolder {
  std::string id;
  long pid = 0;  // 0 = not recorded
  std::string host;
};

namespace detail {

inline std::string random_hex_id() {
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> d;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", d(rd), d(rd), d(rd), d(rd));
  return buf;
}

inline std::string this_host_name() {
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// The first 512 bytes of the regular file at `path` (its status in `status`, when given); false for anything
// else. O_NONBLOCK: opening a FIFO to read must not wait for a writer; O_NOFOLLOW: a link is not read.
inline bool read_small_file(const std::string &path, std::string &out, struct stat *status = nullptr) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return false;
  }
  if (status) *status = st;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0) return false;
  out.assign(buf, static_cast<size_t>(n));
  return true;
}

// Owns the held lock file's descriptor and a thread that sets its modification time to now every
// `every`, for at most `at_most`; stopped (at once) and joined when destroyed. Without a thread (none
// could be started, or `every` is 0) the lock simply ages as before.
class KeepFresh {
 public:
  KeepFresh(int fd, std::chrono::milliseconds every, std::chrono::milliseconds at_most) : fd_(fd) {
    if (every.count() <= 0) return;
    try {
      thread_ = std::thread([this, every, at_most] { run(every, at_most); });
    } catch (const std::system_error &) {
    }
  }
  KeepFresh(const KeepFresh &) = delete;
  KeepFresh &operator=(const KeepFresh &) = delete;
  ~KeepFresh() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }

 private:
  void run(std::chrono::milliseconds every, std::chrono::milliseconds at_most) {
    const auto end = std::chrono::steady_clock::now() + at_most;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, every, [this] { return stop_; })) {
      if (std::chrono::steady_clock::now() >= end) return;
      ::futimens(fd_, nullptr);  // both times to now, on the file we created even if it was renamed away
    }
  }

  int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace detail

// "<id>\npid=<pid>\nhost=<host>\n" (ours) or "<id>" (Qwen Code's).
inline LockHolder parse_lock_holder(const std::string &text) {
  LockHolder h;
  size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first)
      h.id = line;
    else if (line.rfind("pid=", 0) == 0)
      h.pid = std::strtol(line.c_str() + 4, nullptr, 10);
    else if (line.rfind("host=", 0) == 0)
      h.host = line.substr(5);
    first = false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (h.pid < 0) h.pid = 0;
  return h;
}

inline std::string format_lock_holder(const LockHolder &h) {
  return h.id + "\npid=" + std::to_string(h.pid) + "\nhost=" + h.host + "\n";
}

// "pid 4242 on box" for a holder that recorded itself, else words for one that did not (Qwen Code).
inline std::string describe_lock_holder(const LockHolder &h) {
  if (h.pid <= 0) return "another process (one that records no pid, such as Qwen Code)";
  return "pid " + std::to_string(h.pid) + (h.host.empty() ? "" : " on " + h.host);
}

// True when `pid` names no process (ESRCH). EPERM means it exists but is someone else's.
inline bool process_is_gone(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

class FileLock {
 public:
  struct Options {
    std::chrono::milliseconds timeout{30000};     // give up after this long
    std::chrono::milliseconds first_retry{100};   // Qwen Code: 100 ms,
    double backoff = 1.5;                         // x1.5 each time,
    std::chrono::milliseconds max_retry{2000};    // at most 2 s between tries
    std::chrono::milliseconds stale_after{10000};  // a lock with no live holder we can see
    std::chrono::milliseconds live_holder_max_age{30000};  // a lock whose holder runs (pid reuse, hung holder)
    std::chrono::milliseconds keep_fresh_every{3000};  // touch our lock file this often while held (0: never)
    std::chrono::milliseconds keep_fresh_for{60000};   // ... but not longer: a holder stuck so long is hung
    // Sleeps `ms`; false when the user cancelled (then Error(QWEN_ERR_CANCELLED)). Default: plain sleep.
    std::function<bool(uint32_t ms)> wait;
    // Called once when a live lock has been waited on for `announce_after`, with its holder and the limit.
    std::function<void(const LockHolder &holder, std::chrono::milliseconds timeout)> on_wait;
    std::chrono::milliseconds announce_after{1000};
  };

  // Takes the lock at `path`, waiting as the options say. Throws FileLockTimeout, FileLockRefused (at once) when
  // something other than a regular file is at `path`, Error(QWEN_ERR_CANCELLED), or Error(QWEN_ERR_INTERNAL)
  // when the file cannot be created at all.
  static FileLock acquire(const std::string &path, const Options &options) {
    using namespace std::chrono;
    auto wait = options.wait ? options.wait : [](uint32_t ms) {
      std::this_thread::sleep_for(milliseconds(ms));
      return true;
    };
    LockHolder me{detail::random_hex_id(), static_cast<long>(::getpid()), detail::this_host_name()};
    const std::string content = format_lock_holder(me);
    const auto start = steady_clock::now();
    const auto deadline = start + options.timeout;
    milliseconds pause = options.first_retry;
    LockHolder last_holder;
    bool announced = false;
    for (;;) {
      // O_EXCL fails with EEXIST for anything at `path`, a link (even dangling) included: nothing is followed.
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
      if (fd >= 0) {
        bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
        if (!written) {
          const int e = errno;
          ::close(fd);
          ::unlink(path.c_str());
          throw Error(QWEN_ERR_INTERNAL, "cannot write the lock file " + path + ": " + std::strerror(e));
        }
        // The descriptor stays open for the toucher: it touches the file we created, never a successor.
        return FileLock(path, me.id, std::make_unique<detail::KeepFresh>(fd, options.keep_fresh_every,
                                                                          options.keep_fresh_for));
      }
      if (errno != EEXIST)
        throw Error(QWEN_ERR_INTERNAL, "cannot create the lock file " + path + ": " + std::strerror(errno));
      if (break_if_stale(path, me.id, options, last_holder)) continue;  // try again at once
      if (!announced && options.on_wait && steady_clock::now() - start >= options.announce_after) {
        announced = true;
        options.on_wait(last_holder, options.timeout);
      }
      auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
      if (left.count() <= 0) {
        std::string who = " (held by " + describe_lock_holder(last_holder) + ")";
        throw FileLockTimeout("timed out after " + std::to_string(duration_cast<seconds>(options.timeout).count()) +
                              " s waiting for the lock " + path + who +
                              "; if no qwen or Qwen Code process is running, remove that file");
      }
      auto nap = std::min(pause, left);
      if (!wait(static_cast<uint32_t>(nap.count()))) throw Error(QWEN_ERR_CANCELLED, "cancelled");
      pause = std::min(options.max_retry,
                       milliseconds(static_cast<int64_t>(static_cast<double>(pause.count()) * options.backoff)));
    }
  }

  FileLock(FileLock &&other) noexcept
      : path_(std::move(other.path_)), id_(std::move(other.id_)), fresh_(std::move(other.fresh_)) {
    other.id_.clear();
  }
  FileLock &operator=(FileLock &&other) noexcept {
    if (this != &other) {
      release();
      path_ = std::move(other.path_);
      id_ = std::move(other.id_);
      fresh_ = std::move(other.fresh_);
      other.id_.clear();
    }
    return *this;
  }
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
  ~FileLock() { release(); }

  // Unlinks the lock file if it is still ours (someone may have broken it as stale meanwhile).
  void release() noexcept {
    fresh_.reset();  // stops touching (and closes our descriptor) before the file goes
    if (id_.empty()) return;
    std::string text;
    if (detail::read_small_file(path_, text) && parse_lock_holder(text).id == id_) ::unlink(path_.c_str());
    id_.clear();
  }

  const std::string &path() const { return path_; }
  bool held() const { return !id_.empty(); }

 private:
  FileLock(std::string path, std::string id, std::unique_ptr<detail::KeepFresh> fresh)
      : path_(std::move(path)), id_(std::move(id)), fresh_(std::move(fresh)) {}

  // Judges the current lock file; when stale, moves it away and returns true. Throws FileLockRefused for
  // anything at `path` that is not a regular file.
  static bool break_if_stale(const std::string &path, const std::string &my_id, const Options &options,
                             LockHolder &holder) {
    struct stat before {};
    if (::lstat(path.c_str(), &before) != 0) return errno == ENOENT;  // gone meanwhile: try again at once
    if (!S_ISREG(before.st_mode))
      throw FileLockRefused(not_a_file_message(path, before.st_mode) +
                            ": it cannot serve as a lock, so the lock was not taken and nothing was written; "
                            "remove it, then try again");
    std::string text;
    struct stat opened {};
    // Unreadable (not ours, say), or replaced since the look above: judged again on the next try.
    if (!detail::read_small_file(path, text, &opened)) return false;
    if (opened.st_ino != before.st_ino || opened.st_dev != before.st_dev) return false;
    holder = parse_lock_holder(text);
    auto mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(before.st_mtim.tv_sec) + std::chrono::nanoseconds(before.st_mtim.tv_nsec)));
    auto age = std::chrono::system_clock::now() - mtime;
    bool stale;
    if (holder.pid > 0 && !holder.host.empty() && holder.host == detail::this_host_name() && holder.pid != ::getpid())
      stale = process_is_gone(holder.pid) || age > options.live_holder_max_age;
    else
      stale = age > options.stale_after;
    if (!stale) return false;
    std::string aside = path + ".stale." + my_id;
    if (::rename(path.c_str(), aside.c_str()) != 0) return errno == ENOENT;
    struct stat moved {};
    if (::lstat(aside.c_str(), &moved) == 0 && (moved.st_ino != before.st_ino || moved.st_dev != before.st_dev)) {
      // Between our look and the rename another waiter broke it and took a fresh lock: give that one back.
      // link() fails if yet another lock exists by now, which is then the one that counts.
      int relinked = ::link(aside.c_str(), path.c_str());
      (void)relinked;
    }
    ::unlink(aside.c_str());
    return true;
  }

  std::string path_;
  std::string id_;
  std::unique_ptr<detail::KeepFresh> fresh_;
};

// The lock over one small file's read-modify-write (a list of accounts, a store of keys) that several processes
// may change at once: <file>.lock, taken with `options` (their wait and on_wait are the caller's) but tried again
// sooner than Qwen Code's 100 ms steps, since each holder keeps it for one small write; the timeout and stale
// rules stay. The folder must exist. FileLockRefused and a cancel pass as they are; any other failure to have
// the lock is an Error saying that `file` was not changed.
inline FileLock lock_for_update(const std::string &file, FileLock::Options options = {}) {
  options.first_retry = std::chrono::milliseconds(10);
  options.max_retry = std::chrono::milliseconds(500);
  try {
    return FileLock::acquire(file + ".lock", options);
  } catch (const FileLockRefused &) {
    throw;  // says already that nothing was written
  } catch (const Error &e) {
    if (e.status() == QWEN_ERR_CANCELLED) throw;
    throw Error(e.status(), std::string(e.what()) + "; " + file + " was not changed");
  }
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_FILE_LOCK_HPP
