// TLS end to end: the real `qwen` against the fake provider behind a loopback
// TLS proxy with certificates made at test time. Verification is always on:
// an unknown CA, a self-signed certificate or another host's certificate is
// refused at once (exit 7, no retry, no fallback); a CA named by
// CURL_CA_BUNDLE, SSL_CERT_FILE or `[network] ca_bundle` is trusted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "support/fake_provider.hpp"
#include "support/qwen_runner.hpp"
#include "support/tls_proxy.hpp"

using namespace qwen::test;

namespace {

constexpr const char *kKey = "sk-tls-test-key-000777";

// One set of certificates for the whole test binary run (making them takes a few openssl calls).
const TestCertificates &certs() {
  static TempDir dir;
  static TestCertificates c = make_test_certificates(dir.path() / "certs");
  return c;
}

QwenRunOptions openai_over(const TlsProxy &proxy) {
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", proxy.url()}, {"OPENAI_MODEL", "fake-model"}};
  return o;
}

void fast_network(const TempDir &home, const std::string &extra = {}) {
  home.write(".qwen/config.toml", "[network]\nretry_base_ms = 20\nmax_retries = 2\n" + extra);
}

size_t lines(const std::string &s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("tls: a server certificate from an unknown CA is refused by default: exit 7, said once, no retry",
          "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi"}, openai_over(proxy));
  INFO(r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.out.empty());
  CHECK(r.err.find("certificate could not be verified") != std::string::npos);
  CHECK(r.err.find(proxy.url()) != std::string::npos);
  CHECK(r.err.find("SSL_CERT_FILE") != std::string::npos);  // says how to trust a private CA
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("retrying") == std::string::npos);
  CHECK(p.stat("chat_requests") == 0);  // nothing went through: no fallback to an unverified connection
  CHECK(proxy.handshakes_done() == 0);
  CHECK(proxy.handshakes_failed() == 1);
}

TEST_CASE("tls: a self-signed certificate is refused by default", "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().self_signed_cert, certs().self_signed_key, p.port());
  TempDir home;
  fast_network(home);
  auto r = run_qwen(home, {"-p", "hi", "--debug"}, openai_over(proxy));
  INFO(r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("certificate could not be verified") != std::string::npos);
  CHECK(r.err.find("self-signed") != std::string::npos);
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("tls: the CA given by SSL_CERT_FILE or CURL_CA_BUNDLE is trusted", "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  for (const char *var : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
    DYNAMIC_SECTION(var) {
      TempDir home;
      fast_network(home);
      auto o = openai_over(proxy);
      o.env[var] = certs().ca.string();
      auto r = run_qwen(home, {"-p", "over tls"}, o);
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out == "Hello from the fake provider. You said: over tls\n");
      CHECK(r.err.empty());
    }
  }
  CHECK(p.stat("chat_requests") >= 1);
}

TEST_CASE("tls: the CA given by [network] ca_bundle is trusted, the environment wins over it", "[tls][config]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  TempDir home;
  fast_network(home, "ca_bundle = \"" + certs().ca.string() + "\"\n");
  auto ok = run_qwen(home, {"-p", "config ca"}, openai_over(proxy));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "Hello from the fake provider. You said: config ca\n");

  // A CA file from the environment replaces the configured one (environment over configuration).
  auto o = openai_over(proxy);
  o.env["SSL_CERT_FILE"] = certs().self_signed_cert.string();
  auto env_wins = run_qwen(home, {"-p", "hi"}, o);
  INFO(env_wins.err);
  CHECK(env_wins.exit_code == 7);
  CHECK(env_wins.err.find("certificate could not be verified") != std::string::npos);
  CHECK(env_wins.err.find("(from SSL_CERT_FILE)") != std::string::npos);
}

TEST_CASE("tls: a trusted CA does not make another host's certificate acceptable", "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().other_host_cert, certs().other_host_key, p.port());  // for 127.0.0.2, signed by our CA
  TempDir home;
  fast_network(home);
  auto o = openai_over(proxy);
  o.env["SSL_CERT_FILE"] = certs().ca.string();
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("certificate could not be verified") != std::string::npos);
  CHECK(r.err.find("127.0.0.1") != std::string::npos);
  CHECK(p.stat("chat_requests") == 0);
}

TEST_CASE("tls: a CA file that does not exist is named", "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  TempDir home;
  fast_network(home);
  auto o = openai_over(proxy);
  o.env["CURL_CA_BUNDLE"] = (home.path() / "no-such-ca.pem").string();
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("no-such-ca.pem (from CURL_CA_BUNDLE)") != std::string::npos);
  CHECK(lines(r.err) == 1);
}

TEST_CASE("tls: [network] ca_bundle must name an existing file by absolute path (exit 3)", "[tls][config]") {
  TempDir home;
  SECTION("missing file") {
    home.write(".qwen/config.toml", "[network]\nca_bundle = \"/nonexistent/ca.pem\"\n");
    auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, with_env({{"OPENAI_API_KEY", kKey}}));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("network.ca_bundle") != std::string::npos);
    CHECK(r.err.find("/nonexistent/ca.pem") != std::string::npos);
  }
  SECTION("relative path") {
    home.write(".qwen/config.toml", "[network]\nca_bundle = \"ca.pem\"\n");
    auto r = run_qwen(home, {"-p", "hi", "--auth-type", "openai"}, with_env({{"OPENAI_API_KEY", kKey}}));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("absolute path") != std::string::npos);
  }
  SECTION("~/ is the home folder") {
    FakeProvider p({"--api-key", kKey});
    TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
    home.write("certs/ca.pem", read_file(certs().ca));
    home.write(".qwen/config.toml", "[network]\nca_bundle = \"~/certs/ca.pem\"\n");
    auto r = run_qwen(home, {"-p", "hi"}, openai_over(proxy));
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("tls: qwen-oauth sign-in over TLS is verified the same way", "[tls][oauth]") {
  FakeProvider p({"--interval", "0"});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  TempDir home;
  QwenRunOptions o;
  o.env = {{"QWEN_OAUTH_BASE_URL", proxy.url("")}};
  auto refused = run_qwen(home, {"auth", "login", "--auth-type", "qwen-oauth"}, o);
  INFO(refused.err);
  CHECK(refused.exit_code == 7);
  CHECK(refused.err.find("certificate could not be verified") != std::string::npos);
  CHECK(p.stat("device_code_requests") == 0);
  CHECK_FALSE(std::filesystem::exists(home.path() / ".qwen" / "oauth_creds.json"));
}

TEST_CASE("tls: qwen-oauth sign-in over TLS works with the CA from SSL_CERT_FILE", "[tls][oauth]") {
  FakeProvider p({"--interval", "0"});
  TlsProxy proxy(certs().server_cert, certs().server_key, p.port());
  TempDir home;
  ProcessOptions o;
  o.args = {QWEN_TEST_BIN, "auth", "login", "--auth-type", "qwen-oauth"};
  o.env = base_env(home.path());
  o.env["QWEN_OAUTH_BASE_URL"] = proxy.url("");
  o.env["SSL_CERT_FILE"] = certs().ca.string();
  o.cwd = home.path().string();
  BackgroundProcess login(o);
  REQUIRE(login.wait_for_output("/authorize?user_code=", std::chrono::seconds(30)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (p.stat("token_polls") < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  p.post("/__control/approve-all");
  auto r = login.wait(std::chrono::seconds(30));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::exists(home.path() / ".qwen" / "oauth_creds.json"));
  CHECK(proxy.handshakes_done() >= 2);  // the device code and the polls went through the proxy
  CHECK(proxy.handshakes_failed() == 0);
}

TEST_CASE("tls: an https URL to a plain-HTTP server says so at once (7)", "[tls]") {
  FakeProvider p({"--api-key", kKey});
  TempDir home;
  fast_network(home);
  QwenRunOptions o;
  o.env = {{"OPENAI_API_KEY", kKey}, {"OPENAI_BASE_URL", "https://127.0.0.1:" + std::to_string(p.port()) + "/v1"}};
  auto r = run_qwen(home, {"-p", "hi"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 7);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("does not speak TLS") != std::string::npos);
  CHECK(r.err.find("http://") != std::string::npos);
}
