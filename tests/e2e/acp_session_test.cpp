// `qwen --acp` end to end, as an editor drives it: initialize, sessions, prompts streamed as
// session/update chunks, cancel, model choice and errors, against the loopback fake provider.
// (tests/acp/ runs the same flows with the official TypeScript client and checks the schema.)
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include <signal.h>

#include "e2e/acp_child.hpp"
#include "support/qwen_runner.hpp"
#include "support/fake_provider.hpp"

using namespace qwen::test;
using nlohmann::json;
using Ms = std::chrono::milliseconds;

namespace {

constexpr const char *kKey = "sk-acp-e2e-secret-0042";

std::map<std::string, std::string> openai_env(const FakeProvider &p) {
  return {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", p.base_url()}, {"OPENAI_MODEL", "fake-model"}};
}

void fast_network(const TempDir &home) {
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 10\nretry_max_wait_ms = 200\nidle_timeout_ms = 20000\n");
}

// initialize + session/new; returns the session id.
std::string open_session(AcpChild &acp, const TempDir &home) {
  auto init = acp.request("initialize", acp_initialize_params());
  REQUIRE(init.contains("result"));
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()));
  INFO(made.dump());
  REQUIRE(made.contains("result"));
  return made["result"]["sessionId"].get<std::string>();
}

// Every line qwen wrote is a JSON-RPC 2.0 message: stdout carries the protocol only.
void check_protocol_only(const ProcessResult &r) {
  for (const auto &line : lines_of(r.out)) {
    auto j = json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE(j.is_object());
    CHECK(j["jsonrpc"] == "2.0");
  }
}

}  // namespace

TEST_CASE("acp: a prompt streams each delta as an agent_message_chunk and ends with end_turn", "[acp]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  auto init = acp.request("initialize", acp_initialize_params());
  REQUIRE(init.contains("result"));
  CHECK(init["result"]["protocolVersion"] == 1);
  CHECK(init["result"]["agentInfo"]["name"] == "qwen");
  CHECK(init["result"]["agentCapabilities"]["auth"]["logout"].is_object());
  CHECK(init["result"]["agentCapabilities"]["promptCapabilities"]["embeddedContext"] == true);
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()));
  REQUIRE(made.contains("result"));
  std::string sid = made["result"]["sessionId"];
  auto id = acp.start_request("session/prompt", acp_prompt_params(sid, "stream me"));
  // The first chunk arrives before the answer.
  bool chunk_before_answer = false;
  for (;;) {
    auto m = acp.next(Ms(10000));
    REQUIRE(m);
    if (m->value("method", "") == "session/update" &&
        (*m)["params"]["update"]["sessionUpdate"] == "agent_message_chunk")
      chunk_before_answer = true;
    if (m->contains("id") && (*m)["id"] == id) {
      CHECK((*m)["result"]["stopReason"] == "end_turn");
      break;
    }
  }
  CHECK(chunk_before_answer);
  CHECK(acp.chunks_text(sid) == "Hello from the fake provider. You said: stream me");
  auto r = acp.wait();
  CHECK(r.exit_code == 0);
  check_protocol_only(r);
}

TEST_CASE("acp: a prompt holding a resource_link and an embedded text resource reaches the model", "[acp]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  json prompt = json::array({{{"type", "text"}, {"text", "Explain"}},
                             {{"type", "resource_link"}, {"uri", "file:///src/a.cpp"}, {"name", "a.cpp"}},
                             {{"type", "resource"}, {"resource", {{"uri", "file:///src/b.h"}, {"text", "int b;"}}}}});
  auto done = acp.request("session/prompt", {{"sessionId", sid}, {"prompt", prompt}});
  CHECK(done["result"]["stopReason"] == "end_turn");
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 1);
  std::string sent = bodies[0]["messages"].back()["content"];
  CHECK(sent.find("Explain") == 0);
  CHECK(sent.find("file:///src/a.cpp") != std::string::npos);
  CHECK(sent.find("int b;") != std::string::npos);
  // An image is not advertised: refused, nothing sent.
  auto image = acp.request(
      "session/prompt", {{"sessionId", sid},
                         {"prompt", json::array({{{"type", "image"}, {"data", "AA=="}, {"mimeType", "image/png"}}})}});
  CHECK(image["error"]["code"] == -32602);
  CHECK(p.chat_bodies().size() == 1);
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp: session/cancel on a stalled server ends the prompt with cancelled within 200 ms", "[acp]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  auto id = acp.start_request("session/prompt", acp_prompt_params(sid, "never ends"));
  // The stalled answer sends one delta, then nothing.
  for (;;) {
    auto m = acp.next(Ms(10000));
    REQUIRE(m);
    if (m->value("method", "") == "session/update" &&
        (*m)["params"]["update"]["sessionUpdate"] == "agent_message_chunk")
      break;
  }
  auto start = std::chrono::steady_clock::now();
  acp.send({{"jsonrpc", "2.0"}, {"method", "session/cancel"}, {"params", {{"sessionId", sid}}}});
  auto done = acp.response_to(id, Ms(5000));
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  INFO(done.dump());
  CHECK(done["result"]["stopReason"] == "cancelled");
  CHECK(took.count() < 200);
  // The session goes on: the next prompt is answered.
  auto next = acp.request("session/prompt", acp_prompt_params(sid, "again"));
  CHECK(next["result"]["stopReason"] == "end_turn");
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp: stdin closed mid-prompt cancels the request and qwen exits 0 with whole lines", "[acp]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  auto id = acp.start_request("session/prompt", acp_prompt_params(sid, "left hanging"));
  for (;;) {
    auto m = acp.next(Ms(10000));
    REQUIRE(m);
    if (m->value("method", "") == "session/update" &&
        (*m)["params"]["update"]["sessionUpdate"] == "agent_message_chunk")
      break;
  }
  auto start = std::chrono::steady_clock::now();
  acp.close_stdin();
  auto r = acp.wait(Ms(5000));
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(took.count() < 2000);
  REQUIRE_FALSE(r.out.empty());
  CHECK(r.out.back() == '\n');  // nothing half-written
  check_protocol_only(r);
  CHECK(acp.response_to(id, Ms(0))["result"]["stopReason"] == "cancelled");
}

TEST_CASE("acp: two sessions keep separate histories and models", "[acp]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string a = open_session(acp, home);
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()));
  REQUIRE(made.contains("result"));
  std::string b = made["result"]["sessionId"];
  CHECK(a != b);
  REQUIRE(acp.request("session/prompt", acp_prompt_params(a, "first in A"))["result"]["stopReason"] == "end_turn");
  REQUIRE(acp.request("session/prompt", acp_prompt_params(b, "first in B"))["result"]["stopReason"] == "end_turn");
  // B's model changes through the session config option; A keeps its own.
  auto set =
      acp.request("session/set_config_option", {{"sessionId", b}, {"configId", "model"}, {"value", "other-model"}});
  INFO(set.dump());
  REQUIRE(set.contains("result"));
  CHECK(set["result"]["configOptions"][0]["currentValue"] == "other-model");
  REQUIRE(acp.request("session/prompt", acp_prompt_params(a, "second in A"))["result"]["stopReason"] == "end_turn");
  REQUIRE(acp.request("session/prompt", acp_prompt_params(b, "second in B"))["result"]["stopReason"] == "end_turn");
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 4);
  auto users = [](const json &body) {
    std::vector<std::string> out;
    for (const auto &m : body["messages"])
      if (m["role"] == "user") out.push_back(m["content"]);
    return out;
  };
  CHECK(users(bodies[2]) == std::vector<std::string>{"first in A", "second in A"});
  CHECK(users(bodies[3]) == std::vector<std::string>{"first in B", "second in B"});
  CHECK(bodies[2]["model"] == "fake-model");
  CHECK(bodies[3]["model"] == "other-model");
  // An unknown session is refused, not created.
  CHECK(acp.request("session/prompt", acp_prompt_params("no-such", "x"))["error"]["code"] == -32002);
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp: /model, /clear and /stats are commands, advertised and answered without the model", "[acp]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  std::set<std::string> advertised;
  for (int i = 0; i < 50 && advertised.empty(); ++i) {
    for (const auto &m : acp.seen())
      if (m.value("method", "") == "session/update" &&
          m["params"]["update"]["sessionUpdate"] == "available_commands_update")
        for (const auto &c : m["params"]["update"]["availableCommands"])
          advertised.insert(c["name"].get<std::string>());
    if (advertised.empty()) acp.next(Ms(100));
  }
  CHECK(advertised == std::set<std::string>{"model", "auth", "clear", "stats"});
  CHECK(acp.request("session/prompt", acp_prompt_params(sid, "/model picked-model"))["result"]["stopReason"] ==
        "end_turn");
  CHECK(acp.chunks_text(sid).find("picked-model") != std::string::npos);
  CHECK(acp.request("session/prompt", acp_prompt_params(sid, "hello"))["result"]["stopReason"] == "end_turn");
  CHECK(acp.request("session/prompt", acp_prompt_params(sid, "/clear"))["result"]["stopReason"] == "end_turn");
  CHECK(acp.request("session/prompt", acp_prompt_params(sid, "after clear"))["result"]["stopReason"] == "end_turn");
  auto bodies = p.chat_bodies();
  REQUIRE(bodies.size() == 2);  // the commands never reached the model
  CHECK(bodies[0]["model"] == "picked-model");
  CHECK(bodies[1]["messages"].size() == 1);  // cleared
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp: a 429 after retries and a refused key become JSON-RPC errors in one secret-free line", "[acp]") {
  FakeProvider p({"--api-key", kKey, "--fault", "429", "--fault", "429", "--fault", "429", "--fault", "429", "--fault",
                  "429", "--fault", "429", "--fault", "401", "--fault", "401"});
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 1\nretry_max_wait_ms = 20\nmax_retries = 5\n");
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  auto limited = acp.request("session/prompt", acp_prompt_params(sid, "x"));
  INFO(limited.dump());
  REQUIRE(limited.contains("error"));
  std::string words = limited["error"]["message"];
  CHECK(words.find('\n') == std::string::npos);
  CHECK(limited["error"]["data"]["exitStatus"] == 6);
  auto refused = acp.request("session/prompt", acp_prompt_params(sid, "y"));
  INFO(refused.dump());
  REQUIRE(refused.contains("error"));
  CHECK(refused["error"]["data"]["exitStatus"] == 5);
  auto r = acp.wait();
  CHECK(r.out.find(kKey) == std::string::npos);
  CHECK(r.err.find(kKey) == std::string::npos);
}

TEST_CASE("acp: session/new before any sign-in answers auth_required", "[acp]") {
  TempDir home;
  AcpChild acp(home, {});
  auto init = acp.request("initialize", acp_initialize_params());
  REQUIRE(init.contains("result"));
  auto made = acp.request("session/new", acp_new_session_params(home.path().string()));
  INFO(made.dump());
  CHECK(made["error"]["code"] == -32000);
  CHECK(acp.wait().exit_code == 0);
}

TEST_CASE("acp: SIGTERM from the editor ends an idle qwen at once, as for the other front-ends", "[acp]") {
  TempDir home;
  AcpChild acp(home, {});
  REQUIRE(acp.request("initialize", acp_initialize_params()).contains("result"));
  auto start = std::chrono::steady_clock::now();
  kill(acp.pid(), SIGTERM);
  auto r = acp.wait(Ms(5000));
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 143);
  CHECK(took.count() < 1000);
}

TEST_CASE("acp: a server that cannot be reached is a JSON-RPC error with the network's words", "[acp]") {
  TempDir home;
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 1\nretry_max_wait_ms = 20\nmax_retries = 1\n");
  AcpChild acp(home, {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", "http://127.0.0.1:1/v1"}, {"OPENAI_MODEL", "m"}});
  std::string sid = open_session(acp, home);
  auto failed = acp.request("session/prompt", acp_prompt_params(sid, "anyone there?"));
  INFO(failed.dump());
  REQUIRE(failed.contains("error"));
  CHECK(failed["error"]["code"] == -32603);
  CHECK(failed["error"]["data"]["exitStatus"] == 7);
  CHECK(failed["error"]["message"].get<std::string>().find('\n') == std::string::npos);
  auto r = acp.wait();
  CHECK(r.exit_code == 0);
  check_protocol_only(r);
}

TEST_CASE("acp: $/cancel_request stops a running prompt and a queued request with -32800", "[acp]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  TempDir home;
  fast_network(home);
  AcpChild acp(home, openai_env(p));
  std::string sid = open_session(acp, home);
  auto prompt = acp.start_request("session/prompt", acp_prompt_params(sid, "stalls"));
  for (;;) {
    auto m = acp.next(Ms(10000));
    REQUIRE(m);
    if (m->value("method", "") == "session/update" &&
        (*m)["params"]["update"]["sessionUpdate"] == "agent_message_chunk")
      break;
  }
  // Queued behind the running prompt, then cancelled before it starts: answered, never run.
  auto queued = acp.start_request("session/new", acp_new_session_params(home.path().string()));
  acp.send({{"jsonrpc", "2.0"}, {"method", "$/cancel_request"}, {"params", {{"requestId", queued}}}});
  auto start = std::chrono::steady_clock::now();
  acp.send({{"jsonrpc", "2.0"}, {"method", "$/cancel_request"}, {"params", {{"requestId", prompt}}}});
  auto stopped = acp.response_to(prompt, Ms(5000));
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  INFO(stopped.dump());
  CHECK(stopped["error"]["code"] == -32800);
  CHECK(took.count() < 200);
  auto dropped = acp.response_to(queued, Ms(5000));
  INFO(dropped.dump());
  CHECK(dropped["error"]["code"] == -32800);
  // A cancel for an id already answered, or never sent, changes nothing.
  acp.send({{"jsonrpc", "2.0"}, {"method", "$/cancel_request"}, {"params", {{"requestId", prompt}}}});
  acp.send({{"jsonrpc", "2.0"}, {"method", "$/cancel_request"}, {"params", {{"requestId", "never"}}}});
  CHECK(acp.request("session/prompt", acp_prompt_params(sid, "again"))["result"]["stopReason"] == "end_turn");
  CHECK(acp.wait().exit_code == 0);
}
