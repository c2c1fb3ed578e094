// fuzz_support.hpp — helpers shared by the fuzz targets: a check that aborts
// (so libFuzzer records the input), a byte reader that turns the first
// bytes of an input into choices (split points, selectors), and a scratch
// directory for targets that parse files.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

// A property of the parser failed: print where and why, then abort (libFuzzer saves the input).
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#define FUZZ_FAIL(message)                                                                                    \
  do {                                                                                                        \
    std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, std::string(message).c_str()); \
    std::abort();                                                                                             \
  } while (0)

namespace qwen_fuzz {

// Takes bytes from the front of the input; after that, rest() is the text under test.
class Bytes {
 public:
  Bytes(const uint8_t *data, size_t size) : data_(reinterpret_cast<const char *>(data)), size_(size) {}

  uint8_t byte() {
    if (pos_ >= size_) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  std::string_view rest() const { return std::string_view(data_ + pos_, size_ - pos_); }

 private:
  const char *data_;
  size_t size_;
  size_t pos_ = 0;
};

// Up to 15 split points chosen by the header bytes: the first byte is the count,
// each next one a position (scaled to the text's length). Sorted, in range.
inline std::vector<std::string_view> split_by_header(Bytes &in, std::string_view *text_out) {
  size_t count = in.byte() % 16;
  std::vector<uint8_t> points;
  for (size_t i = 0; i < count; ++i) points.push_back(in.byte());
  std::string_view text = in.rest();
  *text_out = text;
  std::vector<size_t> cuts;
  for (uint8_t p : points) cuts.push_back(text.size() * p / 255);
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string_view> chunks;
  size_t start = 0;
  for (size_t cut : cuts) {
    chunks.push_back(text.substr(start, cut - start));  // empty chunks are allowed, and tested
    start = cut;
  }
  chunks.push_back(text.substr(start));
  return chunks;
}

// One byte at a time.
inline std::vector<std::string_view> single_bytes(std::string_view text) {
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < text.size(); ++i) chunks.push_back(text.substr(i, 1));
  return chunks;
}

// The directory of this process (one per process: the first call names it `prefix` + pid), in memory when
// possible (a disk costs milliseconds per input). libFuzzer may leave without running exit handlers, so the
// directories of dead fuzzer processes with the same prefix are removed here instead.
inline const std::filesystem::path &scratch_dir(const std::string &prefix) {
  namespace fs = std::filesystem;
  static const fs::path dir = [&prefix] {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm")
                                                                                            : fs::temp_directory_path();
    for (const auto &entry : fs::directory_iterator(base, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
      if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
    }
    fs::path p = base / (prefix + std::to_string(getpid()));
    fs::create_directories(p, ec);
    if (ec) FUZZ_FAIL("cannot create the scratch directory " + p.string());
    return p;
  }();
  return dir;
}

}  // namespace qwen_fuzz
