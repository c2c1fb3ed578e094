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

TEST_CASE("pending keeps polling at the server's interval, the first poll is immediate", "[device-flow]") {
  Script s;
  s.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  auto r = qwen::sdk::poll_device_authorization(s.options(5000, 300), s.poll());
  CHECK(r.polls == 3);
  CHECK(s.waits == std::vector<uint32_t>{5000, 5000});
}

TEST_CASE("without a server interval the default is 2 s, an explicit 0 is floored, not spun", "[device-flow]") {
  Script s;
  s.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  qwen::sdk::poll_device_authorization(s.options(std::nullopt, 300), s.poll());
  CHECK(s.waits == std::vector<uint32_t>{2000});
  Script zero;
  zero.answers = {DevicePoll::of(Kind::Pending), DevicePoll::of(Kind::Approved)};
  qwen::sdk::poll_device_authorization(zero.options(0, 300), zero.poll());
  CHECK(zero.waits == std::vector<uint32_t>{100});
}

TEST_CASE("slow_down multiplies the interval by 1.5, at most 10 s, and it stays slower", "[device-flow]") {
  Script s;
  for (int i = 0; i < 6; ++i) s.answers.push_back(DevicePoll::of(Kind::SlowDown));
  s.answers.push_back(DevicePoll::of(Kind::Pending));
  s.answers.push_back(DevicePoll::of(Kind::Approved));
  qwen::sdk::poll_device_authorization(s.options(std::nullopt, 600), s.poll());
  CHECK(s.waits == std::vector<uint32_t>{3000, 4500, 6750, 10000, 10000, 10000, 10000});
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
  CHECK(denied.waits.size() == 1);
  Script expired;
  expired.answers = {DevicePoll::of(Kind::Expired)};
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(expired.options(1000, 300), expired.poll()); }) ==
        QWEN_ERR_AUTH_REQUIRED);
  CHECK(expired.waits.empty());
}

TEST_CASE("the code's lifetime ends the polling, with a last poll at the deadline", "[device-flow]") {
  Script s;
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(s.options(2000, 5), s.poll()); }) ==
        QWEN_ERR_AUTH_REQUIRED);
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
  CHECK(broken.waits.size() == 3);
  Script failed;
  failed.answers = {DevicePoll::failed(QWEN_ERR_BAD_RESPONSE, "a web page")};
  CHECK(status_of([&] { qwen::sdk::poll_device_authorization(failed.options(1000, 300), failed.poll()); }) ==
        QWEN_ERR_BAD_RESPONSE);
}
