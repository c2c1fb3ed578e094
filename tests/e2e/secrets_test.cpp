// No key ever reaches any output: many kinds of runs, debug logging on, every
// byte of stdout and stderr checked for the secret. Short keys and URL
// passwords too, and a key the model's answer repeats: it is scrubbed in the
// answer, the same in every output format, even split across deltas. The
// browser a sign-in starts gets an allow-listed environment.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <thread>

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

namespace {

bool is_word_byte(unsigned char c) {
  return std::isalnum(c) || c >= 0x80;
}

// Whether `secret` shows in `text` on its own (qwen scrubs a short secret there; inside a longer word it is
// ordinary text: util/redactor.hpp).
bool shows(const std::string &text, const std::string &secret) {
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 1)) {
    const size_t end = pos + secret.size();
    if ((pos == 0 || !is_word_byte(static_cast<unsigned char>(text[pos - 1]))) &&
        (end == text.size() || !is_word_byte(static_cast<unsigned char>(text[end]))))
      return true;
  }
  return false;
}

// The delta texts of a stream-json output, in order.
std::vector<std::string> deltas_of(const std::string &stream_json) {
  std::vector<std::string> out;
  std::istringstream lines(stream_json);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("type", "") == "delta") out.push_back(j.value("text", ""));
  }
  return out;
}

std::string joined(const std::vector<std::string> &pieces) {
  std::string out;
  for (const auto &p : pieces) out += p;
  return out;
}

}  // namespace

TEST_CASE("a short API key is never printed: a server error repeating it, status, debug logs", "[secrets]") {
  for (const std::string key : {"abc", "Q", "EMPTY"}) {
    INFO("key " << key);
    FakeProvider p({"--api-key", key});
    TempDir home;
    home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
    QwenRunOptions o;
    o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}};
    for (const std::vector<std::string> &args :
         {std::vector<std::string>{"-p", "hi", "--debug"}, {"auth", "status", "--debug"},
          {"-p", "hi", "--output-format", "json"}, {"-p", "hi", "--output-format", "stream-json"}}) {
      // The server says the key back (as OpenAI's "Incorrect API key provided: sk-..." does), before and
      // after the refresh a 401 brings.
      for (int i = 0; i < 2; ++i) p.post("/__control/fault", "error:401:Incorrect API key provided: " + key + ".");
      auto r = run_qwen(home, args, o);
      INFO(args[0] << "\nstdout: " << r.out << "\nstderr: " << r.err);
      CHECK_FALSE(shows(r.out, key));
      CHECK_FALSE(shows(r.err, key));
      CHECK(r.out.size() + r.err.size() > 20);
    }
    // The server's sentence is there, with the key replaced.
    for (int i = 0; i < 2; ++i) p.post("/__control/fault", "error:401:Incorrect API key provided: " + key + ".");
    auto again = run_qwen(home, {"-p", "hi"}, o);
    CHECK(again.exit_code == 5);
    CHECK(again.err.find("Incorrect API key provided: ****.") != std::string::npos);
  }
}

TEST_CASE("a password in the base URL is never printed: status, errors, debug logs", "[secrets]") {
  for (const std::string password : {"pw", "long-url-password-2024", "p%40ss-encoded"}) {
    INFO("password " << password);
    FakeProvider p({"--api-key", "sk-url-userinfo-key-0001", "--fault", "500"});
    TempDir home;
    home.write(".qwen/config.toml", "[network]\nmax_retries = 0\n");
    const std::string url = "http://user:" + password + "@127.0.0.1:" + std::to_string(p.port()) + "/v1";
    const std::string decoded = password == "p%40ss-encoded" ? "p@ss-encoded" : password;
    QwenRunOptions o;
    o.env = {{"OPENAI_API_KEY", "sk-url-userinfo-key-0001"}, {"OPENAI_BASE_URL", url}};
    auto failed = run_qwen(home, {"-p", "hi", "--debug"}, o);  // HTTP 500: the error names the URL
    auto status = run_qwen(home, {"auth", "status", "--debug"}, o);
    auto answered = run_qwen(home, {"-p", "hi", "--debug", "--output-format", "stream-json"}, o);
    o.env.erase("OPENAI_BASE_URL");
    auto by_flag = run_qwen(home, {"-p", "hi", "--debug", "--openai-base-url", url}, o);
    std::string all;
    for (const auto *r : {&failed, &status, &answered, &by_flag}) all += r->out + r->err;
    INFO(all);
    CHECK(failed.exit_code == 7);
    CHECK(answered.exit_code == 0);
    CHECK_FALSE(shows(all, password));
    CHECK_FALSE(shows(all, decoded));
    // The URLs were printed, with the password replaced.
    CHECK(failed.err.find("http://user:****@127.0.0.1") != std::string::npos);
    CHECK(answered.err.find("POST http://user:****@127.0.0.1") != std::string::npos);
  }
}

TEST_CASE("a key the answer repeats is scrubbed the same way in text, json and stream-json, across deltas",
          "[secrets]") {
  for (const std::string key : {"sk-repeated-by-the-model-0123456789", "xq7"}) {
    INFO("key " << key);
    // The fake provider streams the reply in deltas of 4 characters: the key is split across several.
    const std::string reply = "Your key is " + key + ", and again:" + key + "\nend " + key;
    const std::string shown = key.size() >= 12 ? "sk-…6789" : "****";
    const std::string expected = "Your key is " + shown + ", and again:" + shown + "\nend " + shown;
    FakeProvider p({"--api-key", key, "--reply", reply});
    TempDir home;
    QwenRunOptions o;
    o.env = {{"OPENAI_API_KEY", key}, {"OPENAI_BASE_URL", p.base_url()}};
    auto text = run_qwen(home, {"-p", "hi"}, o);
    auto json = run_qwen(home, {"-p", "hi", "--output-format", "json"}, o);
    auto stream = run_qwen(home, {"-p", "hi", "--output-format", "stream-json"}, o);
    INFO(text.out << "\n" << json.out << "\n" << stream.out);
    REQUIRE(text.exit_code == 0);
    CHECK(text.out == expected + "\n");
    CHECK(nlohmann::json::parse(json.out).value("response", "") == expected);
    const auto deltas = deltas_of(stream.out);
    CHECK(deltas.size() > 5);
    CHECK(joined(deltas) == expected);
    for (const auto *r : {&text, &json, &stream}) CHECK_FALSE(shows(r->out + r->err, key));
  }
}

TEST_CASE("the browser gets an allow-listed environment: no AWS_SECRET_ACCESS_KEY, no GITHUB_TOKEN",
          "[secrets][oauth]") {
  FakeProvider p({"--interval", "0"});
  TempDir home;
  auto browser = home.write("bin/recording-browser",
                            "#!/bin/sh\nenv > \"$HOME/browser-env\"\nexec curl -s -o /dev/null \"$1\"\n");
  std::filesystem::permissions(browser, std::filesystem::perms::owner_all);
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()},
           {"BROWSER", browser.string()},
           {"NO_BROWSER", ""},
           {"DISPLAY", ":97"},
           {"DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus"},
           {"LC_TIME", "C.UTF-8"},
           {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
           {"GITHUB_TOKEN", "ghp_notarealtokenbutlookslikeone000000000"},
           {"DATABASE_URL", "postgres://app:db-password-1234@db/app"},
           {"SOME_UNRELATED_SETTING", "on"}};
  auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
  INFO("stdout: " << login.out << "\nstderr: " << login.err);
  REQUIRE(login.exit_code == 0);
  const std::string env = "\n" + read_file(home.path() / "browser-env");  // each entry after a newline
  INFO(env);
  for (const char *kept : {"HOME=", "PATH=", "LANG=", "DISPLAY=:97", "DBUS_SESSION_BUS_ADDRESS=", "LC_TIME="})
    CHECK(env.find(std::string("\n") + kept) != std::string::npos);
  for (const char *dropped : {"AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "DATABASE_URL", "SOME_UNRELATED_SETTING",
                              "QWEN_OAUTH_BASE_URL", "NO_BROWSER"})
    CHECK(env.find(std::string("\n") + dropped + "=") == std::string::npos);
}

TEST_CASE("NO_BROWSER set to any non-empty value opens no browser, the URL is printed", "[oauth]") {
  for (const std::string value : {"1", "x", "0", "false"}) {
    INFO("NO_BROWSER=" << value);
    FakeProvider p({"--interval", "0", "--oauth-mode", "deny-all"});
    TempDir home;
    auto browser = home.write("bin/recording-browser", "#!/bin/sh\ntouch \"$HOME/browser-ran\"\n");
    std::filesystem::permissions(browser, std::filesystem::perms::owner_all);
    QwenRunOptions o;
    o.env = {{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", browser.string()}, {"NO_BROWSER", value}};
    auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
    INFO(login.err);
    CHECK(login.err.find("/authorize?user_code=") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(home.path() / "browser-ran"));
  }
  // Empty is not set: the browser runs.
  FakeProvider p({"--interval", "0", "--oauth-mode", "deny-all"});
  TempDir home;
  auto browser = home.write("bin/recording-browser", "#!/bin/sh\ntouch \"$HOME/browser-ran\"\n");
  std::filesystem::permissions(browser, std::filesystem::perms::owner_all);
  auto login = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"},
                        with_env({{"QWEN_OAUTH_BASE_URL", p.root_url()}, {"BROWSER", browser.string()},
                                  {"NO_BROWSER", ""}}));
  for (int i = 0; i < 50 && !std::filesystem::exists(home.path() / "browser-ran"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // it runs detached
  CHECK(std::filesystem::exists(home.path() / "browser-ran"));
}
