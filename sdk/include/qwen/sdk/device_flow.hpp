// qwen/sdk/device_flow.hpp — the polling half of an OAuth 2.0 device
// authorization grant (RFC 8628 section 3.4-3.5), for any provider.
//
// The provider's plugin makes the device-code request and shows the code
// itself; this loop then polls the token endpoint through a callback that
// makes one request and says what the server answered. It keeps RFC 8628's
// timing rules in one place: the server's `interval` is honoured, 5 s when it
// gives none (section 3.2); the first poll waits one interval; each slow_down
// adds 5 s for good (section 3.5: no cap, so the client never stays faster
// than the server asked); authorization_pending; a stop at once on
// access_denied / expired_token; the code's overall lifetime (never a poll
// sooner than the interval, even near the end); and cancellation (the wait
// function returns false, e.g. Host::wait on Ctrl-C).
//
//   qwen::sdk::DeviceFlowOptions o;
//   o.server_interval = std::chrono::seconds(answer.interval);
//   o.expires_in = std::chrono::seconds(answer.expires_in);
//   o.wait = [&](uint32_t ms) { return host().wait(ms); };
//   qwen::sdk::poll_device_authorization(o, [&] { return my_poll(); });
#ifndef QWEN_SDK_DEVICE_FLOW_HPP
#define QWEN_SDK_DEVICE_FLOW_HPP

#include <qwen/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace qwen::sdk {

// What one poll of the token endpoint said.
struct DevicePoll {
  enum class Kind {
    Approved,  // tokens arrived (the callback kept them): stop, success
    Pending,   // authorization_pending: poll again after the interval
    SlowDown,  // slow_down: poll again after a longer interval
    Denied,    // access_denied: stop, the user said no
    Expired,   // expired_token: stop, the code is dead
    Retry,     // a passing failure (5xx, connection reset): poll again, but not forever
    Failed,    // anything else: stop with `status` and `message`
  };
  Kind kind = Kind::Pending;
  std::string message;                       // plain words for Denied/Expired/Retry/Failed ("" = a default)
  qwen_status status = QWEN_ERR_AUTH_REJECTED;  // Failed only

  static DevicePoll of(Kind kind, std::string message = {}) {
    DevicePoll p;
    p.kind = kind;
    p.message = std::move(message);
    return p;
  }
  static DevicePoll failed(qwen_status status, std::string message) {
    DevicePoll p = of(Kind::Failed, std::move(message));
    p.status = status;
    return p;
  }
};

struct DeviceFlowOptions {
  // The server's `interval`, when it gave one. An explicit 0 is honoured down to min_interval.
  std::optional<std::chrono::milliseconds> server_interval;
  std::chrono::milliseconds default_interval{5000};  // RFC 8628 section 3.2
  std::chrono::milliseconds min_interval{100};       // so that `interval: 0` does not spin
  std::chrono::milliseconds slow_down_step{5000};    // added by each slow_down, section 3.5
  // The code's lifetime (`expires_in`); zero or negative = not given, then fallback_expires_in.
  std::chrono::milliseconds expires_in{0};
  std::chrono::milliseconds fallback_expires_in{std::chrono::minutes(10)};
  int max_consecutive_retries = 3;
  // Sleeps `ms`; false when the user cancelled. Default: a plain sleep that is never cancelled.
  std::function<bool(uint32_t ms)> wait;
  // The clock (tests replace it). Default: steady_clock.
  std::function<std::chrono::steady_clock::time_point()> now;
};

struct DeviceFlowResult {
  int polls = 0;
  std::chrono::milliseconds last_interval{0};
};

// A code's lifetime in words: "45 s" under a minute, "5 min", "1 min 30 s" (never "1 min" for 10 s).
inline std::string describe_code_lifetime(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds < 0 ? 0 : seconds) + " s";
  std::string text = std::to_string(seconds / 60) + " min";
  if (seconds % 60) text += " " + std::to_string(seconds % 60) + " s";
  return text;
}

// Polls until the callback says Approved; throws qwen::sdk::Error otherwise:
// QWEN_ERR_AUTH_REJECTED (denied), QWEN_ERR_AUTH_REQUIRED (code expired or
// lifetime over), QWEN_ERR_CANCELLED, QWEN_ERR_NETWORK (too many Retry in a
// row), or the status of a Failed poll. The first poll comes one interval
// after the start (the user needs that long to read the code anyway).
inline DeviceFlowResult poll_device_authorization(const DeviceFlowOptions &options,
                                                  const std::function<DevicePoll()> &poll) {
  using std::chrono::milliseconds;
  auto now = options.now ? options.now : [] { return std::chrono::steady_clock::now(); };
  auto wait = options.wait ? options.wait : [](uint32_t ms) {
    std::this_thread::sleep_for(milliseconds(ms));
    return true;
  };
  const milliseconds lifetime = options.expires_in.count() > 0 ? options.expires_in : options.fallback_expires_in;
  const auto deadline = now() + lifetime;
  milliseconds interval = options.server_interval ? std::max(*options.server_interval, options.min_interval)
                                                  : options.default_interval;
  DeviceFlowResult result;
  int retries_in_a_row = 0;
  auto with_default = [](const std::string &m, const char *fallback) { return m.empty() ? std::string(fallback) : m; };

  auto expired_error = [&] {
    const auto lifetime_s = std::chrono::duration_cast<std::chrono::seconds>(lifetime).count();
    return Error(QWEN_ERR_AUTH_REQUIRED, "the sign-in code expired after " + describe_code_lifetime(lifetime_s) +
                                             " without being approved; start the sign-in again");
  };

  for (;;) {
    // Never sooner than the interval: when the next poll would come after the code's end, the end is
    // waited for and reported (a poll squeezed in earlier would only earn a slow_down).
    auto left = std::chrono::duration_cast<milliseconds>(deadline - now());
    if (left.count() <= 0) throw expired_error();
    if (left < interval) {
      if (!wait(static_cast<uint32_t>(left.count()))) throw Error(QWEN_ERR_CANCELLED, "sign-in cancelled");
      throw expired_error();
    }
    if (!wait(static_cast<uint32_t>(interval.count()))) throw Error(QWEN_ERR_CANCELLED, "sign-in cancelled");
    result.last_interval = interval;
    DevicePoll p = poll();
    ++result.polls;
    switch (p.kind) {
      case DevicePoll::Kind::Approved:
        return result;
      case DevicePoll::Kind::Pending:
        retries_in_a_row = 0;
        break;
      case DevicePoll::Kind::SlowDown:
        retries_in_a_row = 0;
        interval += options.slow_down_step;  // for good: the server said we were too fast
        break;
      case DevicePoll::Kind::Denied:
        throw Error(QWEN_ERR_AUTH_REJECTED, with_default(p.message, "the sign-in was denied"));
      case DevicePoll::Kind::Expired:
        throw Error(QWEN_ERR_AUTH_REQUIRED,
                    with_default(p.message, "the sign-in code expired before it was approved; start the sign-in again"));
      case DevicePoll::Kind::Retry:
        if (++retries_in_a_row > options.max_consecutive_retries)
          throw Error(QWEN_ERR_NETWORK, with_default(p.message, "the token endpoint keeps failing"));
        break;
      case DevicePoll::Kind::Failed:
        throw Error(p.status, with_default(p.message, "the sign-in failed"));
    }
  }
}

}  // namespace qwen::sdk

#endif  // QWEN_SDK_DEVICE_FLOW_HPP
