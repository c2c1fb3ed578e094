#include "quota_counter.hpp"

#include <cctype>
#include <ctime>

#include "human_time.hpp"

namespace qwen_oauth {
namespace {

using nlohmann::json;

int64_t int_field(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

// "Retry in 30 s." / "Retry after <date>." / "" from a Retry-After value (seconds or an HTTP date).
std::string retry_hint(const std::optional<std::string> &retry_after) {
  if (!retry_after || retry_after->empty()) return {};
  const std::string &v = *retry_after;
  if (v.find_first_not_of("0123456789") == std::string::npos) {
    // Seconds, however many digits (a 10-digit value is a long wait, not a date); saturated, never overflowed.
    long long s = 0;
    for (char c : v) s = s > 1'000'000'000'000LL ? s : s * 10 + (c - '0');
    if (s < 120) return "The server asks to retry in " + std::to_string(s) + " s.";
    if (s < 7200) return "The server asks to retry in " + std::to_string((s + 59) / 60) + " min.";
    if (s < 172800) return "The server asks to retry in " + std::to_string((s + 3599) / 3600) + " h.";
    return "The server asks to retry in " + std::to_string((s + 86399) / 86400) + " days.";
  }
  std::string printable;
  for (char c : v.substr(0, 64)) printable += std::isprint(static_cast<unsigned char>(c)) ? c : ' ';
  return "The server asks to retry after " + printable + ".";
}

}  // namespace

std::string utc_day(int64_t epoch_s) {
  return format_utc(epoch_s, "%Y-%m-%d");
}

QuotaCounts quota_counts(const json &doc, const std::string &account, int64_t now_s) {
  QuotaCounts c;
  if (!doc.is_object() || !doc.contains("accounts") || !doc["accounts"].is_object()) return c;
  const json &accounts = doc["accounts"];
  auto it = accounts.find(account);
  if (it == accounts.end() || !it->is_object()) return c;
  const json &a = *it;
  auto day = a.find("day");
  if (day != a.end() && day->is_string() && day->get<std::string>() == utc_day(now_s)) c.today = int_field(a, "today");
  if (int_field(a, "minute") == now_s / 60) c.this_minute = int_field(a, "this_minute");
  return c;
}

json record_request(json doc, const std::string &account, int64_t now_s) {
  QuotaCounts c = quota_counts(doc, account, now_s);
  if (!doc.is_object()) doc = json::object();
  if (!doc.contains("accounts") || !doc["accounts"].is_object()) doc["accounts"] = json::object();
  doc["accounts"][account] = {
      {"day", utc_day(now_s)}, {"today", c.today + 1}, {"minute", now_s / 60}, {"this_minute", c.this_minute + 1}};
  return doc;
}

std::string quota_exceeded_message(const QuotaCounts &c, const std::optional<std::string> &retry_after) {
  std::string which;
  if (c.today >= kFreeRequestsPerDay)
    which = "This looks like the daily limit: " + with_thousands(c.today) +
            " requests were sent today (UTC) from this machine; it resets the next day.";
  else if (c.this_minute >= kFreeRequestsPerMinute)
    which = "This looks like the per-minute limit: " + std::to_string(c.this_minute) +
            " requests were sent in the last minute; wait a minute.";
  else
    which = "This machine sent " + with_thousands(c.today) + " requests today (UTC) and " +
            std::to_string(c.this_minute) + " this minute; other devices signed in to the same account count too.";
  std::string hint = retry_hint(retry_after);
  return "Qwen OAuth free quota reached (HTTP 429; the free tier allows 60 requests/min and 2,000 requests/day). " +
         which + (hint.empty() ? "" : " " + hint) +
         " To go on now, use an API key instead (set OPENAI_API_KEY, or --auth-type openai).";
}

std::string describe_quota(const QuotaCounts &c) {
  return with_thousands(c.today) + " of " + with_thousands(kFreeRequestsPerDay) + " today (UTC); " +
         std::to_string(c.this_minute) + " in this minute (limit " + std::to_string(kFreeRequestsPerMinute) + ")";
}

}  // namespace qwen_oauth
