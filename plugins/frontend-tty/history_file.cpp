#include "history_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <cstdio>

namespace tty_frontend {

std::optional<std::string> history_file_problem(const std::string &path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return std::nullopt;
  return path + " is " + qwen::sdk::file_type_noun(st.st_mode) +
         ", not a file: the history of this session is not read from it or saved there (qwen never writes "
         "through a link; remove it to keep a history)";
}

void load_history(History *hist, const std::string &path) {
  try {
    auto opened = qwen::sdk::open_regular_file(path, qwen::sdk::Links::Refuse);
    if (!opened) return;
    // libedit reads only by name: the name of the descriptor that was checked, so what it reads is that file.
    const std::string checked = "/proc/self/fd/" + std::to_string(opened->fd.get());
    HistEvent ev{};
    ::history(hist, &ev, H_LOAD, checked.c_str());
  } catch (const qwen::sdk::Error &) {
    // Not a usable file: the session starts with an empty history (history_file_problem said why).
  }
}

bool save_history(History *hist, const std::string &path) {
  // libedit writes to a FILE (and fchmods it, so not to a memory stream): an anonymous memory file, whose
  // bytes then replace the history file atomically.
  const int fd = ::memfd_create("qwen-history", MFD_CLOEXEC);
  if (fd < 0) return false;
  FILE *f = ::fdopen(fd, "w+");
  if (!f) {
    ::close(fd);
    return false;
  }
  HistEvent ev{};
  bool ok = ::history(hist, &ev, H_SAVE_FP, f) >= 0 && std::fflush(f) == 0;
  std::string content;
  if (ok) {
    std::rewind(f);
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) content.append(buf, n);
    ok = !std::ferror(f);
  }
  std::fclose(f);
  if (!ok) return false;
  try {
    qwen::sdk::write_file_atomically(path, content, 0600);  // private: the history may hold code and keys
    return true;
  } catch (const qwen::sdk::Error &) {
    return false;
  }
}

}  // namespace tty_frontend
