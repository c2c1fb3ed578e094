// The local quota count and the 429 explanation.
#include <catch2/catch.hpp>

#include "quota_counter.hpp"
#include "quota_file.hpp"
#include "scratch_dir.hpp"

using namespace qwen_oauth;
using qwen_oauth_test::ScratchDir;

namespace {
constexpr int64_t kNoon = 1777636800;  // 2026-05-01 12:00:00 UTC
const std::string kAccount = "https://chat.qwen.ai";
}  // namespace

TEST_CASE("requests are counted per UTC day and per minute", "[quota]") {
  nlohmann::json doc;
  doc = record_request(doc, kAccount, kNoon);
  doc = record_request(doc, kAccount, kNoon + 1);
  doc = record_request(doc, "other", kNoon + 2);
  CHECK(quota_counts(doc, kAccount, kNoon + 2).today == 2);
  CHECK(quota_counts(doc, kAccount, kNoon + 2).this_minute == 2);
  CHECK(quota_counts(doc, kAccount, kNoon + 60).this_minute == 0);
  CHECK(quota_counts(doc, kAccount, kNoon + 60).today == 2);
  CHECK(quota_counts(doc, kAccount, kNoon + 12 * 3600).today == 0);  // the next UTC day
  CHECK(utc_day(kNoon) == "2026-05-01");
}

TEST_CASE("any damaged quota document counts as zero", "[quota]") {
  CHECK(quota_counts(nlohmann::json::array(), kAccount, kNoon).today == 0);
  CHECK(quota_counts({{"accounts", 5}}, kAccount, kNoon).today == 0);
  CHECK(quota_counts({{"accounts", {{kAccount, {{"day", 3}, {"today", "x"}}}}}}, kAccount, kNoon).today == 0);
  CHECK(record_request(nlohmann::json("junk"), kAccount, kNoon)["accounts"][kAccount]["today"] == 1);
}

TEST_CASE("a 429 names the free quota, the likely limit and when to retry", "[quota]") {
  std::string daily = quota_exceeded_message({2000, 3}, std::string("3600"));
  CHECK(daily.find("60 requests/min and 2,000 requests/day") != std::string::npos);
  CHECK(daily.find("daily limit") != std::string::npos);
  CHECK(daily.find("retry in 60 min") != std::string::npos);
  CHECK(daily.find("OPENAI_API_KEY") != std::string::npos);
  std::string minute = quota_exceeded_message({100, 60}, std::string("30"));
  CHECK(minute.find("per-minute limit") != std::string::npos);
  CHECK(minute.find("retry in 30 s") != std::string::npos);
  std::string unknown = quota_exceeded_message({5, 1}, std::nullopt);
  CHECK(unknown.find("5 requests today") != std::string::npos);
  CHECK(unknown.find("retry") == std::string::npos);
  CHECK(quota_exceeded_message({0, 0}, std::string("Wed, 21 Oct 2026 07:28:00 GMT")).find("after Wed, 21 Oct") !=
        std::string::npos);
  // Seconds of any length are a wait (a 10-digit one is not taken for a date), and a huge one does not overflow.
  CHECK(quota_exceeded_message({0, 0}, std::string("1234567890")).find("retry in 14289 days") != std::string::npos);
  CHECK(quota_exceeded_message({0, 0}, std::string("99999999999999999999999")).find(" days.") != std::string::npos);
  CHECK(quota_exceeded_message({0, 0}, std::string("86400")).find("retry in 24 h") != std::string::npos);
  CHECK(describe_quota({1234, 7}) == "1,234 of 2,000 today (UTC); 7 in this minute (limit 60)");
}

TEST_CASE("the quota file counts across instances and survives a damaged file", "[quota]") {
  ScratchDir home;
  int64_t now = kNoon;
  QuotaFile a(home.path(), kAccount, [&] { return now; });
  a.record();
  QuotaFile b(home.path(), kAccount, [&] { return now; });
  CHECK(b.record().today == 2);
  CHECK(a.counts().today == 2);
  CHECK(qwen_oauth_test::file_mode(a.file()) == 0600);
  qwen_oauth_test::spit(a.file(), "{not json");
  CHECK(a.counts().today == 0);
  CHECK(a.record().today == 1);
}
