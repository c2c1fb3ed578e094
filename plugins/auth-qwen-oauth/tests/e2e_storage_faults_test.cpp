// The credentials folder fails under a refresh: it is read-only, or its disk is
// full. The real `qwen` runs in a mount namespace of its own (unshare -m, as
// root: CI is) where ~/.qwen is a read-only bind mount, or a tiny tmpfs filled
// to the last block. The old credentials must survive byte for byte, nothing
// half-written may be left, and the user is told why the new token was not kept.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "e2e_support.hpp"

using namespace qwen_oauth_e2e;

namespace {

// `qwen args` after `setup` (shell commands run in the new mount namespace, $Q = ~/.qwen); `after` runs once
// qwen has exited, still inside, so a test can copy out what the namespace's ~/.qwen holds.
ProcessResult run_qwen_with_mounts(const TempDir &home, const std::string &setup, const std::string &after,
                                   const std::vector<std::string> &args, const QwenRunOptions &o) {
  ProcessOptions p = qwen_process(home, args, o);
  std::vector<std::string> wrapped = {
      "/usr/bin/unshare",
      "-m",
      "/bin/sh",
      "-c",
      "set -e; Q=\"$HOME/.qwen\"; " + setup + "; set +e; \"$@\"; rc=$?; " + after + "; exit $rc",
      "sh"};
  wrapped.insert(wrapped.end(), p.args.begin(), p.args.end());
  p.args = wrapped;
  return run_process(p);
}

const std::vector<std::string> kChat = {"-p", "hi", "--auth-type", "qwen-oauth"};

std::string expired_login(const FakeProvider &p, const TempDir &home, const std::string &refresh) {
  p.post("/__control/seed-refresh-token", refresh);
  const std::string text = creds_json(p, "expired-access-" + refresh, refresh, now_ms() - 60 * 1000);
  write_creds(home, text);
  return text;
}

}  // namespace

TEST_CASE("a read-only credentials folder: the refreshed token serves this run, the old file stays, the user is told",
          "[storage]") {
  REQUIRE(geteuid() == 0);  // mounting needs root; CI runs as root
  FakeProvider p;
  TempDir home;
  const std::string before = expired_login(p, home, "refresh-readonly-0123456789");
  auto r = run_qwen_with_mounts(home, "mount --bind \"$Q\" \"$Q\"; mount -o remount,bind,ro \"$Q\"", "true", kChat,
                                oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hi\n");
  CHECK(contains(r.err, "refreshing without the lock"));
  CHECK(contains(r.err, "the refreshed Qwen OAuth token could not be saved"));
  CHECK(contains(r.err, "the next one may need `qwen auth login`"));
  CHECK(contains(r.err, "Read-only file system"));
  CHECK(read_file(creds_path(home)) == before);
  CHECK(p.stat("refresh_requests") == 1);
}

TEST_CASE("a full disk under a refresh: the old file stays byte for byte, no temporary or lock file is left",
          "[storage]") {
  REQUIRE(geteuid() == 0);
  FakeProvider p;
  TempDir home;
  const std::string before = expired_login(p, home, "refresh-diskfull-0123456789");
  home.write("seen/.keep", "");
  // A 64 KiB tmpfs over ~/.qwen holding the credentials, then filled up to its last block.
  const std::string setup =
      "cp \"$Q/oauth_creds.json\" \"$HOME/seen/creds.orig\"; mount -t tmpfs -o size=64k,mode=0700 tmpfs \"$Q\"; "
      "cp \"$HOME/seen/creds.orig\" \"$Q/oauth_creds.json\"; chmod 600 \"$Q/oauth_creds.json\"; "
      "dd if=/dev/zero of=\"$Q/filler\" bs=1024 2>/dev/null || true";
  const std::string after =
      "cp \"$Q/oauth_creds.json\" \"$HOME/seen/creds.after\"; ls -A \"$Q\" > \"$HOME/seen/files\"";
  auto r = run_qwen_with_mounts(home, setup, after, kChat, oauth_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Hello from the fake provider. You said: hi\n");
  CHECK(contains(r.err, "the refreshed Qwen OAuth token could not be saved"));
  CHECK(contains(r.err, "No space left on device"));
  CHECK(read_file(home.path() / "seen/creds.after") == before);
  CHECK(read_file(home.path() / "seen/files") == "filler\noauth_creds.json\n");
}
