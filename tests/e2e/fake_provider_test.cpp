// The fake provider itself (tests/fake_provider/README.md is its contract): other tests trust
// it to behave like a model server and an OAuth server, so each promise there is checked here,
// over real loopback HTTP, with curl or raw sockets.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fake_provider.hpp"
#include "support/temp_dir.hpp"

using namespace qwen::test;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr const char *kKey = "sk-fake-provider-test-0001";
// RFC 7636 appendix B: this verifier's S256 challenge.
constexpr const char *kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char *kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr const char *kClientId = "f0304373b74a44d2b584a3fb70ca9e56";
constexpr const char *kDeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - t).count());
}

// A loopback TCP connection with deadlines on every read, so a broken server fails a test
// instead of hanging it.
class Conn {
 public:
  explicit Conn(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  ~Conn() { close(fd_); }
  Conn(const Conn &) = delete;
  Conn &operator=(const Conn &) = delete;

  bool send_all(const std::string &data) {
    for (size_t off = 0; off < data.size();) {
      ssize_t w = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (w <= 0) return false;
      off += static_cast<size_t>(w);
    }
    return true;
  }

  // Reads what arrives within `wait`; false once the peer closed (or on error).
  bool read_some(milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return true;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    data_.append(buf, static_cast<size_t>(n));
    return true;
  }

  // Reads until `needle` is in the data (true) or the deadline/EOF comes first (false).
  bool read_until(const std::string &needle, milliseconds timeout, size_t from = 0) {
    auto deadline = Clock::now() + timeout;
    while (data_.find(needle, from) == std::string::npos) {
      if (eof_ || Clock::now() >= deadline) return false;
      read_some(milliseconds(20));
    }
    return true;
  }

  // Reads until the peer closes; false when the deadline comes first.
  bool read_to_eof(milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!eof_) {
      if (Clock::now() >= deadline) return false;
      read_some(milliseconds(20));
    }
    return true;
  }

  std::string &data() { return data_; }
  bool eof() const { return eof_; }

 private:
  int fd_ = -1;
  std::string data_;
  bool eof_ = false;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = false;  // the whole body arrived

  json body_json() const { return json::parse(body, nullptr, false); }
  std::string header(const std::string &name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses one response at the front of `data` (removing it); chunked bodies are decoded.
std::optional<Response> take_response(std::string &data) {
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  Response r;
  std::istringstream head(data.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) throw std::runtime_error("not an HTTP response: " + line);
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers[lower(line.substr(0, colon))] = value;
  }
  size_t pos = head_end + 4;
  if (lower(r.header("transfer-encoding")) == "chunked") {
    while (true) {
      size_t eol = data.find("\r\n", pos);
      if (eol == std::string::npos) return std::nullopt;
      size_t size = std::stoul(data.substr(pos, eol - pos), nullptr, 16);
      if (data.size() < eol + 2 + size + 2) return std::nullopt;
      r.body += data.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
      if (size == 0) break;
    }
  } else {
    size_t length = r.headers.count("content-length") ? std::stoul(r.header("content-length")) : 0;
    if (data.size() < pos + length) return std::nullopt;
    r.body = data.substr(pos, length);
    pos += length;
  }
  r.complete = true;
  data.erase(0, pos);
  return r;
}

// Reads one whole response from a kept-alive connection.
Response read_response(Conn &c, milliseconds timeout = milliseconds(5000)) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (auto r = take_response(c.data())) return *r;
    if (c.eof() || Clock::now() >= deadline) throw std::runtime_error("no complete response: " + c.data());
    c.read_some(milliseconds(20));
  }
}

std::string request_text(const std::string &method, const std::string &target, const std::string &body,
                         const std::map<std::string, std::string> &headers, bool keep_alive) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto &[k, v] : headers) req += k + ": " + v + "\r\n";
  if (!keep_alive) req += "Connection: close\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return req + "\r\n" + body;
}

Response http(int port, const std::string &method, const std::string &target, const std::string &body = {},
              const std::map<std::string, std::string> &headers = {}) {
  Conn c(port);
  c.send_all(request_text(method, target, body, headers, false));
  c.read_to_eof(milliseconds(10000));
  auto r = take_response(c.data());
  if (!r) throw std::runtime_error("incomplete response to " + method + " " + target);
  return *r;
}

Response form_post(int port, const std::string &target, const std::string &body) {
  return http(port, "POST", target, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
}

std::map<std::string, std::string> bearer(const std::string &token) {
  return {{"Authorization", "Bearer " + token}};
}

json chat_body(const std::string &user_text, bool stream, bool include_usage = true) {
  json b = {{"model", "fake-model"}, {"messages", json::array({{{"role", "user"}, {"content", user_text}}})}};
  if (stream) {
    b["stream"] = true;
    if (include_usage) b["stream_options"] = {{"include_usage", true}};
  }
  return b;
}

Response chat(int port, const json &body, const std::string &key = kKey) {
  return http(port, "POST", "/v1/chat/completions", body.dump(), bearer(key));
}

struct CurlResult {
  int exit_code = -1;
  int status = 0;
  std::string headers;  // the final response's header block
  std::string body;
  std::string err;
};

// curl -i, with the interim `100 Continue` block skipped; curl decodes chunked bodies itself.
CurlResult curl(const std::vector<std::string> &args, milliseconds timeout = milliseconds(15000)) {
  ProcessOptions o;
  o.args = {"/usr/bin/curl", "-sS", "-i", "-N", "--noproxy", "*", "--max-time", "10"};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env = {{"PATH", "/usr/bin:/bin"}};
  o.timeout = timeout;
  auto p = run_process(o);
  CurlResult r;
  r.exit_code = p.exit_code;
  r.err = p.err;
  std::string rest = p.out;
  while (rest.rfind("HTTP/", 0) == 0) {
    size_t end = rest.find("\r\n\r\n");
    if (end == std::string::npos) break;
    r.headers = rest.substr(0, end + 2);
    r.status = std::stoi(rest.substr(9, 3));
    rest.erase(0, end + 4);
    if (r.status >= 200) break;
  }
  r.body = rest;
  return r;
}

std::vector<std::string> curl_chat_args(const FakeProvider &p, const json &body, const std::string &key = kKey) {
  return {"-H",        "Authorization: Bearer " + key,    "-H", "Content-Type: application/json", "--data-raw",
          body.dump(), p.base_url() + "/chat/completions"};
}

// The `data:` payloads of an SSE body, in order.
std::vector<std::string> sse_data(const std::string &body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("data: ", 0) == 0) out.push_back(line.substr(6));
  }
  return out;
}

std::string content_of(const std::vector<std::string> &events, size_t *deltas = nullptr) {
  std::string text;
  if (deltas) *deltas = 0;
  for (const auto &e : events) {
    auto j = json::parse(e, nullptr, false);
    if (j.is_discarded() || !j.contains("choices") || j["choices"].empty()) continue;
    const auto &d = j["choices"][0]["delta"];
    if (d.contains("content")) {
      text += d["content"].get<std::string>();
      if (deltas) ++*deltas;
    }
  }
  return text;
}

// Starts a device flow; returns the device-code response.
json start_device_flow(int port, const std::string &challenge = kChallenge) {
  auto r = form_post(port, "/api/v1/oauth2/device/code",
                     std::string("client_id=") + kClientId +
                         "&scope=openid%20profile+email%20model.completion&code_challenge=" + challenge +
                         "&code_challenge_method=S256");
  REQUIRE(r.status == 200);
  return r.body_json();
}

Response poll_token(int port, const std::string &device_code, const std::string &verifier = kVerifier,
                    const std::string &client_id = kClientId) {
  return form_post(port, "/api/v1/oauth2/token",
                   "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=" + client_id +
                       "&device_code=" + device_code + "&code_verifier=" + verifier);
}

Response refresh(int port, const std::string &refresh_token) {
  return form_post(port, "/api/v1/oauth2/token",
                   std::string("grant_type=refresh_token&client_id=") + kClientId + "&refresh_token=" + refresh_token);
}

ProcessOptions provider_command(const std::vector<std::string> &extra) {
  ProcessOptions o;
  o.args = {QWEN_TEST_FAKE_PROVIDER};
  o.args.insert(o.args.end(), extra.begin(), extra.end());
  o.env = {{"PATH", "/usr/bin:/bin"}};
  return o;
}

int port_of(const std::string &listening_line) {
  const std::string prefix = "listening 127.0.0.1:";
  REQUIRE(listening_line.rfind(prefix, 0) == 0);
  return std::stoi(listening_line.substr(prefix.size()));
}

}  // namespace

TEST_CASE("fake provider: announces its port, writes the port file, listens on loopback only, stops on SIGTERM",
          "[fake-provider]") {
  TempDir dir;
  auto port_file = dir.path() / "port";
  BackgroundProcess server(provider_command({"--port-file", port_file.string()}));
  std::string line = server.wait_for_line("listening", milliseconds(10000));
  int port = port_of(line);
  CHECK(line == "listening 127.0.0.1:" + std::to_string(port));
  CHECK(read_file(port_file) == std::to_string(port) + "\n");
  CHECK_FALSE(std::filesystem::exists(port_file.string() + ".tmp"));

  // /proc/net/tcp lists listening sockets (state 0A) as hex ADDRESS:PORT; 0100007F is 127.0.0.1.
  std::ifstream tcp("/proc/net/tcp");
  std::string l;
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  std::vector<std::string> listeners;
  while (std::getline(tcp, l)) {
    std::istringstream fields(l);
    std::string sl, local, remote, state;
    fields >> sl >> local >> remote >> state;
    if (state == "0A" && local.size() > 9 && local.substr(9) == port_hex) listeners.push_back(local.substr(0, 8));
  }
  CHECK(listeners == std::vector<std::string>{"0100007F"});

  CHECK(http(port, "GET", "/v1/models", {}, bearer("anything")).status == 200);
  auto start = Clock::now();
  server.signal(SIGTERM);
  auto r = server.wait(milliseconds(5000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(ms_since(start) < 3000);
}

TEST_CASE("fake provider: SIGINT and POST /__control/shutdown stop it at once", "[fake-provider]") {
  for (bool by_signal : {true, false}) {
    BackgroundProcess server(provider_command({}));
    int port = port_of(server.wait_for_line("listening", milliseconds(10000)));
    auto start = Clock::now();
    if (by_signal) {
      server.signal(SIGINT);
    } else {
      auto r = http(port, "POST", "/__control/shutdown");
      CHECK(r.status == 200);
      CHECK(r.body_json()["ok"] == true);
    }
    auto r = server.wait(milliseconds(5000));
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    CHECK(ms_since(start) < 3000);
  }
}

TEST_CASE("fake provider: exits by itself after --idle-exit seconds without a request", "[fake-provider]") {
  auto started = Clock::now();
  BackgroundProcess server(provider_command({"--idle-exit", "1"}));
  int port = port_of(server.wait_for_line("listening", milliseconds(10000)));
  // Requests keep it alive past the first second...
  std::this_thread::sleep_for(milliseconds(600));
  CHECK(http(port, "GET", "/__control/stats").status == 200);
  std::this_thread::sleep_for(milliseconds(600));
  CHECK(http(port, "GET", "/__control/stats").status == 200);
  auto last_request = Clock::now();
  CHECK(ms_since(started) >= 1200);
  // ...and then it goes by itself, about a second after the last one.
  auto r = server.wait(milliseconds(5000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(ms_since(last_request) >= 900);
  CHECK(ms_since(last_request) < 4000);
  CHECK(r.err.find("no request for 1 s") != std::string::npos);
}

TEST_CASE("fake provider: a bad command line exits 2 with a message", "[fake-provider]") {
  for (auto args : {std::vector<std::string>{"--fault", "teapot"}, std::vector<std::string>{"--port", "x"},
                    std::vector<std::string>{"--oauth-mode", "weird"}, std::vector<std::string>{"--bogus"},
                    std::vector<std::string>{"--client", "no-secret"}, std::vector<std::string>{"--client", ":s"}}) {
    auto o = provider_command(args);
    o.timeout = milliseconds(5000);
    auto r = run_process(o);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("qwen-fake-provider:") != std::string::npos);
    CHECK(r.out.find("listening") == std::string::npos);
  }
}

TEST_CASE("fake provider: streams a chat answer as role, deltas, finish, usage and [DONE]", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  auto r = curl(curl_chat_args(p, chat_body("hi there", true)));
  REQUIRE(r.exit_code == 0);
  CHECK(r.status == 200);
  CHECK(lower(r.headers).find("content-type: text/event-stream") != std::string::npos);
  CHECK(lower(r.headers).find("transfer-encoding: chunked") != std::string::npos);
  auto events = sse_data(r.body);
  REQUIRE(events.size() >= 5);
  CHECK(events.back() == "[DONE]");

  auto first = json::parse(events.front());
  CHECK(first["id"] == "chatcmpl-fake");
  CHECK(first["object"] == "chat.completion.chunk");
  CHECK(first["model"] == "fake-model");
  CHECK(first["choices"][0]["delta"] == json{{"role", "assistant"}});

  size_t deltas = 0;
  std::string text = content_of(events, &deltas);
  CHECK(text == "Hello from the fake provider. You said: hi there");
  CHECK(deltas >= 8);  // a few characters each, not one lump
  for (const auto &e : events) {
    auto j = json::parse(e, nullptr, false);
    if (!j.is_discarded() && !j["choices"].empty() && j["choices"][0]["delta"].contains("content"))
      CHECK(j["choices"][0]["delta"]["content"].get<std::string>().size() <= 4);
  }

  auto finish = json::parse(events[events.size() - 3]);
  CHECK(finish["choices"][0]["finish_reason"] == "stop");
  auto usage = json::parse(events[events.size() - 2]);
  CHECK(usage["choices"] == json::array());
  long p_tokens = usage["usage"]["prompt_tokens"], c_tokens = usage["usage"]["completion_tokens"];
  CHECK(p_tokens > 0);
  CHECK(c_tokens > 0);
  CHECK(usage["usage"]["total_tokens"] == p_tokens + c_tokens);
}

TEST_CASE("fake provider: no usage chunk unless stream_options.include_usage", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  auto r = curl(curl_chat_args(p, chat_body("hi", true, false)));
  REQUIRE(r.exit_code == 0);
  auto events = sse_data(r.body);
  REQUIRE(events.size() >= 3);
  CHECK(events.back() == "[DONE]");
  CHECK(json::parse(events[events.size() - 2])["choices"][0]["finish_reason"] == "stop");
  CHECK(r.body.find("\"usage\"") == std::string::npos);
  CHECK(content_of(events) == "Hello from the fake provider. You said: hi");
}

TEST_CASE("fake provider: answers without stream with one chat.completion object", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  auto r = chat(p.port(), chat_body("plain please", false));
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  auto j = r.body_json();
  CHECK(j["object"] == "chat.completion");
  CHECK(j["model"] == "fake-model");
  CHECK(j["choices"][0]["message"]["role"] == "assistant");
  CHECK(j["choices"][0]["message"]["content"] == "Hello from the fake provider. You said: plain please");
  CHECK(j["choices"][0]["finish_reason"] == "stop");
  CHECK(j["usage"]["total_tokens"] ==
        j["usage"]["prompt_tokens"].get<long>() + j["usage"]["completion_tokens"].get<long>());
}

TEST_CASE("fake provider: echoes the last user message (string or parts), --reply replaces the text",
          "[fake-provider][chat]") {
  json body = {{"model", "m"},
               {"messages",
                {{{"role", "system"}, {"content", "be brief"}},
                 {{"role", "user"}, {"content", "first"}},
                 {{"role", "assistant"}, {"content", "ok"}},
                 {{"role", "user"},
                  {"content", {{{"type", "text"}, {"text", "second "}}, {{"type", "text"}, {"text", "part ü"}}}}}}}};
  {
    FakeProvider p({"--api-key", kKey});
    auto r = chat(p.port(), body);
    CHECK(r.body_json()["choices"][0]["message"]["content"] == "Hello from the fake provider. You said: second part ü");
  }
  FakeProvider p({"--api-key", kKey, "--reply", "Ünïcode reply, fixed."});
  body["stream"] = true;
  auto r = curl(curl_chat_args(p, body));
  CHECK(content_of(sse_data(r.body)) == "Ünïcode reply, fixed.");
}

TEST_CASE("fake provider: __bytes:N answers N bytes in ~1 KiB deltas", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  auto r = curl(curl_chat_args(p, chat_body("__bytes:5000", true)));
  REQUIRE(r.exit_code == 0);
  size_t deltas = 0;
  auto events = sse_data(r.body);
  std::string text = content_of(events, &deltas);
  CHECK(text.size() == 5000);
  CHECK(deltas == 5);
  CHECK(events.back() == "[DONE]");
  auto whole = chat(p.port(), chat_body("__bytes:3000", false));
  CHECK(whole.body_json()["choices"][0]["message"]["content"].get<std::string>().size() == 3000);
}

TEST_CASE("fake provider: checks the bearer token on /v1/*", "[fake-provider][chat][auth]") {
  FakeProvider p({"--api-key", kKey, "--api-key", "sk-second-key"});
  const json expected = {
      {"error", {{"message", "Invalid API key"}, {"type", "invalid_request_error"}, {"code", "invalid_api_key"}}}};
  auto wrong = chat(p.port(), chat_body("hi", false), "sk-wrong");
  CHECK(wrong.status == 401);
  CHECK(wrong.body_json() == expected);
  auto missing = http(p.port(), "POST", "/v1/chat/completions", chat_body("hi", false).dump());
  CHECK(missing.status == 401);
  CHECK(http(p.port(), "GET", "/v1/models", {}, bearer("sk-wrong")).status == 401);
  CHECK(chat(p.port(), chat_body("hi", false), "sk-second-key").status == 200);
  CHECK(chat(p.port(), chat_body("hi", false)).status == 200);
  CHECK(p.stat("chat_requests") == 4);
  CHECK(p.stat("models_requests") == 1);

  FakeProvider open;  // no --api-key: any bearer, but still a bearer
  CHECK(chat(open.port(), chat_body("hi", false), "whatever-token").status == 200);
  CHECK(http(open.port(), "POST", "/v1/chat/completions", chat_body("hi", false).dump()).status == 401);
}

TEST_CASE("fake provider: GET /v1/models lists fake-model", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  auto r = http(p.port(), "GET", "/v1/models", {}, bearer(kKey));
  CHECK(r.status == 200);
  CHECK(r.body_json() == json{{"object", "list"}, {"data", {{{"id", "fake-model"}, {"object", "model"}}}}});
  CHECK(p.stat("models_requests") == 1);
  CHECK(http(p.port(), "GET", "/v1/nothing-here", {}, bearer(kKey)).status == 404);
  CHECK(http(p.port(), "GET", "/v1/chat/completions", {}, bearer(kKey)).status == 405);
}

TEST_CASE("fake provider: 400 for bodies that are not JSON or lack model/messages", "[fake-provider][chat]") {
  FakeProvider p({"--api-key", kKey});
  for (const std::string body :
       {"{not json", "[1,2]", R"({"messages":[{"role":"user","content":"x"}]})", R"({"model":"m"})",
        R"({"model":"m","messages":"nope"})", R"({"model":7,"messages":[]})"}) {
    auto r = http(p.port(), "POST", "/v1/chat/completions", body, bearer(kKey));
    INFO(body);
    CHECK(r.status == 400);
    CHECK(r.body_json()["error"]["message"].is_string());
  }
  CHECK(chat(p.port(), chat_body("still alive", false)).status == 200);
}

TEST_CASE("fake provider: faults 401, 429, 429:S, 500 and html answer one request each, in order",
          "[fake-provider][faults]") {
  FakeProvider p(
      {"--api-key", kKey, "--fault", "401", "--fault", "429", "--fault", "429:7", "--fault", "500", "--fault", "html"});
  CHECK(p.stat("faults_pending") == 5);
  auto r401 = chat(p.port(), chat_body("hi", false));
  CHECK(r401.status == 401);
  CHECK(r401.body_json()["error"]["code"] == "invalid_api_key");

  auto r429 = chat(p.port(), chat_body("hi", false));
  CHECK(r429.status == 429);
  CHECK(r429.body_json() == json{{"error", {{"message", "Rate limit exceeded"}, {"type", "rate_limit_error"}}}});
  CHECK(r429.headers.count("retry-after") == 0);

  auto r429s = chat(p.port(), chat_body("hi", true));
  CHECK(r429s.status == 429);
  CHECK(r429s.header("retry-after") == "7");

  auto r500 = chat(p.port(), chat_body("hi", false));
  CHECK(r500.status == 500);
  CHECK(r500.body_json() == json{{"error", {{"message", "Internal error"}}}});

  auto html = chat(p.port(), chat_body("hi", true));
  CHECK(html.status == 200);
  CHECK(html.header("content-type").rfind("text/html", 0) == 0);
  CHECK(html.body == "<html><body>Challenge</body></html>");

  auto normal = chat(p.port(), chat_body("hi", false));
  CHECK(normal.status == 200);
  CHECK(p.stat("chat_requests") == 6);
  CHECK(p.stat("faults_pending") == 0);
}

TEST_CASE("fake provider: a fault is consumed even by a request with a wrong key", "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "500"});
  CHECK(chat(p.port(), chat_body("hi", false), "sk-wrong").status == 500);
  CHECK(chat(p.port(), chat_body("hi", false), "sk-wrong").status == 401);
}

TEST_CASE("fake provider: faults can be queued with POST /__control/fault", "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey});
  auto queued = http(p.port(), "POST", "/__control/fault", "429:2\n");
  CHECK(queued.status == 200);
  CHECK(queued.body_json()["faults_pending"] == 1);
  CHECK(http(p.port(), "POST", "/__control/fault", "teapot").status == 400);
  auto r = chat(p.port(), chat_body("hi", false));
  CHECK(r.status == 429);
  CHECK(r.header("retry-after") == "2");
  CHECK(chat(p.port(), chat_body("hi", false)).status == 200);
}

TEST_CASE("fake provider: fault close drops the connection without an answer", "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "close"});
  auto r = curl(curl_chat_args(p, chat_body("hi", true)));
  CHECK(r.exit_code == 52);  // curl: empty reply from server
  CHECK(r.status == 0);
  CHECK(p.stat("chat_requests") == 1);
}

TEST_CASE("fake provider: fault cut sends about half the text, then closes without [DONE]", "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "cut", "--fault", "cut"});
  const std::string full = "Hello from the fake provider. You said: a fairly long question so the answer is long";
  auto r = curl(curl_chat_args(p, chat_body("a fairly long question so the answer is long", true)));
  CHECK(r.exit_code == 18);  // curl: transfer closed with outstanding read data (chunked body unfinished)
  CHECK(r.status == 200);
  auto events = sse_data(r.body);
  std::string text = content_of(events);
  CHECK(text.size() >= full.size() / 2);
  CHECK(text.size() < full.size() * 3 / 4);
  CHECK(full.rfind(text, 0) == 0);
  CHECK(std::find(events.begin(), events.end(), "[DONE]") == events.end());
  CHECK(r.body.find("finish_reason") == std::string::npos);

  // Without stream: a Content-Length that is never reached.
  auto whole = curl(curl_chat_args(p, chat_body("hi", false)));
  CHECK(whole.exit_code == 18);
  CHECK(json::parse(whole.body, nullptr, false).is_discarded());
}

TEST_CASE("fake provider: fault slow:MS spaces the chunks, so the first delta comes well before the last",
          "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "slow:60"});
  Conn c(p.port());
  auto start = Clock::now();
  c.send_all(request_text("POST", "/v1/chat/completions", chat_body("hi", true).dump(), bearer(kKey), false));
  REQUIRE(c.read_until("\"content\"", milliseconds(5000)));
  long first_delta = ms_since(start);
  CHECK(c.data().find("[DONE]") == std::string::npos);
  REQUIRE(c.read_until("[DONE]", milliseconds(10000)));
  long done = ms_since(start);
  // 11 deltas + finish + usage + [DONE] after the role chunk: 14 gaps of 60 ms.
  CHECK(done >= 14 * 60 - 20);
  CHECK(first_delta < done - 400);
}

TEST_CASE("fake provider: fault stall sends one delta then nothing, without holding up other connections",
          "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "stall"});
  Conn stalled(p.port());
  stalled.send_all(request_text("POST", "/v1/chat/completions", chat_body("hi", true).dump(), bearer(kKey), false));
  REQUIRE(stalled.read_until("\"content\"", milliseconds(5000)));
  size_t seen = stalled.data().size();

  auto start = Clock::now();
  auto other = chat(p.port(), chat_body("meanwhile", false));
  CHECK(other.status == 200);
  CHECK(ms_since(start) < 2000);
  CHECK(p.stat("chat_requests") == 2);

  for (int i = 0; i < 10; ++i) stalled.read_some(milliseconds(50));
  CHECK_FALSE(stalled.eof());
  CHECK(stalled.data().size() == seen);
  CHECK(std::count(stalled.data().begin(), stalled.data().end(), '\n') > 0);
  CHECK(stalled.data().find("[DONE]") == std::string::npos);

  // curl gives up on a stall by its own timeout.
  http(p.port(), "POST", "/__control/fault", "stall");
  auto r = curl({"--max-time", "1", "-H", std::string("Authorization: Bearer ") + kKey, "--data-raw",
                 chat_body("hi", true).dump(), p.base_url() + "/chat/completions"});
  CHECK(r.exit_code == 28);  // curl: operation timed out
  CHECK(content_of(sse_data(r.body)) == "Hell");
}

TEST_CASE("fake provider: fault garbage sends data lines that are not JSON", "[fake-provider][faults]") {
  FakeProvider p({"--api-key", kKey, "--fault", "garbage", "--fault", "garbage"});
  auto r = curl(curl_chat_args(p, chat_body("hi", true)));
  CHECK(r.exit_code == 0);
  CHECK(r.status == 200);
  CHECK(lower(r.headers).find("content-type: text/event-stream") != std::string::npos);
  auto events = sse_data(r.body);
  REQUIRE_FALSE(events.empty());
  CHECK(json::parse(events.front(), nullptr, false).is_discarded());
  CHECK(content_of(events).empty());
  auto whole = chat(p.port(), chat_body("hi", false));
  CHECK(whole.status == 200);
  CHECK(whole.body_json().is_discarded());
}

TEST_CASE("fake provider: keeps connections alive across requests", "[fake-provider][http]") {
  FakeProvider p({"--api-key", kKey});
  Conn c(p.port());
  for (int i = 0; i < 3; ++i) {
    c.send_all(request_text("GET", "/v1/models", {}, bearer(kKey), true));
    auto r = read_response(c);
    CHECK(r.status == 200);
    CHECK(r.body_json()["object"] == "list");
  }
  // A streamed (chunked) answer leaves the connection usable too.
  c.send_all(request_text("POST", "/v1/chat/completions", chat_body("one", true).dump(), bearer(kKey), true));
  auto streamed = read_response(c);
  CHECK(content_of(sse_data(streamed.body)) == "Hello from the fake provider. You said: one");
  c.send_all(request_text("POST", "/v1/chat/completions", chat_body("two", false).dump(), bearer(kKey), true));
  CHECK(read_response(c).body_json()["choices"][0]["message"]["content"] ==
        "Hello from the fake provider. You said: two");
  CHECK_FALSE(c.eof());
  CHECK(p.stat("models_requests") == 3);
}

TEST_CASE("fake provider: logs each request as one JSON line", "[fake-provider][http]") {
  FakeProvider p({"--api-key", kKey});
  const std::string body = chat_body("log me", true).dump();
  CHECK(http(p.port(), "POST", "/v1/chat/completions?x=1", body,
             {{"Authorization", std::string("Bearer ") + kKey}, {"X-Custom-Header", "Value 1"}})
            .status == 200);
  std::vector<json> lines;
  std::istringstream in(p.request_log());
  std::string line;
  while (std::getline(in, line)) lines.push_back(json::parse(line));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["method"] == "POST");
  CHECK(lines[0]["target"] == "/v1/chat/completions?x=1");
  CHECK(lines[0]["headers"]["authorization"] == std::string("Bearer ") + kKey);
  CHECK(lines[0]["headers"]["x-custom-header"] == "Value 1");
  CHECK(lines[0]["body"] == body);
}

TEST_CASE("fake provider: 413 for a body over 8 MiB, whether announced or uploaded", "[fake-provider][http]") {
  FakeProvider p({"--api-key", kKey});
  {
    Conn c(p.port());
    c.send_all("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 9437184\r\n\r\n");
    auto r = read_response(c);
    CHECK(r.status == 413);
    CHECK(r.body_json()["error"]["message"].get<std::string>().find("8 MiB") != std::string::npos);
  }
  TempDir dir;
  auto big = dir.write("big.json", std::string(9 * 1024 * 1024, 'x'));
  auto up = curl({"-H", std::string("Authorization: Bearer ") + kKey, "--data-binary", "@" + big.string(),
                  p.base_url() + "/chat/completions"});
  CHECK(up.status == 413);
  // Chunked uploads have no length to check up front; the cap still holds.
  auto chunked = curl(
      {"-H", "Transfer-Encoding: chunked", "--data-binary", "@" + big.string(), p.base_url() + "/chat/completions"});
  CHECK(chunked.status == 413);
  CHECK(chat(p.port(), chat_body("after", false)).status == 200);
}

TEST_CASE("fake provider: malformed requests get 400 or a closed connection, never a crash", "[fake-provider][http]") {
  FakeProvider p({"--api-key", kKey});
  for (const std::string &junk : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                                  std::string("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -4\r\n\r\n"),
                                  std::string("\x01\x02\x03\xff\r\n\r\n", 8)}) {
    Conn c(p.port());
    c.send_all(junk);
    CHECK(c.read_to_eof(milliseconds(5000)));
    CHECK(c.data().rfind("HTTP/1.1 400", 0) == 0);
  }
  {
    Conn half(p.port());  // a request cut short by the client
    half.send_all("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"mod");
  }
  CHECK(http(p.port(), "POST", "/v1/chat/completions", std::string("\xff\xfe{", 3), bearer(kKey)).status == 400);
  CHECK(chat(p.port(), chat_body("alive", false)).status == 200);
}

TEST_CASE("fake provider: device flow with PKCE from code to tokens", "[fake-provider][oauth]") {
  FakeProvider p({"--api-key", kKey, "--interval", "0", "--token-lifetime", "77", "--device-expires", "120"});
  json code = start_device_flow(p.port());
  CHECK(code["verification_uri"] == p.root_url() + "/authorize");
  CHECK(code["verification_uri_complete"] ==
        p.root_url() + "/authorize?user_code=" + code["user_code"].get<std::string>());
  CHECK(code["expires_in"] == 120);
  CHECK(code["interval"] == 0);
  const std::string device_code = code["device_code"];
  CHECK(device_code.size() >= 20);

  auto pending = poll_token(p.port(), device_code);
  CHECK(pending.status == 400);
  CHECK(pending.body_json()["error"] == "authorization_pending");
  CHECK(poll_token(p.port(), device_code, "the-wrong-verifier-the-wrong-verifier-0000").body_json()["error"] ==
        "invalid_grant");
  CHECK(poll_token(p.port(), device_code, kVerifier, "another-client").body_json()["error"] == "invalid_grant");
  CHECK(poll_token(p.port(), "no-such-device-code").body_json()["error"] == "invalid_grant");

  std::string uri = code["verification_uri_complete"];
  auto approved = http(p.port(), "GET", uri.substr(p.root_url().size()));
  CHECK(approved.status == 200);
  CHECK(approved.header("content-type").rfind("text/html", 0) == 0);
  CHECK(approved.body.find("approved") != std::string::npos);

  auto tokens = poll_token(p.port(), device_code);
  REQUIRE(tokens.status == 200);
  auto t = tokens.body_json();
  CHECK(t["token_type"] == "Bearer");
  CHECK(t["expires_in"] == 77);
  CHECK(t["resource_url"] == p.root_url());
  CHECK(t["access_token"].get<std::string>().size() >= 16);
  CHECK(t["refresh_token"].get<std::string>().size() >= 16);
  CHECK(t["access_token"] != t["refresh_token"]);
  // The issued access token works on the model API alongside --api-key.
  CHECK(chat(p.port(), chat_body("hi", false), t["access_token"]).status == 200);
  // A device code gives tokens once.
  CHECK(poll_token(p.port(), device_code).body_json()["error"] == "invalid_grant");

  CHECK(p.stat("device_code_requests") == 1);
  CHECK(p.stat("token_polls") == 6);
  CHECK(p.stat("refresh_requests") == 0);
}

TEST_CASE("fake provider: device code requests need client_id and an S256 challenge", "[fake-provider][oauth]") {
  FakeProvider p;
  for (const std::string &body :
       {std::string("client_id=c&code_challenge_method=S256"),
        std::string("client_id=c&code_challenge=") + kChallenge + "&code_challenge_method=plain",
        std::string("client_id=c&code_challenge=") + kChallenge,
        std::string("code_challenge=") + kChallenge + "&code_challenge_method=S256"}) {
    auto r = form_post(p.port(), "/api/v1/oauth2/device/code", body);
    INFO(body);
    CHECK(r.status == 400);
    CHECK(r.body_json()["error"] == "invalid_request");
  }
  CHECK(p.stat("device_code_requests") == 4);
}

TEST_CASE("fake provider: decodes percent-encoded form values", "[fake-provider][oauth]") {
  FakeProvider p({"--interval", "0"});
  // client_id "my client/1" sent as %20 and %2F, then polled with '+' for the space.
  auto code =
      form_post(p.port(), "/api/v1/oauth2/device/code",
                std::string("client_id=my%20client%2F1&code_challenge=") + kChallenge + "&code_challenge_method=S256");
  REQUIRE(code.status == 200);
  const std::string device_code = code.body_json()["device_code"];
  http(p.port(), "POST", "/__control/approve-all");
  CHECK(poll_token(p.port(), device_code, kVerifier, "my+client%2f1").status == 200);
}

TEST_CASE("fake provider: polling faster than the interval gets 429 slow_down", "[fake-provider][oauth]") {
  FakeProvider p({"--interval", "5"});
  json code = start_device_flow(p.port());
  CHECK(code["interval"] == 5);
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "authorization_pending");
  auto fast = poll_token(p.port(), code["device_code"]);
  CHECK(fast.status == 429);
  CHECK(fast.body_json()["error"] == "slow_down");
}

TEST_CASE("fake provider: strict RFC 8628 mode, no interval announced, the first poll judged from the code's issue",
          "[fake-provider][oauth]") {
  FakeProvider p({"--strict-rfc8628", "--interval", "none"});
  json code = start_device_flow(p.port());
  CHECK_FALSE(code.contains("interval"));
  // At once: sooner than the RFC's 5 s since the code was issued (a lenient server lets the first poll pass).
  auto first = poll_token(p.port(), code["device_code"]);
  CHECK(first.status == 429);
  CHECK(first.body_json()["error"] == "slow_down");
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "slow_down");
  CHECK(p.stat("slow_downs") == 2);
}

TEST_CASE("fake provider: injected slow_downs come first, then the normal answers", "[fake-provider][oauth]") {
  FakeProvider p({"--interval", "0", "--slow-down", "2"});
  json code = start_device_flow(p.port());
  CHECK(code["interval"] == 0);
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "slow_down");
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "slow_down");
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "authorization_pending");
  CHECK(p.stat("slow_downs") == 2);
  CHECK(p.stat("token_polls") == 3);
}

TEST_CASE("fake provider: a denied device code gets access_denied, deny-all denies everything",
          "[fake-provider][oauth]") {
  {
    FakeProvider p({"--interval", "0"});
    json code = start_device_flow(p.port());
    auto denied = http(p.port(), "GET", "/authorize?user_code=" + code["user_code"].get<std::string>() + "&deny=1");
    CHECK(denied.status == 200);
    CHECK(denied.body.find("denied") != std::string::npos);
    auto r = poll_token(p.port(), code["device_code"]);
    CHECK(r.status == 400);
    CHECK(r.body_json()["error"] == "access_denied");
    CHECK(http(p.port(), "GET", "/authorize?user_code=NOPE-NOPE").status == 404);
  }
  FakeProvider p({"--interval", "0", "--oauth-mode", "deny-all"});
  json code = start_device_flow(p.port());
  CHECK(http(p.port(), "POST", "/__control/approve-all").body_json()["approved"] == 0);
  http(p.port(), "GET", "/authorize?user_code=" + code["user_code"].get<std::string>());
  CHECK(poll_token(p.port(), code["device_code"]).body_json()["error"] == "access_denied");
}

TEST_CASE("fake provider: a device code past its expiry gets expired_token", "[fake-provider][oauth]") {
  FakeProvider p({"--interval", "0", "--device-expires", "0"});
  json code = start_device_flow(p.port());
  CHECK(code["expires_in"] == 0);
  http(p.port(), "POST", "/__control/approve-all");
  auto r = poll_token(p.port(), code["device_code"]);
  CHECK(r.status == 400);
  CHECK(r.body_json()["error"] == "expired_token");
}

TEST_CASE("fake provider: POST /__control/approve-all approves every pending code", "[fake-provider][oauth]") {
  FakeProvider p({"--interval", "0"});
  json a = start_device_flow(p.port()), b = start_device_flow(p.port());
  CHECK(a["device_code"] != b["device_code"]);
  CHECK(a["user_code"] != b["user_code"]);
  CHECK(http(p.port(), "POST", "/__control/approve-all").body_json()["approved"] == 2);
  CHECK(poll_token(p.port(), a["device_code"]).status == 200);
  CHECK(poll_token(p.port(), b["device_code"]).status == 200);
}

TEST_CASE("fake provider: refresh rotates the refresh token, unknown and used ones get invalid_grant",
          "[fake-provider][oauth]") {
  FakeProvider p({"--token-lifetime", "42", "--resource-url", "portal.example.test"});
  CHECK(http(p.port(), "POST", "/__control/seed-refresh-token", "seeded-refresh-token\n").status == 200);
  auto first = refresh(p.port(), "seeded-refresh-token");
  REQUIRE(first.status == 200);
  auto t1 = first.body_json();
  CHECK(t1["expires_in"] == 42);
  CHECK(t1["token_type"] == "Bearer");
  CHECK(t1["resource_url"] == "portal.example.test");
  CHECK(t1["refresh_token"] != "seeded-refresh-token");

  auto reused = refresh(p.port(), "seeded-refresh-token");
  CHECK(reused.status == 400);
  CHECK(reused.body_json()["error"] == "invalid_grant");
  auto second = refresh(p.port(), t1["refresh_token"]);
  REQUIRE(second.status == 200);
  CHECK(second.body_json()["access_token"] != t1["access_token"]);
  CHECK(refresh(p.port(), "never-issued").body_json()["error"] == "invalid_grant");
  CHECK(p.stat("refresh_requests") == 4);
  CHECK(p.stat("token_polls") == 0);

  // Issued access tokens are bearers for /v1/*; once one exists, made-up ones are refused.
  CHECK(chat(p.port(), chat_body("hi", false), t1["access_token"]).status == 200);
  CHECK(chat(p.port(), chat_body("hi", false), "made-up").status == 401);
}

TEST_CASE("fake provider: 32 concurrent refreshes with one token: exactly one wins, delays overlap",
          "[fake-provider][oauth]") {
  FakeProvider p({"--oauth-mode", "refresh-slow:400"});
  http(p.port(), "POST", "/__control/seed-refresh-token", "shared-token");
  constexpr int kClients = 32;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kClients; ++i) conns.push_back(std::make_unique<Conn>(p.port()));
  std::vector<int> statuses(kClients, 0);
  std::vector<std::string> errors(kClients);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      try {
        conns[i]->send_all(request_text("POST", "/api/v1/oauth2/token",
                                        "grant_type=refresh_token&client_id=c&refresh_token=shared-token", {}, false));
        auto r = read_response(*conns[i], milliseconds(10000));
        statuses[i] = r.status;
        errors[i] = r.status == 200 ? "" : r.body_json().value("error", "");
      } catch (const std::exception &e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto &t : threads) t.join();
  long elapsed = ms_since(start);
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(errors.begin(), errors.end(), "invalid_grant") == kClients - 1);
  CHECK(elapsed >= 380);
  CHECK(elapsed < 4000);  // 32 × 400 ms if the delays ran one after another
  CHECK(p.stat("refresh_requests") == kClients);
}

TEST_CASE("fake provider: --oauth-mode html answers every OAuth endpoint with a web page", "[fake-provider][oauth]") {
  FakeProvider p({"--oauth-mode", "html"});
  auto code = form_post(p.port(), "/api/v1/oauth2/device/code",
                        std::string("client_id=c&code_challenge=") + kChallenge + "&code_challenge_method=S256");
  auto token = refresh(p.port(), "anything");
  for (const auto *r : {&code, &token}) {
    CHECK(r->status == 200);
    CHECK(r->header("content-type").rfind("text/html", 0) == 0);
    CHECK(r->body.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(r->body_json().is_discarded());
  }
  CHECK(p.stat("device_code_requests") == 1);
  CHECK(p.stat("refresh_requests") == 1);
}

TEST_CASE("fake provider: the client_credentials grant takes Basic or form credentials and checks --client",
          "[fake-provider][oauth]") {
  FakeProvider p({"--client", "acme:s3cret&=", "--token-lifetime", "90"});
  const std::map<std::string, std::string> form{{"Content-Type", "application/x-www-form-urlencoded"}};
  auto with = [&](std::map<std::string, std::string> h, const std::string &extra) {
    h.insert(form.begin(), form.end());
    return http(p.port(), "POST", "/oauth/token", "grant_type=client_credentials" + extra, h);
  };
  // Basic: base64("acme:s3cret%26%3D"), each part form-encoded first (RFC 6749 section 2.3.1).
  auto basic = with({{"Authorization", "Basic YWNtZTpzM2NyZXQlMjYlM0Q="}}, "");
  REQUIRE(basic.status == 200);
  json t = basic.body_json();
  CHECK(t["token_type"] == "Bearer");
  CHECK(t["expires_in"] == 90);
  CHECK_FALSE(t.contains("refresh_token"));  // section 4.4.3
  CHECK(http(p.port(), "GET", "/v1/models", {}, bearer(t["access_token"])).status == 200);
  CHECK(with({}, "&client_id=acme&client_secret=s3cret%26%3D").status == 200);
  CHECK(form_post(p.port(), "/api/v1/oauth2/token",
                  "grant_type=client_credentials&client_id=acme&client_secret=s3cret%26%3D")
            .status == 200);
  // Refused: a wrong secret, an unknown client, no secret, Basic that is not Base64 or has no colon.
  for (auto refused : {with({}, "&client_id=acme&client_secret=wrong"),
                       with({}, "&client_id=other&client_secret=s3cret%26%3D"), with({}, "&client_id=acme"),
                       with({{"Authorization", "Basic !!!!"}}, ""), with({{"Authorization", "Basic YWNtZQ=="}}, "")}) {
    CHECK(refused.status == 401);
    CHECK(refused.body_json()["error"] == "invalid_client");
  }
  CHECK(p.stat("client_credentials_requests") == 8);
  CHECK(p.stat("refresh_requests") == 0);
}

TEST_CASE("fake provider: /__control/stats counts each kind of request", "[fake-provider]") {
  FakeProvider p({"--api-key", kKey, "--interval", "0"});
  auto zero = json::parse(p.get("/__control/stats"));
  CHECK(zero == json{{"chat_requests", 0},
                     {"refresh_requests", 0},
                     {"device_code_requests", 0},
                     {"token_polls", 0},
                     {"slow_downs", 0},
                     {"models_requests", 0},
                     {"client_credentials_requests", 0},
                     {"faults_pending", 0}});
  chat(p.port(), chat_body("a", false));
  chat(p.port(), chat_body("b", true));
  http(p.port(), "GET", "/v1/models", {}, bearer(kKey));
  json code = start_device_flow(p.port());
  poll_token(p.port(), code["device_code"]);
  poll_token(p.port(), code["device_code"]);
  refresh(p.port(), "x");
  CHECK(p.stat("chat_requests") == 2);
  CHECK(p.stat("models_requests") == 1);
  CHECK(p.stat("device_code_requests") == 1);
  CHECK(p.stat("token_polls") == 2);
  CHECK(p.stat("refresh_requests") == 1);
}
