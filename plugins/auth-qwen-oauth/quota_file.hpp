// quota_file.hpp — the request counter's file (see quota_counter.hpp), best
// effort: a counter must never fail a chat request, so every problem (no
// folder, a damaged file, a busy lock) just makes the count less exact.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "quota_counter.hpp"

namespace qwen_oauth {

inline constexpr const char *kQuotaFileName = "qwen-cpp-quota.json";

class QuotaFile {
 public:
  // `account`: whose requests (the OAuth server's URL). `now_s`: the clock, for tests.
  QuotaFile(std::string home, std::string account, std::function<int64_t()> now_s = {});

  QuotaCounts counts() const;
  // Counts one more request and returns the new counts.
  QuotaCounts record();

  const std::string &file() const { return file_; }

 private:
  int64_t now() const;
  nlohmann::json read() const;

  std::string home_;
  std::string account_;
  std::string file_;
  std::function<int64_t()> now_s_;
};

}  // namespace qwen_oauth
