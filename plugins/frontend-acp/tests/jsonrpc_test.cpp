// Reading JSON-RPC messages and writing them back, with the inputs a broken or hostile client sends.
#include <catch2/catch.hpp>

#include "jsonrpc.hpp"

using acp::Incoming;
using acp::parse_message;

TEST_CASE("jsonrpc: requests, notifications and responses are told apart", "[acp][jsonrpc]") {
  auto r = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"initialize","params":{"protocolVersion":1}})");
  CHECK(r.kind == Incoming::Kind::Request);
  CHECK(r.id == 7);
  CHECK(r.method == "initialize");
  CHECK(r.params["protocolVersion"] == 1);
  auto n = parse_message(R"({"jsonrpc":"2.0","method":"session/cancel","params":{"sessionId":"1"}})");
  CHECK(n.kind == Incoming::Kind::Notification);
  auto s = parse_message(R"({"jsonrpc":"2.0","id":"x","result":{}})");
  CHECK(s.kind == Incoming::Kind::Response);
  CHECK(s.id == "x");
}

TEST_CASE("jsonrpc: bad lines get the right error code", "[acp][jsonrpc]") {
  struct Case {
    const char *line;
    int code;
    bool has_id;
  };
  for (const Case &c :
       {Case{"not json", acp::kParseError, false}, Case{"{\"jsonrpc\":\"2.0\",", acp::kParseError, false},
        Case{"[1,2]", acp::kInvalidRequest, false}, Case{"42", acp::kInvalidRequest, false},
        Case{R"({"id":1,"method":"x"})", acp::kInvalidRequest, true},
        Case{R"({"jsonrpc":"1.0","id":1,"method":"x"})", acp::kInvalidRequest, true},
        Case{R"({"jsonrpc":"2.0","id":{"a":1},"method":"x"})", acp::kInvalidRequest, false},
        Case{R"({"jsonrpc":"2.0","id":1,"method":5})", acp::kInvalidRequest, true},
        Case{R"({"jsonrpc":"2.0","id":1,"method":"x","params":"str"})", acp::kInvalidParams, true},
        Case{R"({"jsonrpc":"2.0","id":1})", acp::kInvalidRequest, true}}) {
    INFO(c.line);
    auto m = parse_message(c.line);
    CHECK(m.kind == Incoming::Kind::Invalid);
    CHECK(m.error_code == c.code);
    CHECK(m.id.is_null() != c.has_id);
    CHECK_FALSE(m.error_message.empty());
  }
}

TEST_CASE("jsonrpc: what qwen writes is one line of valid JSON, even from bytes that are not UTF-8", "[acp][jsonrpc]") {
  auto msg = acp::make_notification("session/update", {{"text", std::string("a\nb\0c\xff", 6)}});
  std::string line = acp::to_line(msg);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  auto back = nlohmann::json::parse(line);
  CHECK(back["jsonrpc"] == "2.0");
  CHECK(back["params"]["text"] == std::string("a\nb\0c\xEF\xBF\xBD", 8));
  auto err = acp::make_error(3, acp::kMethodNotFound, "Method not found: x");
  CHECK(err["error"]["code"] == -32601);
  CHECK_FALSE(err["error"].contains("data"));
}
