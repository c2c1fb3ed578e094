// RFC 8628 pacing against a strict server, and the credentials lock while a
// slow refresh holds it: the real `qwen` against the fake provider's strict
// mode (section 3.5 enforced) and its slow refresh.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <utime.h>

#include <memory>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kLogin = {"auth", "login", "--auth-type", "qwen-oauth"};
const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};

QwenRunOptions with_browser(const FakeProvider &p, const TempDir &home) {
  QwenRunOptions o = oauth_env(p);
  o.env["BROWSER"] = write_approving_browser(home);
  o.env["NO_BROWSER"] = "";
  return o;
}

long seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count() / 1000;
}

std::chrono::milliseconds file_age(const std::filesystem::path &path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::chrono::milliseconds::max();
  auto mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - mtime);
}

size_t count_of(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a strict RFC 8628 server: the login succeeds at its interval, never polled too soon", "[pacing]") {
  FakeProvider p({"--strict-rfc8628", "--interval", "1", "--device-expires", "45"});
  TempDir home;
  auto r = run_qwen(home, kLogin, with_browser(p, home));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(p.stat("slow_downs") == 0);  // the first poll waited the interval too
  CHECK(p.stat("token_polls") >= 1);
  CHECK(contains(r.err, "(the code expires in 45 s)"));  // not "1 min"
  // The OAuth requests carry the User-Agent the API requests carry.
  for (const char *target : {"/api/v1/oauth2/device/code", "/api/v1/oauth2/token"}) {
    auto logged = p.logged_requests(target);
    REQUIRE_FALSE(logged.empty());
    CHECK(contains(logged[0]["headers"].value("user-agent", ""), "QwenCode/"));
  }
}

TEST_CASE("RFC 8628 timing: 5 s without an interval, and +5 s after each slow_down, against a strict server",
          "[pacing][slow]") {
  // Both at once, so the test takes one pause of about 5 s, not two.
  FakeProvider no_interval({"--strict-rfc8628", "--interval", "none"});
  FakeProvider slows({"--strict-rfc8628", "--interval", "0", "--slow-down", "1"});
  TempDir home_a, home_b;
  QwenRunOptions a = with_browser(no_interval, home_a), b = with_browser(slows, home_b);
  const auto start = std::chrono::steady_clock::now();
  BackgroundProcess login_a(qwen_process(home_a, kLogin, a));
  BackgroundProcess login_b(qwen_process(home_b, kLogin, b));
  auto ra = login_a.wait(30s);
  auto rb = login_b.wait(30s);
  const long took = seconds_since(start);
  INFO(ra.err << "\n---\n" << rb.err);
  CHECK(ra.exit_code == 0);
  CHECK(rb.exit_code == 0);
  // No interval: one poll, 5 s after the code (a 2 s client would have earned slow_downs and never finished).
  CHECK(no_interval.stat("token_polls") == 1);
  CHECK(no_interval.stat("slow_downs") == 0);
  // One slow_down (the injected one), then the next poll 5 s later is on time: x1.5 of 0.1 s would not be.
  CHECK(slows.stat("token_polls") == 2);
  CHECK(slows.stat("slow_downs") == 1);
  CHECK(took >= 5);
  CHECK(took < 15);
  CHECK(file_exists(creds_path(home_a)));
  CHECK(file_exists(creds_path(home_b)));
}

TEST_CASE("a slow refresh keeps the lock young for Qwen Code, and a waiting qwen says who holds it", "[pacing][lock]") {
  FakeProvider p({"--oauth-mode", "refresh-slow:4500"});
  TempDir home;
  p.post("/__control/seed-refresh-token", "slow-refresh-token-0123456789");
  write_creds(home, creds_json(p, "expired-access", "slow-refresh-token-0123456789", now_ms() - 1000));
  QwenRunOptions o = oauth_env(p);
  BackgroundProcess holder(qwen_process(home, kChat, o));
  REQUIRE(eventually([&] { return file_exists(lock_path(home)) && p.stat("refresh_requests") == 1; }, 10s));
  // Make the lock look 20 s old, as it would be by now without the touches: Qwen Code (stale after 10 s)
  // would break it and refresh again. The holder makes it young again within a few seconds.
  struct utimbuf old;
  old.actime = old.modtime = time(nullptr) - 20;
  REQUIRE(utime(lock_path(home).c_str(), &old) == 0);
  CHECK(file_age(lock_path(home)) > 15s);
  BackgroundProcess waiter(qwen_process(home, kChat, o));
  CHECK(eventually([&] { return file_age(lock_path(home)) < 2s; }, 4s));
  auto rh = holder.wait(20s);
  auto rw = waiter.wait(20s);
  INFO(rh.err << "\n---\n" << rw.err);
  CHECK(rh.exit_code == 0);
  CHECK(rw.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);  // one refresh for both
  // Said once, naming the holder, instead of seconds of silence.
  CHECK(count_of(rw.err, "waiting for pid " + std::to_string(holder.pid())) == 1);
  CHECK(contains(rw.err, "oauth_creds.lock"));
  CHECK_FALSE(contains(rh.err, "waiting for"));
  CHECK_FALSE(file_exists(lock_path(home)));
}
