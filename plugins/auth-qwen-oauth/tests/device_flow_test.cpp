// The SDK's RFC 8628 polling loop, with a fake clock: no real sleeping.
#include <catch2/catch.hpp>

#include <qwen/sdk/device_flow.hpp>

#include <deque>
#include <vector>

#include "error_of.hpp"

using qwen::sdk::DeviceFlowOptions;
using qwen::sdk::DevicePoll;
using Kind = DevicePoll::Kind;
using qwen_oauth_test::status_of;

namespace {

// A scripted server and a clock that moves only when the loop waits.
struct Script {
  std::deque<DevicePoll> answers;
  std::vector<uint32_t> waits;
  std::chrono::steady_clock::time_point clock{};
  bool cancel_at_first_wait = false;

  DeviceFlowOptions options(std::optional<int> interval_ms, int expires_s) {
    DeviceFlowOptions o;
    if (interval_ms) o.server_interval = std::chrono::milliseconds(*interval_ms);
    o.expires_in = std::chrono::seconds(expires_s);
    o.now = [this] { return clock; };
    o.wait = [this](uint32_t ms) {
      if (cancel_at_first_wait) return false;
      waits.push_back(ms);
      clock += std::chrono::milliseconds(ms);
      return true;
    };
    return o;
  }
  std::function<DevicePoll()> poll() {
    return [this] {
      if (answers.empty()) return DevicePoll::of(Kind::Pending);
      DevicePoll p = answers.front();
      answers.pop_front();
      return p;
    };
  }
};

}  // namespace

TEST_CASE("pending keeps polling at the server's interval, the first poll waits one interval", "[device-flow]") {
  Script s;
  s.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  auto r = qwen::sdk::poll_device_authorization(s.options(3000, 300), s.poll());
  CHECK(r.polls == 3);
  CHECK(s.waits == std::vector<uint32_t>{3000, 3000, 3000});
}

TEST_CASE("without a server interval the default is RFC 8628's 5 s, an explicit 0 is floored, not spun",
          "[device-flow]") {
  Script s;
  s.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  qwen::sdk::poll_device_authorization(s.options(std::nullopt, 300), s.poll());
  CHECK(s.waits == std::vector<uint32_t>{5000, 5000});
  Script zero;
  zero.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  qwen::sdk::poll_device_authorization(zero.options(0, 300), zero.poll());
  CHECK(zero.waits == std::vector<uint32_t>{100, 100});
}

TEST_CASE("each slow_down adds 5 s for good, with no cap below what the server asked", "[device-flow]") {
  Script s;
  for (int i = 0; i < 6; ++i) s.answers.push_back(DevicePoll::of(Kind::SlowDown));
  s.answers.push_back(DevicePoll::of(Kind::Pending));
  s.answers.push_back(DevicePoll::of(Kind::Approved));
  auto r = qwen::sdk::poll_device_authorization(s.options(std::nullopt, 900), s.poll());
  // 5 s, then 10, 15, ... 35 s: past the 10 s the x1.5 rule stopped at, and pending does not speed it up again.
  CHECK(s.waits == std::vector<uint32_t>{5000, 10000, 15000, 20000, 25000, 30000, 35000, 35000});
  CHECK(r.last_interval == std::chrono::milliseconds(35000));
  Script big;  // a server that starts beyond 10 s keeps its own pace, and more
  big.answers = {DevicePoll::of(Kind::SlowDown), DevicePoll::of(Kind::Approved)};
  qwen::sdk::poll_device_authorization(big.options(30000, 900), big.poll());
  CHECK(big.waits == std::vector<uint32_t>{30000, 35000});
}

TEST_CASE("the code's lifetime in words: seconds under a minute", "[device-flow]") {
  CHECK(qwen::sdk::describe_code_lifetime(10) == "10 s");
  CHECK(qwen::sdk::describe_code_lifetime(45) == "45 s");
  CHECK(qwen::sdk::describe_code_lifetime(60) == "1 min");
  CHECK(qwen::sdk::describe_code_lifetime(90) == "1 min 30 s");
  CHECK(qwen::sdk::describe_code_lifetime(900) == "15 min");
}

TEST_CASE("access_denied and expired_token stop at once", "[device-flow]") {
  Script denied;
  denied.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Denied, "no thanks")};
  try {
    qwen::sdk::poll_device_authorization(denied.options(1000, 300), denied.poll());
    FAIL("no error");
  } catch (const qwen::sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_AUTH_REJECTED);
    CHECK(std::string(e.what()) == "no thanks");
  }
  CHECK(denied.waits.size() == 2);
  Script expired;
  expired.answers = {DevicePoll::of(Kind::Expired)};
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(expired.options(1000, 300), expired.poll()); }) ==
        QWEN_ERR_AUTH_REQUIRED);
  CHECK(expired.waits.size() == 1);
}

TEST_CASE("the code's lifetime ends the polling, never with a poll sooner than the interval", "[device-flow]") {
  Script s;
  int polls = 0;
  auto counting = [&] {
    ++polls;
    return DevicePoll::of(Kind::Pending);
  };
  try {
    qwen::sdk::poll_device_authorization(s.options(2000, 5), counting);
    FAIL("no error");
  } catch (const qwen::sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_AUTH_REQUIRED);
    CHECK(std::string(e.what()).find("expired after 5 s without") != std::string::npos);
  }
  // Polls at 2 s and 4 s; the end (5 s) comes before the next one is allowed (6 s): waited for, then said.
  CHECK(polls == 2);
  CHECK(s.waits == std::vector<uint32_t>{2000, 2000, 1000});
}

TEST_CASE("cancelling the wait cancels the flow", "[device-flow]") {
  Script s;
  s.cancel_at_first_wait = true;
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(s.options(1000, 300), s.poll()); }) == QWEN_ERR_CANCELLED);
}

TEST_CASE("passing failures are retried a few times in a row, then reported", "[device-flow]") {
  Script ok;
  ok.answers = {DevicePoll::of(Kind::Retry), DevicePoll::of(Kind::Retry), DevicePoll::of(Kind::Pending),
                DevicePoll::of(Kind::Retry), DevicePoll::of(Kind::Approved)};
  CHECK(qwen::sdk::poll_device_authorization(ok.options(1000, 300), ok.poll()).polls == 5);
  Script broken;
  for (int i = 0; i < 10; ++i) broken.answers.push_back(DevicePoll::of(Kind::Retry, "HTTP 502"));
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(broken.options(1000, 300), broken.poll()); }) ==
        QWEN_ERR_NETWORK);
  CHECK(broken.waits.size() == 4);
  Script failed;
  failed.answers = {DevicePoll::failed(QWEN_ERR_BAD_RESPONSE, "a web page")};
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(failed.options(1000, 300), failed.poll()); }) ==
        QWEN_ERR_BAD_RESPONSE);
}
