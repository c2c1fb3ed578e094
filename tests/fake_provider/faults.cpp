#include "faults.hpp"

#include <cctype>

namespace fake {
namespace {

std::optional<long> parse_count(const std::string &text, long max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  long v = std::stol(text);
  if (v > max) return std::nullopt;
  return v;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::optional<Fault> parse_fault(const std::string &raw) {
  // Control requests arrive from `curl -d` and shell scripts, often with a trailing newline.
  const std::string spec = trim(raw);
  using K = Fault::Kind;
  if (spec == "401") return Fault{K::Unauthorized, {}, {}};
  if (spec == "429") return Fault{K::RateLimited, {}, {}};
  if (spec.rfind("429:", 0) == 0) {
    auto s = parse_count(spec.substr(4), 100000000);
    if (!s) return std::nullopt;
    return Fault{K::RateLimited, *s, {}};
  }
  if (spec == "500") return Fault{K::ServerError, {}, {}};
  if (spec == "html") return Fault{K::Html, {}, {}};
  if (spec == "cut") return Fault{K::Cut, {}, {}};
  if (spec.rfind("slow:", 0) == 0) {
    auto ms = parse_count(spec.substr(5), 600000);
    if (!ms) return std::nullopt;
    return Fault{K::Slow, {}, std::chrono::milliseconds(*ms)};
  }
  if (spec == "stall") return Fault{K::Stall, {}, {}};
  if (spec == "garbage") return Fault{K::Garbage, {}, {}};
  if (spec == "close") return Fault{K::Close, {}, {}};
  return std::nullopt;
}

std::optional<Fault> FaultQueue::pop() {
  if (queue_.empty()) return std::nullopt;
  Fault f = queue_.front();
  queue_.pop_front();
  return f;
}

}  // namespace fake
