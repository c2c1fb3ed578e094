// Bytes that are not clean text, end to end: a NUL in piped input crosses the
// C ABI with its length (the -p question after it included), a prompt that is
// not UTF-8 is bad input (3, one line; stream-json ends with an error event; a
// terminal session goes on), an answer with bytes that are not UTF-8 is
// repaired (U+FFFD) instead of refused, a "\u0000" in a delta keeps the rest of
// the delta (a 1.0 front-end still works: it sees the text up to the NUL), and
// under LC_ALL=C the terminal keeps what was typed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/terminal_session.hpp"

using namespace qwen::test;
using namespace std::string_literals;
using namespace std::chrono_literals;

namespace {

constexpr const char *kKey = "sk-bytes-test-key-5150";
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

QwenRunOptions openai_env(const FakeProvider &p) {
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
  return o;
}

void fast_network(const TempDir &home) {
  home.write(".qwen/config.toml", "[network]\nmax_retries = 0\nidle_timeout_ms = 5000\n");
}

size_t lines_in(const std::string &s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string fixture_dir(const std::string &name) {
  return std::string(QWEN_TEST_FIXTURE_PLUGIN_DIR) + "/" + name;
}

}  // namespace

TEST_CASE("bytes: a NUL in piped input reaches the model with the rest, and the -p question after it", "[bytes]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  o.stdin_text = "before\0after\n"s;
  auto r = run_qwen(home, {"-p", "the question"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0]["messages"][0]["content"] == "before\0after\n\nthe question"s);
  CHECK(r.out.find("the question") != std::string::npos);  // the echo came back whole too
}

TEST_CASE("bytes: a prompt that is not UTF-8 is bad input: 3, one line, nothing sent", "[bytes]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  SECTION("piped") {
    o.stdin_text = "caf\xE9 au lait\n";
    auto r = run_qwen(home, {}, o);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "qwen: error: the message is not UTF-8 text (byte 0xE9 at offset 3); the model API takes UTF-8 only: "
          "convert it first, e.g. with iconv\n");
  }
  SECTION("in -p") {
    auto r = run_qwen(home, {"-p", "ol\xE9"}, o);
    CHECK(r.exit_code == 3);
    CHECK(lines_in(r.err) == 1);
    CHECK(r.err.find("byte 0xE9 at offset 2") != std::string::npos);
    CHECK(r.err.find("json.exception") == std::string::npos);
  }
  SECTION("stream-json ends with an error event") {
    o.stdin_text = "\xFF\xFE u t f 16\n";
    auto r = run_qwen(home, {"--output-format", "stream-json"}, o);
    CHECK(r.exit_code == 3);
    REQUIRE(lines_in(r.out) >= 1);
    std::string last = r.out.substr(0, r.out.size() - 1);
    last = last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1);
    auto event = nlohmann::json::parse(last);
    CHECK(event["type"] == "error");
    CHECK(event["status"] == "bad_input");
    CHECK(event["exit_code"] == 3);
  }
  SECTION("json has the error object") {
    o.stdin_text = "\xC0\x80\n";
    auto r = run_qwen(home, {"--output-format", "json"}, o);
    CHECK(r.exit_code == 3);
    auto out = nlohmann::json::parse(r.out);
    CHECK(out["error"]["code"] == 3);
  }
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("bytes: in a session, a message that is not UTF-8 is refused and the next one is answered", "[bytes][tty]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  o.stdin_text = "first \xFF message\nsecond message\n";
  auto r = run_qwen(home, {"--frontend", "tty"}, o);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("error: the message is not UTF-8 text (byte 0xFF at offset 6)") != std::string::npos);
  CHECK(r.out.find("You said: second message") != std::string::npos);
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  REQUIRE(bodies[0]["messages"].size() == 1);  // the refused message is not in the conversation
  CHECK(bodies[0]["messages"][0]["content"] == "second message");
}

TEST_CASE("bytes: an answer with bytes that are not UTF-8 is shown with U+FFFD, not refused", "[bytes]") {
  FakeProvider p({"--api-key", kKey, "--fault", "delta:caf%E9 cr%C3%A8me %FF%FEend"});
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_env(p));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "caf" + kReplacement + " cr\xC3\xA8me " + kReplacement + kReplacement + "end\n");
  CHECK(r.err.empty());
}

TEST_CASE("bytes: a \\u0000 in a delta keeps the rest of the delta, in every output format", "[bytes]") {
  FakeProvider p({"--api-key", kKey, "--fault", "delta:one\\u0000two", "--fault", "delta:one\\u0000two", "--fault",
                  "delta:one\\u0000two"});
  TempDir home;
  fast_network(home);
  auto json = run_qwen(home, {"-p", "hi", "--output-format", "json"}, openai_env(p));
  INFO(json.err);
  CHECK(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out)["response"] == "one\0two"s);
  auto stream = run_qwen(home, {"-p", "hi", "--output-format", "stream-json"}, openai_env(p));
  CHECK(stream.out.find("{\"type\":\"delta\",\"text\":\"one\\u0000two\"}\n") != std::string::npos);
  auto text = run_qwen(home, {"-p", "hi"}, openai_env(p));
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("two") != std::string::npos);  // whatever the renderer makes of the NUL, the rest is there
}

TEST_CASE("bytes: a front-end built for ABI 1.0 still loads and works, and a 1.1 one gets the whole delta",
          "[bytes][plugins]") {
  FakeProvider p({"--api-key", kKey, "--fault", "delta:one\\u0000two", "--fault", "delta:one\\u0000two", "--fault",
                  "delta:plain"});
  TempDir home;
  fast_network(home);
  auto o = openai_env(p);
  o.env["QWEN_PLUGIN_PATH"] = fixture_dir("good_c") + ":" + fixture_dir("good_c_1_0");
  auto listing = run_qwen(home, {"plugins"}, o);
  INFO(listing.out);
  const size_t at = listing.out.find("cecho10.so");
  REQUIRE(at != std::string::npos);
  const std::string line = listing.out.substr(listing.out.rfind('\n', at) + 1,
                                              listing.out.find('\n', at) - listing.out.rfind('\n', at) - 1);
  CHECK(line.find("rejected") == std::string::npos);
  CHECK(line.find("frontend") != std::string::npos);

  auto v11 = run_qwen(home, {"--frontend", "cecho", "-p", "x"}, o);
  CHECK(v11.exit_code == 0);
  CHECK(v11.out == "[cecho]one\0two[/cecho]\n"s);
  auto v10 = run_qwen(home, {"--frontend", "cecho10", "-p", "x"}, o);
  CHECK(v10.exit_code == 0);
  CHECK(v10.out == "[cecho]one[/cecho]\n");  // a 1.0 reader sees the C string, as it always did
  auto plain = run_qwen(home, {"--frontend", "cecho10", "-p", "x"}, o);
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == "[cecho]plain[/cecho]\n");
}

TEST_CASE("bytes: under LC_ALL=C the terminal keeps the non-ASCII text that is typed", "[bytes][tty][terminal]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  TerminalSession t(qwen_terminal(home, {},
                                  {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"LC_ALL", "C"}}));
  REQUIRE(t.wait_for("Signed in with"));
  t.type_line("h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC");
  REQUIRE(t.wait_for("You said: h"));
  t.press("C-d");
  REQUIRE(t.wait_for_exit());
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0]["messages"][0]["content"] == "h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC");
}
