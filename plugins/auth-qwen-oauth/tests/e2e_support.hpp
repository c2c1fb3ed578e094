// e2e_support.hpp — what the qwen-oauth end-to-end tests share: a HOME with
// credentials in Qwen Code's format, the environment that points the plugin at
// the fake provider, and a test BROWSER program that approves by fetching the URL.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "support/connection_counter.hpp"
#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

namespace qwen_oauth_e2e {

using namespace qwen::test;

int64_t now_ms();

// ~/.qwen/oauth_creds.json as Qwen Code writes it, for the fake provider; `extra` adds fields first. qwen's
// "issuer" comes last: the fake provider's root URL by default (the login came from it), none when "" (a file
// Qwen Code wrote, which counts as issued by https://chat.qwen.ai).
std::string creds_json(const FakeProvider &p, const std::string &access, const std::string &refresh, int64_t expiry_ms,
                       const std::string &extra = {}, const std::optional<std::string> &issuer = std::nullopt);
std::filesystem::path write_creds(const TempDir &home, const std::string &text);
std::filesystem::path creds_path(const TempDir &home);
std::filesystem::path lock_path(const TempDir &home);

// A HOME whose config makes retries fast, so fault tests take milliseconds.
void fast_network(const TempDir &home, const std::string &extra = {});

// Points the plugin at the fake provider; selects qwen-oauth with the flag on the command line.
QwenRunOptions oauth_env(const FakeProvider &p);

// A BROWSER program that fetches its URL argument (the fake /authorize approves the code).
std::string write_approving_browser(const TempDir &home);

unsigned file_mode(const std::filesystem::path &path);
bool file_exists(const std::filesystem::path &path);
bool contains(const std::string &haystack, const std::string &needle);

// The full path of `qwen` and its environment, for BackgroundProcess.
ProcessOptions qwen_process(const TempDir &home, const std::vector<std::string> &args, const QwenRunOptions &o);

// Waits until `condition` holds (polling), at most `limit`; returns whether it did.
bool eventually(const std::function<bool()> &condition, std::chrono::milliseconds limit);

// An attacker's server on another loopback address (127.0.0.2): it accepts connections, keeps every byte
// sent to it and answers each request with 400 invalid_grant, the answer that would make a careless client
// delete the user's login.
class AttackerListener : public qwen::test::ConnectionCounter {
 public:
  AttackerListener();
  std::string root_url() const { return url(); }  // http://127.0.0.2:PORT
};

}  // namespace qwen_oauth_e2e
