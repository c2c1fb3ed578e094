// qwen/sdk/atomic_file.hpp — replace a small private file (credentials, a
// cache) so that readers see either the old content or the new, never a mix.
//
// The new content goes to a temporary file in the same directory (rename is
// only atomic within one file system), created with the final mode, written
// in full, fsync'ed, then renamed over the target; the directory is fsync'ed
// so the rename survives a crash. Any failure (read-only directory, disk full,
// quota) removes the temporary file, leaves the old file as it was, and
// throws Error(QWEN_ERR_INTERNAL) with a message naming the file and the
// reason. Missing directories are created with mode 0700.
//
// Links (the policy is described in safe_file.hpp): write_file_atomically
// never writes into a symbolic link's target; a link at the path is replaced
// by the new file. replace_user_file, for a file the user edits
// (config.toml), refuses a link instead, and keeps the file's mode.
#ifndef QWEN_SDK_ATOMIC_FILE_HPP
#define QWEN_SDK_ATOMIC_FILE_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

namespace qwen::sdk {

namespace detail {

inline std::string parent_dir(const std::string &path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

[[noreturn]] inline void throw_file_error(const std::string &what, const std::string &path, int error_number) {
  throw Error(QWEN_ERR_INTERNAL, what + " " + path + ": " + std::strerror(error_number));
}

}  // namespace detail

// mkdir -p with mode 0700 for the directories it creates (existing ones keep their mode).
inline void make_private_dirs(const std::string &dir) {
  if (dir.empty() || dir == "/" || dir == ".") return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) detail::throw_file_error("cannot create the folder", dir, ENOTDIR);
    return;
  }
  make_private_dirs(detail::parent_dir(dir));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) detail::throw_file_error("cannot create the folder", dir, errno);
}

// Replaces `path` with `content`, file mode `mode` (not masked by the umask). See the header comment.
inline void write_file_atomically(const std::string &path, std::string_view content, mode_t mode = 0600) {
  const std::string dir = detail::parent_dir(path);
  make_private_dirs(dir);
  std::random_device rd;
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%08x", static_cast<long>(::getpid()), static_cast<unsigned>(rd()));
  const std::string temp = path + suffix;

  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) detail::throw_file_error("cannot save", path, errno);
  auto fail = [&](int error_number) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw Error(QWEN_ERR_INTERNAL, "cannot save " + path + ": " + std::strerror(error_number) +
                                       " (the previous file, if any, is unchanged)");
  };
  if (::fchmod(fd, mode) != 0) fail(errno);  // the umask may have narrowed or widened what open() gave
  const char *p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : ENOSPC);
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) fail(errno);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(temp.c_str());
    throw Error(QWEN_ERR_INTERNAL, "cannot save " + path + ": " + std::strerror(e) +
                                       " (the previous file, if any, is unchanged)");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(temp.c_str());
    throw Error(QWEN_ERR_INTERNAL, "cannot save " + path + ": " + std::strerror(e) +
                                       " (the previous file, if any, is unchanged)");
  }
  // Make the rename durable; failing here changes nothing for readers, so it is not an error.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// Replaces a file the user edits (config.toml) with `content`, atomically as above, keeping its mode: the
// new file has exactly the old one's permission bits (a 0600 file stays 0600 whatever the umask), or
// `new_file_mode` when there was none. Throws Error(QWEN_ERR_CONFIG) and changes nothing when the path is
// a symbolic link (its target is the user's, and the link stays a link) or not a regular file.
inline void replace_user_file(const std::string &path, std::string_view content, mode_t new_file_mode = 0600) {
  struct stat st {};
  mode_t mode = new_file_mode;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw Error(QWEN_ERR_CONFIG, path + " is a symbolic link; qwen does not write through a link: change the file it "
                                          "points to yourself");
    if (!S_ISREG(st.st_mode)) throw Error(QWEN_ERR_CONFIG, not_a_file_message(path, st.st_mode));
    mode = st.st_mode & 0777;
  } else if (errno != ENOENT) {
    detail::throw_file_error("cannot save", path, errno);
  }
  write_file_atomically(path, content, mode);
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_ATOMIC_FILE_HPP
