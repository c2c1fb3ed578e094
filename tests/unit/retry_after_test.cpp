// Reading Retry-After: seconds or an HTTP date; junk is ignored.
#include <catch2/catch.hpp>

#include "chat/retry_after.hpp"

using qwen::chat::parse_retry_after;

TEST_CASE("Retry-After in seconds") {
  CHECK(parse_retry_after("0") == 0L);
  CHECK(parse_retry_after(" 7 ") == 7000L);
  CHECK_FALSE(parse_retry_after(""));
  CHECK_FALSE(parse_retry_after("-3"));
  CHECK_FALSE(parse_retry_after("1.5"));
  CHECK_FALSE(parse_retry_after("99999999999999999999"));
  CHECK_FALSE(parse_retry_after("soon"));
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
