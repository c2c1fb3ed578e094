#include "quota_file.hpp"

#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/file_lock.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <chrono>
#include <optional>


namespace qwen_oauth {

QuotaFile::QuotaFile(std::string home, std::string account, std::function<int64_t()> now_s)
    : home_(std::move(home)),
      account_(std::move(account)),
      file_(home_ + "/" + kQuotaFileName),
      now_s_(std::move(now_s)) {}

int64_t QuotaFile::now() const {
  if (now_s_) return now_s_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json QuotaFile::read() const {
  try {
    // Only qwen writes this file: a link there is not followed (and record() replaces it, see atomic_file.hpp).
    auto text = qwen::sdk::read_regular_file(file_, 1 << 20, qwen::sdk::Links::Refuse);  // larger: refused
    if (!text) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    return doc.is_object() ? doc : nlohmann::json::object();
  } catch (...) {
    return nlohmann::json::object();
  }
}

QuotaCounts QuotaFile::counts() const { return quota_counts(read(), account_, now()); }

QuotaCounts QuotaFile::record() {
  const int64_t t = now();
  try {
    // A short wait: many processes counting at once is fine, a chat request waiting on a counter is not.
    qwen::sdk::FileLock::Options o;
    o.timeout = std::chrono::milliseconds(300);
    o.first_retry = std::chrono::milliseconds(10);
    o.max_retry = std::chrono::milliseconds(50);
    o.stale_after = std::chrono::milliseconds(5000);
    o.live_holder_max_age = std::chrono::milliseconds(5000);
    auto lock = qwen::sdk::FileLock::acquire(file_ + ".lock", o);
    nlohmann::json doc = record_request(read(), account_, t);
    qwen::sdk::write_file_atomically(file_, doc.dump(2));
    return quota_counts(doc, account_, t);
  } catch (...) {
    QuotaCounts c = quota_counts(read(), account_, t);
    ++c.today;
    ++c.this_minute;
    return c;
  }
}

}  // namespace qwen_oauth
