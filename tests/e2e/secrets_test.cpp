// No key ever reaches any output: many kinds of runs, debug logging on, every
// byte of stdout and stderr checked for the secret. (The model's answer is the
// user's content and is not scrubbed: a key the user pastes into a prompt can
// come back in the answer. Scrubbing it would mean holding back streamed text,
// since a secret can be split across deltas.)
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"

using namespace qwen::test;

TEST_CASE("the API key appears in no output of any run, with --debug", "[secrets]") {
  const std::string key = "sk-never-print-this-31337";
  FakeProvider p({"--api-key", key, "--fault", "401", "--fault", "429:0", "--fault", "500", "--fault", "html"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 10\nmax_retries = 1\n");
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}, {"DEBUG", "1"}};
  const std::vector<std::vector<std::string>> runs = {
      {"-p", "hi", "--debug"},                                    // 401 then refresh then 429 retried...
      {"-p", "hi", "--debug", "--output-format", "json"},         // 500 retried, html
      {"-p", "hi", "--debug", "--output-format", "stream-json"},  // a clean answer
      {"auth", "status", "--debug"},
      {"plugins", "--debug"},
      {"-p", "hi", "--debug", "--openai-api-key", key + "-wrong"},  // a refused key given as a flag
  };
  int outputs = 0;
  for (const auto &args : runs) {
    auto r = run_qwen(home, args, o);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.out.find(key) == std::string::npos);
    CHECK(r.err.find(key) == std::string::npos);
    CHECK(r.err.find("qwen: debug:") != std::string::npos);  // the run got far enough to log (not a usage error)
    if (args[0] != "-p") CHECK(r.exit_code == 0);
    outputs += !r.out.empty() + !r.err.empty();
  }
  CHECK(outputs >= 8);  // the runs did print things: the check above looked at real output
}

namespace {

// Every file under `root` whose bytes contain `needle`, relative to root.
std::vector<std::string> files_containing(const std::filesystem::path &root, const std::string &needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && read_file(it->path()).find(needle) != std::string::npos)
      out.push_back(std::filesystem::relative(it->path(), root).string());
  }
  return out;
}

std::string form_value(const std::string &body, const std::string &key) {
  auto at = ("&" + body).find("&" + key + "=");
  if (at == std::string::npos) return {};
  auto end = body.find('&', at);
  return body.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

}  // namespace

TEST_CASE("an OAuth sign-in and chat put no secret in the browser's arguments or environment, in any output, or "
          "in any file but oauth_creds.json",
          "[secrets][oauth]") {
  const std::string api_key = "sk-browser-must-not-see-this-2718";
  FakeProvider p({"--interval", "0"});
  TempDir home;
  home.write("tmp/.keep", "");
  // The "browser" records what it was given, then approves the sign-in by fetching the URL.
  auto browser = home.write("bin/recording-browser",
                            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$HOME/browser-args\"\nenv > \"$HOME/browser-env\"\n"
                            "exec curl -s -o /dev/null \"$1\"\n");
  std::filesystem::permissions(browser, std::filesystem::perms::owner_all);
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()},
           {"BROWSER", browser.string()},
           {"NO_BROWSER", ""},
           {"OPENAI_API_KEY", api_key},  // set, but not the selected method: still a secret
           {"TMPDIR", (home.path() / "tmp").string()}};
  auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth", "--debug"}, o);
  INFO("login stdout: " << login.out << "\nstderr: " << login.err);
  REQUIRE(login.exit_code == 0);
  auto chat = run_qwen(home, {"-p", "hi", "--auth-type", "qwen-oauth", "--debug"}, o);
  INFO("chat stderr: " << chat.err);
  REQUIRE(chat.exit_code == 0);
  auto status = run_qwen(home, {"auth", "status", "--auth-type", "qwen-oauth", "--debug"}, o);
  REQUIRE(status.exit_code == 0);

  auto creds = nlohmann::json::parse(read_file(home.path() / ".qwen" / "oauth_creds.json"));
  auto polls = p.logged_requests("/api/v1/oauth2/token");
  REQUIRE_FALSE(polls.empty());
  const std::string poll_body = polls.back()["body"];
  std::vector<std::pair<std::string, std::string>> secrets = {
      {"access_token", creds["access_token"]},
      {"refresh_token", creds["refresh_token"]},
      {"device_code", form_value(poll_body, "device_code")},
      {"code_verifier", form_value(poll_body, "code_verifier")},
      {"OPENAI_API_KEY", api_key}};
  const std::string args = read_file(home.path() / "browser-args");
  const std::string env = read_file(home.path() / "browser-env");
  CHECK(args.find("/authorize?user_code=") != std::string::npos);  // it did run, with the URL
  CHECK(env.find("HOME=") != std::string::npos);
  for (const auto &[what, secret] : secrets) {
    INFO(what);
    REQUIRE(secret.size() >= 12);
    CHECK(args.find(secret) == std::string::npos);
    CHECK(env.find(secret) == std::string::npos);
    for (const auto *r : {&login, &chat, &status}) {
      CHECK(r->out.find(secret) == std::string::npos);
      CHECK(r->err.find(secret) == std::string::npos);
    }
  }
  // The tokens are on disk in exactly one place (the temporary folder is inside HOME here).
  for (const char *what : {"access_token", "refresh_token"}) {
    INFO(what);
    CHECK(files_containing(home.path(), creds[what].get<std::string>()) ==
          std::vector<std::string>{".qwen/oauth_creds.json"});
  }
  CHECK(files_containing(home.path(), form_value(poll_body, "device_code")).empty());
  CHECK(files_containing(home.path(), form_value(poll_body, "code_verifier")).empty());
}
