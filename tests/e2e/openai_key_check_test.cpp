// The openai method tries a key given to `qwen auth api-key` (-k, --with-key) with GET <base>/models before it
// keeps anything, as coding-plan does: a key the server refuses (401/403) ends the sign-in with one line and
// nothing kept; a server without /models, or none at all, keeps the key with a notice that it was not checked
// (generic OpenAI-compatible servers do not all list models, and an offline set-up must keep working).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "sk-openai-keycheck-right-5a0c21";
const std::string kWrongKey = "sk-openai-keycheck-wrong-93be47";

ProcessResult sign_in(const TempDir &home, const std::string &base_url, const std::string &key,
                      std::vector<std::string> extra = {}) {
  QwenRunOptions o;
  o.stdin_text = key + "\n";
  std::vector<std::string> args = {"auth", "api-key", "--base-url", base_url, "--with-key"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_qwen(home, args, o);
}

// The regular files under `dir` whose bytes contain `needle`.
std::vector<std::string> files_holding(const fs::path &dir, const std::string &needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec) && read_file(it->path()).find(needle) != std::string::npos)
      out.push_back(fs::relative(it->path(), dir).string());
  return out;
}

size_t lines_holding(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (const auto &line : lines_of(text)) n += line.find(needle) != std::string::npos;
  return n;
}

// A loopback port nothing listens on.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void check_kept(const TempDir &home, const std::string &account, const std::string &base_url, const std::string &key) {
  CHECK(files_holding(home.path(), key) == std::vector<std::string>{".qwen/secrets.json"});
  const auto accounts = nlohmann::json::parse(read_file(home.path() / ".qwen/openai_accounts.json"), nullptr, false);
  REQUIRE(accounts.is_object());
  CHECK(accounts[account].value("base_url", "") == base_url);
}

}  // namespace

TEST_CASE("openai key check: a key the server refuses is not kept (exit 4, one line, GET /v1/models with it)",
          "[openai][auth][key-check]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  for (const std::string account : {"", "work"}) {
    INFO("account '" << account << "'");
    const auto before = p.logged_requests("/v1/models").size();
    const auto r = account.empty() ? sign_in(home, p.base_url(), kWrongKey)
                                   : sign_in(home, p.base_url(), kWrongKey, {"--account", account});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK(lines_holding(r.err, "the server refused this key (HTTP 401) at " + p.base_url() +
                                   "/models; nothing was saved") == 1);
    CHECK(lines_holding(r.out + r.err, "refused") == 1);
    CHECK(r.err.find("Kept") == std::string::npos);
    const auto asked = p.logged_requests("/v1/models");
    REQUIRE(asked.size() == before + 1);
    CHECK(asked.back()["method"] == "GET");
    CHECK(asked.back()["headers"].value("authorization", "") == "Bearer " + kWrongKey);
    CHECK((r.out + r.err).find(kWrongKey) == std::string::npos);
    CHECK(files_holding(home.path(), kWrongKey).empty());
    CHECK_FALSE(fs::exists(home.path() / ".qwen/openai_accounts.json"));
  }
  CHECK(p.logged_requests().empty());  // no chat request: the check is the only one

  // -k on the command line takes the same way.
  const auto k = run_qwen(home, {"auth", "api-key", "--base-url", p.base_url(), "-k", kWrongKey});
  INFO(k.out << k.err);
  CHECK(k.exit_code == 4);
  CHECK(lines_holding(k.err, "the server refused this key (HTTP 401)") == 1);
  CHECK(files_holding(home.path(), kWrongKey).empty());
}

TEST_CASE("openai key check: a key the server takes is checked once and kept", "[openai][auth][key-check]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const auto r = sign_in(home, p.base_url(), kKey, {"--account", "work"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto asked = p.logged_requests("/v1/models");
  REQUIRE(asked.size() == 1);
  CHECK(asked[0]["headers"].value("authorization", "") == "Bearer " + kKey);
  CHECK(r.err.find("could not be checked") == std::string::npos);
  CHECK(r.err.find("Kept the API key of account 'work' in qwen's secret store") != std::string::npos);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
  check_kept(home, "work", p.base_url(), kKey);
  const auto chat = run_qwen(home, {"--auth-type", "openai", "--account", "work", "-p", "after the check"});
  INFO(chat.out << chat.err);
  CHECK(chat.exit_code == 0);
  CHECK(chat.out.find("You said: after the check") != std::string::npos);
}

TEST_CASE("openai key check: a server without /models keeps the key, with one notice that it was not checked",
          "[openai][auth][key-check]") {
  FakeProvider p({"--api-key", kKey, "--no-models"});
  TempDir home;
  const auto r = sign_in(home, p.base_url(), kKey);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(lines_holding(r.err, "The key could not be checked: " + p.base_url() +
                                 "/models answered HTTP 404 (not every OpenAI-compatible server has /models)") == 1);
  CHECK(p.logged_requests("/v1/models").size() == 1);
  CHECK(p.stat("models_requests") == 0);
  check_kept(home, "default", p.base_url(), kKey);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
}

TEST_CASE("openai key check: an unreachable base URL keeps the key, with one notice (offline set-up)",
          "[openai][auth][key-check]") {
  TempDir home;
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  const auto r = sign_in(home, url, kKey);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(lines_holding(r.err, "The key could not be checked: ") == 1);
  CHECK(lines_holding(r.err, url + "/models") == 2);  // "Checking the key with ..." and the notice
  CHECK(lines_holding(r.err, "going on with it unchecked") == 1);
  check_kept(home, "default", url, kKey);
  CHECK((r.out + r.err).find(kKey) == std::string::npos);
}

TEST_CASE("openai key check: a password in the base URL is not shown in the refusal, nor the key",
          "[openai][auth][key-check]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  const std::string password = "pw-in-the-url-7f3e";
  const std::string url = "http://me:" + password + "@127.0.0.1:" + std::to_string(p.port()) + "/v1";
  const auto r = sign_in(home, url, kWrongKey);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(lines_holding(r.err, "the server refused this key (HTTP 401) at http://me:****@127.0.0.1:") == 1);
  CHECK((r.out + r.err).find(password) == std::string::npos);
  CHECK((r.out + r.err).find(kWrongKey) == std::string::npos);
  CHECK(files_holding(home.path(), kWrongKey).empty());
  CHECK(files_holding(home.path(), password).empty());
}

TEST_CASE("openai key check: a wrong key typed at the terminal's sign-in is refused before the question about "
          "keeping it",
          "[openai][auth][key-check][tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  TerminalSession t(qwen_terminal(home, {}, {{"QWEN_OAUTH_BASE_URL", p.root_url()}}));
  REQUIRE(t.wait_for("Choose 1-3"));
  t.type_line("3");
  REQUIRE(t.wait_for("API key (input hidden"));
  t.type_line(kWrongKey);
  REQUIRE(t.wait_for("Base URL: [https://"));
  t.type_line(p.base_url());
  REQUIRE(t.wait_for("Model: ["));
  t.press("Enter");
  REQUIRE(t.wait_for("the server refused this key (HTTP 401) at " + p.base_url() + "/models; nothing was saved"));
  INFO(t.transcript());
  CHECK(t.transcript().find("Keep these settings") == std::string::npos);
  CHECK(t.transcript().find(kWrongKey) == std::string::npos);
  const auto asked = p.logged_requests("/v1/models");
  REQUIRE(asked.size() == 1);
  CHECK(asked[0]["headers"].value("authorization", "") == "Bearer " + kWrongKey);
  t.press("C-d");
  t.wait_for_exit();
  CHECK(files_holding(home.path(), kWrongKey).empty());
}
