// The secret registry that scrubs every line the host writes.
#include <catch2/catch.hpp>

#include "util/redactor.hpp"

using namespace qwen::util;

TEST_CASE("a registered secret never survives scrub, wherever it appears") {
  register_secret("sk-unit-test-secret-7777");
  std::string out = scrub("Bearer sk-unit-test-secret-7777 and again sk-unit-test-secret-7777!");
  CHECK(out.find("sk-unit-test-secret-7777") == std::string::npos);
  CHECK(out == "Bearer sk-…7777 and again sk-…7777!");
}

TEST_CASE("a secret containing another is replaced whole") {
  register_secret("abcdef-inner");
  register_secret("outer-abcdef-inner-tail");
  CHECK(scrub("x outer-abcdef-inner-tail y") == "x out…tail y");
}

TEST_CASE("short values are not treated as secrets (they would mangle text)") {
  register_secret("abc");
  CHECK(scrub("abc abc") == "abc abc");
}

TEST_CASE("redact shows a short form only") {
  CHECK(redact("") == "(empty)");
  CHECK(redact("short") == "****");
  CHECK(redact("sk-1234567890abcdef") == "sk-…cdef");
}
