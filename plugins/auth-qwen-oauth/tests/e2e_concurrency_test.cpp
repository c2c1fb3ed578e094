// Many processes, one refresh: 32 `qwen -p` started together with an expired
// token make exactly one refresh request; a lock holder killed with SIGKILL
// does not stop the others.
#include <catch2/catch.hpp>

#include <signal.h>

#include <memory>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {
const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};
}

TEST_CASE("32 processes with an expired token: one refresh, every one answers, the file stays valid", "[concurrency]") {
  // A slow refresh keeps the lock held while the others arrive.
  FakeProvider p({"--oauth-mode", "refresh-slow:300"});
  TempDir home;
  p.post("/__control/seed-refresh-token", "refresh-shared-by-32");
  write_creds(home, creds_json(p, "expired-access", "refresh-shared-by-32", now_ms() - 1000));
  QwenRunOptions o = oauth_env(p);
  o.timeout = std::chrono::milliseconds(60000);
  std::vector<std::unique_ptr<BackgroundProcess>> runs;
  for (int i = 0; i < 32; ++i) runs.push_back(std::make_unique<BackgroundProcess>(qwen_process(home, kChat, o)));
  int ok = 0;
  for (auto &run : runs) {
    auto r = run->wait(std::chrono::seconds(60));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Hello from the fake provider. You said: hi\n");
    if (r.exit_code == 0) ++ok;
  }
  CHECK(ok == 32);
  CHECK(p.stat("refresh_requests") == 1);
  CHECK(p.stat("chat_requests") == 32);
  auto c = nlohmann::json::parse(read_file(creds_path(home)), nullptr, false);
  REQUIRE_FALSE(c.is_discarded());
  CHECK(c["refresh_token"] != "refresh-shared-by-32");
  CHECK_FALSE(file_exists(lock_path(home)));
}

TEST_CASE("a lock holder killed with SIGKILL mid-refresh: the others recover at once", "[concurrency]") {
  FakeProvider p({"--oauth-mode", "refresh-slow:1500"});
  TempDir home;
  p.post("/__control/seed-refresh-token", "refresh-of-the-killed");
  write_creds(home, creds_json(p, "expired-access", "refresh-of-the-killed", now_ms() - 1000));
  QwenRunOptions o = oauth_env(p);

  BackgroundProcess holder(qwen_process(home, kChat, o));
  REQUIRE(eventually([&] { return file_exists(lock_path(home)) && p.stat("refresh_requests") == 1; },
                     std::chrono::seconds(10)));
  CHECK(contains(read_file(lock_path(home)), "pid=" + std::to_string(holder.pid())));
  holder.signal(SIGKILL);
  holder.wait(std::chrono::seconds(5));
  REQUIRE(file_exists(lock_path(home)));  // it died holding the lock
  // The fake provider rotated the token when the request arrived; model a server that never got to
  // process it, so the refresh token is still good (otherwise no client could recover the login).
  p.post("/__control/seed-refresh-token", "refresh-of-the-killed");

  auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<BackgroundProcess>> others;
  for (int i = 0; i < 4; ++i) others.push_back(std::make_unique<BackgroundProcess>(qwen_process(home, kChat, o)));
  for (auto &run : others) {
    auto r = run->wait(std::chrono::seconds(30));
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 8);  // the dead holder is seen at once, not after the 10 s stale age
  CHECK(p.stat("refresh_requests") == 2);  // the killed one's and one more
  CHECK_FALSE(file_exists(lock_path(home)));
}
