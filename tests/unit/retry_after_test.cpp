// Reading Retry-After: seconds or an HTTP date; junk is ignored.
#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "chat/retry_after.hpp"

using qwen::chat::parse_retry_after;

TEST_CASE("Retry-After in seconds") {
  CHECK(parse_retry_after("0") == 0L);
  CHECK(parse_retry_after(" 7 ") == 7000L);
  CHECK_FALSE(parse_retry_after(""));
  CHECK_FALSE(parse_retry_after("-3"));
  CHECK_FALSE(parse_retry_after("1.5"));
  CHECK_FALSE(parse_retry_after("soon"));
}

// A 10-digit value used to read as "absent" (retried at once) while a 9-digit one was reported as too long:
// every large value is now a wait, a long one, and none overflows.
TEST_CASE("Retry-After: every large number of seconds is a long wait, never absent, never an overflow") {
  using qwen::chat::kMaxRetryAfterMs;
  CHECK(parse_retry_after("999999999") == 999999999000L);
  CHECK(parse_retry_after("1234567890") == 1234567890000L);
  CHECK(parse_retry_after("000000000000000000005") == 5000L);  // leading zeros say nothing
  CHECK(parse_retry_after("00000") == 0L);
  CHECK(parse_retry_after("999999999999") == 999999999999000L);
  CHECK(parse_retry_after("1000000000000") == kMaxRetryAfterMs);
  CHECK(parse_retry_after("99999999999999999999") == kMaxRetryAfterMs);
  CHECK(parse_retry_after(std::string(5000, '9')) == kMaxRetryAfterMs);
  // Monotonic: more seconds never means a shorter wait.
  long previous = 0;
  for (std::string digits = "9"; digits.size() < 30; digits += '9') {
    auto wait = parse_retry_after(digits);
    REQUIRE(wait);
    CHECK(*wait >= previous);
    previous = *wait;
  }
}

TEST_CASE("backoff doubles from the base and saturates at the maximum, whatever the numbers") {
  using qwen::chat::backoff_wait_ms;
  CHECK(backoff_wait_ms(1000, 1, 60000) == 1000);
  CHECK(backoff_wait_ms(1000, 2, 60000) == 2000);
  CHECK(backoff_wait_ms(1000, 3, 60000) == 4000);
  CHECK(backoff_wait_ms(1000, 7, 60000) == 60000);
  CHECK(backoff_wait_ms(1000, 1000, 60000) == 60000);
  CHECK(backoff_wait_ms(0, 5, 60000) == 0);
  // A huge base used to shift into a negative wait.
  CHECK(backoff_wait_ms(86400000, 20, 86400000) == 86400000);
  CHECK(backoff_wait_ms(std::numeric_limits<long>::max(), 17, 60000) == 60000);
  CHECK(backoff_wait_ms(std::numeric_limits<long>::max() / 2 + 1, 3, std::numeric_limits<long>::max()) ==
        std::numeric_limits<long>::max());
  CHECK(backoff_wait_ms(-5, 3, 60000) == 0);
  CHECK(backoff_wait_ms(1000, 3, -1) == 0);
}

TEST_CASE("a wait in words: tenths under 10 s, then seconds with the larger unit beside") {
  using qwen::chat::describe_wait;
  CHECK(describe_wait(0) == "0 s");
  CHECK(describe_wait(50) == "0.1 s");  // never "0 s" for a real wait
  CHECK(describe_wait(200) == "0.2 s");
  CHECK(describe_wait(1500) == "1.5 s");
  CHECK(describe_wait(1000) == "1 s");
  CHECK(describe_wait(45000) == "45 s");
  CHECK(describe_wait(3600000) == "3600 s (60 min)");
  CHECK(describe_wait(7200000) == "7200 s (2 h)");
  CHECK(describe_wait(1234567890000L) == "1234567890 s (14,289 days)");
}

TEST_CASE("Retry-After as an HTTP date, relative to now") {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == 30000L);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now) == 0L);  // in the past: now
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", now));
}

// Found by the Retry-After check of fuzz/chat_chunk_fuzzer: a date in a far year went through
// system_clock::from_time_t, whose nanoseconds overflow after 2262 (undefined behaviour: UBSan "signed
// integer overflow"); the wait came out as garbage.
TEST_CASE("Retry-After with a date far in the future is a long wait, not an overflow") {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  auto far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now);
  REQUIRE(far);
  CHECK(*far == (253402300799L - 784111777L) * 1000);
  CHECK(parse_retry_after("Sat, 01 Jan 2300 00:00:00 GMT", now) == (10413792000L - 784111777L) * 1000);
}
