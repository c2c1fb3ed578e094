#include "util/redactor.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <vector>

namespace qwen::util {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::string> secrets;  // longest first, so a secret containing another is replaced whole
  size_t longest = 0;
  std::array<bool, 256> starts{};  // the first bytes of the secrets: a tail not starting so holds no secret
};

Registry &registry() {
  static Registry r;
  return r;
}

// A byte that continues a word: a short secret touching one is part of that word, not a secret shown.
bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

bool replaced_anywhere(const std::string &secret) {
  return secret.size() >= kAnywhereLength;
}

// What lies beyond an end of the text being scrubbed.
constexpr int kEdge = -1;     // nothing: the text starts or ends there
constexpr int kPending = -2;  // more text may follow (a stream): a short secret at the very end is undecided

struct Match {
  size_t pos;
  size_t len;
  const std::string *secret;
};

bool stands_alone(std::string_view text, size_t pos, size_t len, int before, int after) {
  const int prev = pos > 0 ? static_cast<unsigned char>(text[pos - 1]) : before;
  const int next = pos + len < text.size() ? static_cast<unsigned char>(text[pos + len]) : after;
  if (next == kPending) return false;
  return !(prev >= 0 && is_word_byte(static_cast<unsigned char>(prev))) &&
         !(next >= 0 && is_word_byte(static_cast<unsigned char>(next)));
}

// Every occurrence to replace, in text order, none overlapping another (longer secrets win).
std::vector<Match> find_secrets(const std::vector<std::string> &secrets, std::string_view text, int before,
                                int after) {
  std::vector<Match> matches;
  std::vector<bool> taken;  // allocated at the first match only: most text holds no secret
  for (const auto &s : secrets) {
    for (size_t pos = text.find(s); pos != std::string_view::npos; pos = text.find(s, pos + 1)) {
      if (!replaced_anywhere(s) && !stands_alone(text, pos, s.size(), before, after)) continue;
      if (!taken.empty() && std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(pos),
                                        taken.begin() + static_cast<std::ptrdiff_t>(pos + s.size()),
                                        [](bool b) { return b; }))
        continue;
      if (taken.empty()) taken.assign(text.size(), false);
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(pos),
                taken.begin() + static_cast<std::ptrdiff_t>(pos + s.size()), true);
      matches.push_back({pos, s.size(), &s});
      pos += s.size() - 1;
    }
  }
  std::sort(matches.begin(), matches.end(), [](const Match &a, const Match &b) { return a.pos < b.pos; });
  return matches;
}

// text[0, end) with the matches that lie inside it replaced.
std::string render(std::string_view text, size_t end, const std::vector<Match> &matches) {
  std::string out;
  out.reserve(end);
  size_t copied = 0;
  for (const auto &m : matches) {
    if (m.pos + m.len > end) break;
    out.append(text.data() + copied, m.pos - copied);
    out += redact(*m.secret);
    copied = m.pos + m.len;
  }
  out.append(text.data() + copied, end - copied);
  return out;
}

// The start of the longest tail of `text` that may still grow into a secret with what follows, or text.size().
size_t undecided_tail(const Registry &r, std::string_view text, int before) {
  const auto &secrets = r.secrets;
  const size_t from = text.size() > r.longest ? text.size() - r.longest : 0;
  for (size_t p = from; p < text.size(); ++p) {
    if (!r.starts[static_cast<unsigned char>(text[p])]) continue;
    const std::string_view tail = text.substr(p);
    const int prev = p > 0 ? static_cast<unsigned char>(text[p - 1]) : before;
    const bool after_word = prev >= 0 && is_word_byte(static_cast<unsigned char>(prev));
    for (const auto &s : secrets) {
      // A long secret whole in the tail is already found; a short one whole there waits for the byte after it.
      const bool could_grow = tail.size() < s.size() || (tail.size() == s.size() && !replaced_anywhere(s));
      if (!could_grow || s.compare(0, tail.size(), tail) != 0) continue;
      if (!replaced_anywhere(s) && after_word) continue;  // glued to a word: never this short secret
      return p;
    }
  }
  return text.size();
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// [begin, end) of the password in the userinfo of the URL whose "://" is at `sep`, or {0, 0}.
std::pair<size_t, size_t> url_password_at(std::string_view text, size_t sep) {
  if (sep == 0) return {0, 0};
  const char before = text[sep - 1];
  const bool scheme_char = (before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
                           (before >= '0' && before <= '9') || before == '+' || before == '-' || before == '.';
  if (!scheme_char) return {0, 0};
  const size_t start = sep + 3;
  size_t end = start;
  // The authority ends at the path, query or fragment, and, in free text, at a blank, a quote or a bracket.
  while (end < text.size() && static_cast<unsigned char>(text[end]) > 0x20 && !std::strchr("/?#\"'<>`\\", text[end]))
    ++end;
  const std::string_view authority = text.substr(start, end - start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {0, 0};
  const size_t colon = authority.find(':');
  if (colon == std::string_view::npos || colon + 1 >= at) return {0, 0};
  return {start + colon + 1, start + at};
}

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.empty()) return;
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (std::find(r.secrets.begin(), r.secrets.end(), secret) != r.secrets.end()) return;
  r.secrets.emplace_back(secret);
  std::stable_sort(r.secrets.begin(), r.secrets.end(),
                   [](const auto &a, const auto &b) { return a.size() > b.size(); });
  r.longest = std::max(r.longest, secret.size());
  r.starts[static_cast<unsigned char>(secret[0])] = true;
}

void register_url_password(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return;
  auto [begin, end] = url_password_at(url, sep);
  if (begin == end) return;
  const std::string_view password = url.substr(begin, end - begin);
  register_secret(password);
  register_secret(percent_decode(password));
}

std::string redact_url_passwords(std::string_view text) {
  std::string out;
  size_t copied = 0;
  for (size_t sep = text.find("://"); sep != std::string_view::npos; sep = text.find("://", sep + 3)) {
    auto [begin, end] = url_password_at(text, sep);
    if (begin == end) continue;
    out.append(text.data() + copied, begin - copied);
    out += "****";
    copied = end;
  }
  if (copied == 0) return std::string(text);
  out.append(text.data() + copied, text.size() - copied);
  return out;
}

std::string scrub(std::string_view text) {
  std::string out;
  {
    auto &r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    out = render(text, text.size(), find_secrets(r.secrets, text, kEdge, kEdge));
  }
  return redact_url_passwords(out);
}

std::string redact(std::string_view secret) {
  if (secret.empty()) return "(empty)";
  if (secret.size() < 12) return "****";
  return std::string(secret.substr(0, 3)) + "…" + std::string(secret.substr(secret.size() - 4));
}

std::string StreamScrubber::feed(std::string_view piece) {
  auto &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.secrets.empty() && held_.empty()) {
    if (!piece.empty()) before_ = piece.back();
    return std::string(piece);
  }
  std::string joined;  // only when a tail was held back: most pieces are scrubbed where they are
  if (!held_.empty()) joined = held_ + std::string(piece);
  const std::string_view text = held_.empty() ? piece : std::string_view(joined);
  const int before = before_ ? static_cast<unsigned char>(before_) : kEdge;
  const auto matches = find_secrets(r.secrets, text, before, kPending);
  size_t split = undecided_tail(r, text, before);
  // A secret found whole must not be cut by the split: it is then held back whole.
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto &m : matches) {
      if (m.pos < split && m.pos + m.len > split) {
        split = m.pos;
        moved = true;
      }
    }
  }
  std::string out = render(text, split, matches);
  if (split > 0) before_ = text[split - 1];
  held_.assign(text.data() + split, text.size() - split);
  return out;
}

std::string StreamScrubber::finish() {
  std::string out;
  if (!held_.empty()) {
    auto &r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    const int before = before_ ? static_cast<unsigned char>(before_) : kEdge;
    out = render(held_, held_.size(), find_secrets(r.secrets, held_, before, kEdge));
  }
  held_.clear();
  before_ = 0;
  return out;
}

}  // namespace qwen::util
