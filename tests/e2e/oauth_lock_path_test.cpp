// qwen-oauth's refresh lock (~/.qwen/oauth_creds.lock, qwen/sdk/file_lock.hpp) when something that is not a
// lock file sits at its path: a real `qwen -p` whose cached login needs a refresh against the fake provider.
// A FIFO used to hang it for good, a link or folder to cost the whole 30 s wait and then blame "another
// process"; each must now end at once with an error naming the path, no refresh sent and nothing written.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// An expired login issued by `p`, whose refresh token `p` knows: the next request refreshes it.
fs::path expired_login(const TempDir &home, const FakeProvider &p, const std::string &refresh) {
  p.post("/__control/seed-refresh-token", refresh);
  const std::string creds = "{\n  \"access_token\": \"lock-path-expired-access-0123456789\",\n  \"refresh_token\": \"" +
                            refresh + "\",\n  \"token_type\": \"Bearer\",\n  \"resource_url\": \"" + p.root_url() +
                            "\",\n  \"expiry_date\": 1000,\n  \"issuer\": \"" + p.root_url() + "\"\n}";
  auto path = home.write(".qwen/oauth_creds.json", creds);
  fs::permissions(path, fs::perms(0600));
  return path;
}

QwenRunOptions oauth_at(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}};
  o.timeout = std::chrono::seconds(60);
  return o;
}

}  // namespace

TEST_CASE("qwen-oauth: with no lock in the way the expired login is refreshed (the case below, unhindered)",
          "[oauth][lock]") {
  FakeProvider p;
  TempDir home;
  const auto creds = expired_login(home, p, "lock-path-refresh-ok-0123456789");
  const std::string before = read_file(creds);
  const auto r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, oauth_at(p));
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.stat("refresh_requests") == 1);
  CHECK(read_file(creds) != before);  // the new token was saved
  CHECK_FALSE(fs::exists(home.path() / ".qwen/oauth_creds.lock"));
}

TEST_CASE("qwen-oauth: a link, a dangling link, a FIFO or a folder at oauth_creds.lock ends the run at once, "
          "no refresh, nothing written",
          "[oauth][lock][hostile]") {
  for (const std::string kind : {"link to a file", "dangling link", "fifo", "folder"}) {
    INFO(kind);
    FakeProvider p;
    TempDir home;
    const auto creds = expired_login(home, p, "lock-path-refresh-hostile-0123456789");
    const std::string before = read_file(creds);
    const fs::path lock = home.path() / ".qwen/oauth_creds.lock";
    const fs::path target = home.write("elsewhere", "the target's own text\n");
    if (kind == "link to a file") fs::create_symlink(target, lock);
    if (kind == "dangling link") fs::create_symlink(home.path() / "nothing-here", lock);
    if (kind == "fifo") REQUIRE(::mkfifo(lock.c_str(), 0600) == 0);
    if (kind == "folder") fs::create_directory(lock);

    const auto start = Clock::now();
    const auto r = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth"}, oauth_at(p));
    INFO("stderr: " << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(Clock::now() - start < std::chrono::seconds(10));  // not the lock's 30 s wait, and no hang on the FIFO
    CHECK(r.exit_code != 0);
    CHECK(r.out.empty());
    CHECK(r.err.find(lock.string()) != std::string::npos);
    CHECK(r.err.find("nothing was written") != std::string::npos);
    CHECK(r.err.find("held by") == std::string::npos);           // not blamed on another process
    CHECK(r.err.find("without the lock") == std::string::npos);  // and no refresh without it either
    CHECK(p.stat("refresh_requests") == 0);
    CHECK(p.stat("chat_requests") == 0);
    CHECK(read_file(creds) == before);
    CHECK(read_file(target) == "the target's own text\n");
    if (kind == "link to a file" || kind == "dangling link") CHECK(fs::is_symlink(lock));
    if (kind == "fifo") CHECK(fs::is_fifo(lock));
    if (kind == "folder") CHECK(fs::is_directory(lock));
    CHECK_FALSE(fs::exists(home.path() / "nothing-here"));
  }
}
