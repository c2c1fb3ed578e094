// The SDK's credential cache: fresh tokens from memory of the file, one fetch under the lock, 0600 files,
// and links, FIFOs and garbage at the path.
#include <catch2/catch.hpp>

#include <qwen/sdk/credential_cache.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

using namespace qwen::sdk;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

CachedToken token(const std::string &access, int64_t expires_at) {
  CachedToken t;
  t.access_token = access;
  t.expires_at = expires_at;
  return t;
}

struct Clock {
  int64_t now = 1'800'000'000;
};

CredentialCacheOptions options_with(Clock &clock, std::vector<std::string> *warnings = nullptr) {
  CredentialCacheOptions o;
  o.margin = std::chrono::seconds(60);
  o.now = [&clock] { return clock.now; };
  if (warnings) o.warn = [warnings](const std::string &w) { warnings->push_back(w); };
  return o;
}

}  // namespace

TEST_CASE("credential cache: a fresh token is answered from the file, a stale one fetched once and saved 0600",
          "[sdk][cache]") {
  qwen::test::TempDir dir;
  Clock clock;
  std::vector<std::string> warnings;
  CredentialCache cache((dir.path() / "acme" / "token.json").string(), options_with(clock, &warnings));
  int fetches = 0;
  auto fetch = [&](const std::optional<CachedToken> &old) {
    ++fetches;
    CachedToken t = token("at-" + std::to_string(fetches), clock.now + 3600);
    if (old) t.account = old->account;
    return t;
  };
  CHECK(cache.get(fetch).access_token == "at-1");
  CHECK(cache.get(fetch).access_token == "at-1");
  CHECK(fetches == 1);
  CHECK(warnings.empty());  // the folder was made before the lock was taken: not "without the lock"
  struct stat st {};
  REQUIRE(::stat(cache.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir.path() / "acme").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK_FALSE(fs::exists(cache.lock_path()));  // released

  clock.now += 3600 - 61;  // 61 s left: still fresh for the 60 s margin
  CHECK(cache.get(fetch).access_token == "at-1");
  clock.now += 2;  // 59 s left: not fresh enough
  CHECK(cache.get(fetch).access_token == "at-2");
  CHECK(fetches == 2);
  // A 401 forces a new token whatever the expiry says.
  CHECK(cache.get(fetch, true).access_token == "at-3");
  CHECK(cache.load()->access_token == "at-3");
  CHECK(cache.remove());
  CHECK_FALSE(cache.remove());
  CHECK_FALSE(cache.load());
}

TEST_CASE("credential cache: a token without an expiry is used until the API refuses it", "[sdk][cache]") {
  qwen::test::TempDir dir;
  Clock clock;
  CredentialCache cache((dir.path() / "t.json").string(), options_with(clock));
  cache.save(token("forever", 0));
  clock.now += 10 * 365 * 86400;
  int fetches = 0;
  auto fetch = [&](const std::optional<CachedToken> &) { return ++fetches, token("new", 0); };
  CHECK(cache.get(fetch).access_token == "forever");
  CHECK(cache.get(fetch, true).access_token == "new");
  CHECK(fetches == 1);
}

TEST_CASE("credential cache: from_answer keeps the refresh token and account a refresh did not send", "[sdk][cache]") {
  CachedToken old = token("old", 1);
  old.refresh_token = "rt-old";
  old.account = "ops@acme.example";
  TokenAnswer a;
  a.access_token = "new";
  a.expires_in = 100;
  CachedToken t = CachedToken::from_answer(a, 1000, old);
  CHECK(t.refresh_token == "rt-old");
  CHECK(t.account == "ops@acme.example");
  CHECK(t.expires_at == 1100);
  a.expires_in.reset();
  CHECK(CachedToken::from_answer(a, 1000).expires_at == 0);
}

TEST_CASE("credential cache: processes racing with a stale token make one fetch", "[sdk][cache]") {
  qwen::test::TempDir dir;
  Clock clock;
  const std::string path = (dir.path() / "t.json").string();
  CredentialCache(path, options_with(clock)).save(token("stale", clock.now - 1));
  std::atomic<int> fetches{0};
  std::vector<std::thread> threads;
  std::vector<std::string> got(6);
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      CredentialCache cache(path, options_with(clock));
      got[i] = cache
                   .get([&](const std::optional<CachedToken> &) {
                     ++fetches;
                     std::this_thread::sleep_for(std::chrono::milliseconds(200));
                     return token("fresh", clock.now + 3600);
                   })
                   .access_token;
    });
  for (auto &t : threads) t.join();
  CHECK(fetches == 1);
  for (const auto &g : got) CHECK(g == "fresh");
}

TEST_CASE("credential cache: a link, a FIFO or a folder at the path is refused, never followed", "[sdk][cache]") {
  qwen::test::TempDir dir;
  Clock clock;
  const fs::path target = dir.path() / "victim";
  { std::ofstream(target) << R"({"access_token":"planted"})"; }
  const fs::path link = dir.path() / "link.json";
  fs::create_symlink(target, link);
  int fetches = 0;
  auto fetch = [&](const std::optional<CachedToken> &) { return ++fetches, token("new", clock.now + 3600); };
  std::string message;
  try {
    CredentialCache(link.string(), options_with(clock)).get(fetch);
  } catch (const Error &e) {
    message = e.what();
    CHECK(e.status() == QWEN_ERR_CONFIG);
  }
  CHECK(message.find("symbolic link") != std::string::npos);
  CHECK(slurp(target) == R"({"access_token":"planted"})");

  const fs::path fifo = dir.path() / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(CredentialCache(fifo.string(), options_with(clock)).get(fetch), Catch::Contains("FIFO"));
  fs::create_directory(dir.path() / "dir.json");
  CHECK_THROWS_AS(CredentialCache((dir.path() / "dir.json").string(), options_with(clock)).load(), Error);
  CHECK(fetches == 0);
}

TEST_CASE("credential cache: a damaged file is reported by load and replaced by get with a warning", "[sdk][cache]") {
  qwen::test::TempDir dir;
  Clock clock;
  std::vector<std::string> warnings;
  const fs::path path = dir.path() / "t.json";
  const char *damaged[] = {"garbage",
                           "[]",
                           R"({"access_token":5})",
                           R"({"access_token":""})",
                           R"({"access_token":"a","expires_at":"soon"})",
                           R"({"access_token":"a","expires_at":-4})",
                           R"({"access_token":"a","extra":[]})"};
  for (const char *text : damaged) {
    { std::ofstream(path) << text; }
    CredentialCache cache(path.string(), options_with(clock, &warnings));
    CHECK_THROWS_AS(cache.load(), Error);
    CHECK(cache
              .get([&](const std::optional<CachedToken> &old) {
                CHECK_FALSE(old);
                return token("replaced", clock.now + 3600);
              })
              .access_token == "replaced");
    CHECK(cache.load()->access_token == "replaced");
  }
  CHECK(warnings.size() == std::size(damaged));
  // A huge file is not read whole.
  { std::ofstream(path) << std::string(1 << 20, ' '); }
  CHECK_THROWS_WITH(CredentialCache(path.string(), options_with(clock)).load(), Catch::Contains("too large"));
}
