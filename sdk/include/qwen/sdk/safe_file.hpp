// qwen/sdk/safe_file.hpp — opening qwen's files without being fooled by what
// is at the path, and refusing files others can change (as OpenSSH's
// StrictModes does). Header-only, C++17, POSIX; the host and plugins use it.
//
// Reading (open_regular_file, read_regular_file):
//   - Only a regular file is read. Anything else is refused with a sentence
//     that names the path and what is there ("X is a directory, not a file",
//     "X is a FIFO (named pipe), not a file", ...). The path is stat()ed first,
//     so a FIFO or a device is never even opened, then opened with
//     O_NONBLOCK|O_CLOEXEC (a FIFO swapped in meanwhile cannot hang the open)
//     and the opened descriptor is fstat()ed again: what is read is what was
//     checked.
//   - A size limit is checked on the descriptor and reported with the file's
//     real size.
//   - Links::Follow (the default) reads through a symbolic link: the user's
//     own dotfile may point into a dotfiles repository (~/.qwen/config.toml ->
//     ~/dotfiles/qwen.toml), and what is checked is the file it points to.
//     Links::Refuse (O_NOFOLLOW) is for files qwen alone writes (its history,
//     caches): there a link is refused.
//
// Writing — the policy for links (OpenSSH's: never write into, truncate or
// chmod a link's target):
//   - qwen's own state files are replaced, never rewritten in place:
//     qwen::sdk::write_file_atomically (atomic_file.hpp) writes a new file and
//     renames it over the path, so a link there is replaced by the file and
//     its target is not opened.
//   - A file the user edits (config.toml) is not replaced when it is a link:
//     replace_user_file (atomic_file.hpp) refuses with a clear message, so a
//     link into a dotfiles repository is neither broken nor written through.
//   - A mode is changed only through a descriptor opened with O_NOFOLLOW
//     (chmod_without_following): a link's target never has its mode changed.
//
// Ownership and modes (StrictModes, as OpenSSH checks ~/.ssh/config): a file
// or folder that holds qwen's settings, credentials or code must be owned by
// the user or by root, and not writable by its group or by others
// (strict_modes_problem gives the reason and the fix, or nothing).
#ifndef QWEN_SDK_SAFE_FILE_HPP
#define QWEN_SDK_SAFE_FILE_HPP

#include <qwen/plugin.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace qwen::sdk {

// A file descriptor closed when this goes out of scope.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor &operator=(FileDescriptor &&other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

enum class Links {
  Follow,  // read the file a symbolic link points to (the user's own dotfiles)
  Refuse,  // a symbolic link is refused (files qwen alone writes)
};

// What kind of thing a mode describes, as the subject of a sentence: "a directory", "a FIFO (named pipe)", ...
inline const char *file_type_noun(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// "<path> is a directory, not a file" for anything that is not a regular file.
inline std::string not_a_file_message(const std::string &path, mode_t mode) {
  return path + " is " + file_type_noun(mode) + ", not a file";
}

// The permission bits as "0644".
inline std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

namespace detail {

// The account's name, or its number when the password database does not know it.
inline std::string account_name(uid_t uid) {
  struct passwd pw {};
  struct passwd *found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name) return found->pw_name;
  return std::to_string(uid);
}

inline std::string describe_account(uid_t uid) {
  const std::string name = account_name(uid);
  return name == std::to_string(uid) ? "uid " + name : name + " (uid " + std::to_string(uid) + ")";
}

inline std::string human_size(off_t bytes) {
  char text[64];
  if (bytes >= 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  else if (bytes >= 1024)
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  else
    std::snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
  return text;
}

[[noreturn]] inline void throw_cannot_read(const std::string &path, int error_number) {
  throw Error(QWEN_ERR_CONFIG, "cannot read " + path + ": " + std::strerror(error_number));
}

}  // namespace detail

// StrictModes: why the file or folder with status `st` may not be trusted by user `me`, as a phrase
// ("is writable by other users (mode 0666)"), or nullopt when it is owned by `me` or root and writable
// by nobody else. Group-writable is refused too, as OpenSSH does: a group may hold other users.
inline std::optional<std::string> ownership_problem(const struct stat &st, uid_t me = ::geteuid()) {
  if (st.st_uid != me && st.st_uid != 0)
    return "is owned by " + detail::describe_account(st.st_uid) + ", not by you or root";
  if (st.st_mode & S_IWOTH) return "is writable by other users (mode " + octal_mode(st.st_mode) + ")";
  if (st.st_mode & S_IWGRP) return "is writable by its group (mode " + octal_mode(st.st_mode) + ")";
  return std::nullopt;
}

// How the user fixes what ownership_problem found for `path`: "run `chmod go-w PATH`", or for a file
// someone else owns, a look at who put it there first.
inline std::string strict_modes_fix(const std::string &path, const struct stat &st, uid_t me = ::geteuid()) {
  if (st.st_uid != me && st.st_uid != 0)
    return "check who put it there, then run `chown " + detail::account_name(me) + " " + path + "` and `chmod go-w " +
           path + "`";
  return "run `chmod go-w " + path + "`";
}

// The whole sentence for `path`: what is wrong, `consequence` when given (", so qwen does not use it"),
// and how to fix it; nullopt when nothing is wrong.
inline std::optional<std::string> strict_modes_problem(const std::string &path, const struct stat &st,
                                                       uid_t me = ::geteuid(), const std::string &consequence = {}) {
  auto problem = ownership_problem(st, me);
  if (!problem) return std::nullopt;
  return path + " " + *problem + consequence + ": " + strict_modes_fix(path, st, me);
}

// The same for whatever `path` names (a link is followed: the file it points to is what is used).
// nullopt also when there is nothing at `path`.
inline std::optional<std::string> strict_modes_problem(const std::string &path, uid_t me = ::geteuid(),
                                                       const std::string &consequence = {}) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return strict_modes_problem(path, st, me, consequence);
}

// A regular file opened for reading, with its status taken from the descriptor.
struct OpenedFile {
  FileDescriptor fd;
  struct stat status {};
};

// Opens `path` for reading when it is a regular file; nullopt when nothing is there (ENOENT). Throws
// Error(QWEN_ERR_CONFIG) naming the path when something else is there (a directory, a FIFO, a device,
// a symbolic link with Links::Refuse) or it cannot be opened. Never blocks on a FIFO.
inline std::optional<OpenedFile> open_regular_file(const std::string &path, Links links = Links::Follow) {
  struct stat before {};
  const int stat_result = links == Links::Follow ? ::stat(path.c_str(), &before) : ::lstat(path.c_str(), &before);
  if (stat_result != 0) {
    if (errno == ENOENT) return std::nullopt;
    detail::throw_cannot_read(path, errno);
  }
  if (S_ISLNK(before.st_mode))
    throw Error(QWEN_ERR_CONFIG, path + " is a symbolic link; qwen does not follow a link for this file");
  if (!S_ISREG(before.st_mode)) throw Error(QWEN_ERR_CONFIG, not_a_file_message(path, before.st_mode));
  const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (links == Links::Refuse ? O_NOFOLLOW : 0);
  OpenedFile opened;
  opened.fd = FileDescriptor(::open(path.c_str(), flags));
  if (!opened.fd) {
    if (errno == ENOENT) return std::nullopt;
    if (errno == ELOOP && links == Links::Refuse)
      throw Error(QWEN_ERR_CONFIG, path + " is a symbolic link; qwen does not follow a link for this file");
    detail::throw_cannot_read(path, errno);
  }
  if (::fstat(opened.fd.get(), &opened.status) != 0) detail::throw_cannot_read(path, errno);
  if (!S_ISREG(opened.status.st_mode)) throw Error(QWEN_ERR_CONFIG, not_a_file_message(path, opened.status.st_mode));
  return opened;
}

// What read_opened_file does with a file larger than its limit.
enum class Oversize {
  Refuse,          // throw Error(QWEN_ERR_CONFIG) giving the file's real size
  KeepFirstBytes,  // return the first max_bytes + 1 bytes: the caller sees it is too large and says so itself
};

// Reads a whole opened file of at most `max_bytes` (see Oversize for a larger one).
inline std::string read_opened_file(const OpenedFile &file, const std::string &path, size_t max_bytes,
                                    Oversize oversize = Oversize::Refuse) {
  auto too_large = [&](off_t size) {
    return Error(QWEN_ERR_CONFIG, path + " is too large (" + detail::human_size(size) + "; the limit is " +
                                      detail::human_size(static_cast<off_t>(max_bytes)) + ")");
  };
  if (oversize == Oversize::Refuse && file.status.st_size > 0 &&
      static_cast<unsigned long long>(file.status.st_size) > max_bytes)
    throw too_large(file.status.st_size);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(file.fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) detail::throw_cannot_read(path, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      if (oversize == Oversize::KeepFirstBytes) {
        out.resize(max_bytes + 1);
        break;
      }
      // It grew while being read (or its size was not known): stop rather than read on without end.
      struct stat now {};
      const off_t size = ::fstat(file.fd.get(), &now) == 0 ? now.st_size : 0;
      throw too_large(std::max(size, static_cast<off_t>(out.size())));
    }
  }
  return out;
}

// The bytes of the regular file at `path`, nullopt when there is none; throws Error(QWEN_ERR_CONFIG)
// naming the path for anything else (see open_regular_file) or a file larger than `max_bytes`.
inline std::optional<std::string> read_regular_file(const std::string &path, size_t max_bytes,
                                                    Links links = Links::Follow) {
  auto opened = open_regular_file(path, links);
  if (!opened) return std::nullopt;
  return read_opened_file(*opened, path, max_bytes);
}

// Sets the mode of the regular file at `path` through a descriptor opened with O_NOFOLLOW, so a symbolic
// link's target is never changed. nullopt on success, else why not, as a sentence naming the path.
inline std::optional<std::string> chmod_without_following(const std::string &path, mode_t mode) {
  const int base = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | base));
  if (!fd && errno == EACCES) fd = FileDescriptor(::open(path.c_str(), O_WRONLY | base));  // a write-only file
  if (!fd) {
    if (errno == ELOOP)
      return path + " is a symbolic link: its mode is not changed (qwen never changes a link's target)";
    return "cannot change the mode of " + path + ": " + std::strerror(errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return "cannot change the mode of " + path + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return not_a_file_message(path, st.st_mode) + ": its mode is not changed";
  if (::fchmod(fd.get(), mode) != 0) return "cannot change the mode of " + path + ": " + std::strerror(errno);
  return std::nullopt;
}

// True when `path` itself is a symbolic link (whatever it points to, even nothing).
inline bool is_symbolic_link(const std::string &path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_SAFE_FILE_HPP
