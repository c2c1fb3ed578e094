// Which prompt a cancel reaches: the running one, the ones read before it, never a later one.
#include <catch2/catch.hpp>

#include "turn_control.hpp"

TEST_CASE("turn control: session/cancel stops the running prompt and those read before it", "[acp][cancel]") {
  int host_cancels = 0;
  acp::TurnControl t([&] { ++host_cancels; });
  t.cancel("A", 5);                   // read as message 5
  CHECK_FALSE(t.begin("A", 4, "4"));  // a prompt read before the cancel never starts
  CHECK(t.begin("A", 6, "6"));        // one read after it runs
  CHECK(host_cancels == 0);
  t.cancel("B", 7);  // another session's cancel leaves it alone
  CHECK_FALSE(t.cancelled());
  t.cancel("A", 8);
  CHECK(t.cancelled());
  CHECK(host_cancels == 1);
  CHECK(t.end());
  CHECK(t.begin("A", 9, "9"));  // the next prompt starts uncancelled
  CHECK_FALSE(t.end());
}

TEST_CASE("turn control: $/cancel_request marks only requests still pending", "[acp][cancel]") {
  int host_cancels = 0;
  acp::TurnControl t([&] { ++host_cancels; });
  t.cancel_request("1");  // never queued: nothing kept
  CHECK_FALSE(t.request_cancelled("1"));
  t.pending("2");
  t.pending("3");
  t.cancel_request("3");
  CHECK(t.request_cancelled("3"));
  REQUIRE(t.begin("S", 1, "2"));
  t.cancel_request("2");  // the running one: the host turn is cancelled
  CHECK(host_cancels == 1);
  CHECK(t.end());
  CHECK(t.finish("2"));
  CHECK(t.finish("3"));
  CHECK_FALSE(t.finish("3"));  // answered once
  t.cancel_all();              // input ended: nothing starts any more
  CHECK_FALSE(t.begin("S", 10, "10"));
  CHECK(t.input_ended());
}
