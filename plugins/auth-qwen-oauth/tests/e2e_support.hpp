// e2e_support.hpp — what the qwen-oauth end-to-end tests share: a HOME with
// credentials in Qwen Code's format, the environment that points the plugin at
// the fake provider, and a test BROWSER program that approves by fetching the URL.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

namespace qwen_oauth_e2e {

using namespace qwen::test;

int64_t now_ms();

// ~/.qwen/oauth_creds.json as Qwen Code writes it, for the fake provider; `extra` adds fields first.
std::string creds_json(const FakeProvider &p, const std::string &access, const std::string &refresh, int64_t expiry_ms,
                       const std::string &extra = {});
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

}  // namespace qwen_oauth_e2e
