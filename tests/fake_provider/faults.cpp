#include "faults.hpp"

#include <cctype>

namespace fake {
namespace {

// Retry-After values up to 18 digits: a client must cope with absurdly long ones too.
constexpr long kMaxRetryAfter = 999999999999999999L;

std::optional<long> parse_count(const std::string &text, long max) {
  if (text.empty() || text.size() > 18) return std::nullopt;  // no overflow of a 64-bit long
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

// %XX decoded (any byte, NUL and bytes that are not UTF-8 included); nullopt for a bad escape.
std::optional<std::string> percent_decode(const std::string &text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<Fault> parse_fault(const std::string &raw) {
  // Control requests arrive from `curl -d` and shell scripts, often with a trailing newline.
  const std::string spec = trim(raw);
  using K = Fault::Kind;
  if (spec == "401") return Fault{K::Unauthorized, {}, {}};
  if (spec == "429") return Fault{K::RateLimited, {}, {}};
  if (spec.rfind("429:", 0) == 0) {
    auto s = parse_count(spec.substr(4), kMaxRetryAfter);
    if (!s) return std::nullopt;
    return Fault{K::RateLimited, *s, {}};
  }
  if (spec == "500") return Fault{K::ServerError, {}, {}};
  if (spec.rfind("500:", 0) == 0) {
    auto s = parse_count(spec.substr(4), kMaxRetryAfter);
    if (!s) return std::nullopt;
    return Fault{K::ServerError, *s, {}};
  }
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
  if (spec.rfind("error:", 0) == 0) {  // error:STATUS:TEXT, TEXT %XX-decoded
    const auto colon = spec.find(':', 6);
    auto status = parse_count(spec.substr(6, colon == std::string::npos ? std::string::npos : colon - 6), 599);
    auto text = colon == std::string::npos ? std::nullopt : percent_decode(spec.substr(colon + 1));
    if (!status || *status < 400 || !text) return std::nullopt;
    Fault f{K::ErrorMessage, {}, {}, *text};
    f.status = static_cast<int>(*status);
    return f;
  }
  if (spec.rfind("trickle:", 0) == 0) {
    auto ms = parse_count(spec.substr(8), 600000);
    if (!ms || *ms == 0) return std::nullopt;
    return Fault{K::Trickle, {}, std::chrono::milliseconds(*ms)};
  }
  if (spec == "redirect" || spec.rfind("redirect:", 0) == 0) {  // redirect[:LOCATION], LOCATION %XX-decoded
    auto location = spec == "redirect" ? std::optional<std::string>("/moved/v1/chat/completions")
                                       : percent_decode(spec.substr(9));
    // CR, LF and NUL would end the header line itself: not a Location a server can send.
    if (!location || location->find_first_of(std::string("\r\n\0", 3)) != std::string::npos) return std::nullopt;
    return Fault{K::Redirect, {}, {}, *location};
  }
  if (spec.rfind("delta:", 0) == 0) {
    auto raw = percent_decode(spec.substr(6));
    if (!raw) return std::nullopt;
    return Fault{K::RawDelta, {}, {}, *raw};
  }
  return std::nullopt;
}

std::optional<Fault> FaultQueue::pop() {
  if (queue_.empty()) return std::nullopt;
  Fault f = queue_.front();
  queue_.pop_front();
  return f;
}

}  // namespace fake
