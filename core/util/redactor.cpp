#include "util/redactor.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace qwen::util {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::string> secrets;  // longest first, so a secret containing another is replaced whole
};

Registry &registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.size() < 6) return;
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (std::find(r.secrets.begin(), r.secrets.end(), secret) != r.secrets.end()) return;
  r.secrets.emplace_back(secret);
  std::sort(r.secrets.begin(), r.secrets.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
}

std::string scrub(std::string_view text) {
  std::string out(text);
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &s : r.secrets) {
    std::string replacement = redact(s);
    for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + replacement.size()))
      out.replace(pos, s.size(), replacement);
  }
  return out;
}

std::string redact(std::string_view secret) {
  if (secret.empty()) return "(empty)";
  if (secret.size() < 12) return "****";
  return std::string(secret.substr(0, 3)) + "…" + std::string(secret.substr(secret.size() - 4));
}

}  // namespace qwen::util
