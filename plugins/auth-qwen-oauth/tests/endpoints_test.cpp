// Where the OAuth server and the model API are.
#include <catch2/catch.hpp>

#include <qwen/plugin.hpp>
#include <qwen/sdk/url.hpp>

#include <qwen/sdk/dashscope.hpp>
#include "endpoints.hpp"

using namespace qwen_oauth;

TEST_CASE("resource_url becomes the API base URL the way Qwen Code normalises it", "[endpoints]") {
  CHECK(api_base_url("portal.qwen.ai") == "https://portal.qwen.ai/v1");
  CHECK(api_base_url("custom-endpoint.com") == "https://custom-endpoint.com/v1");
  CHECK(api_base_url("https://custom-endpoint.com") == "https://custom-endpoint.com/v1");
  CHECK(api_base_url("https://custom-endpoint.com/v1") == "https://custom-endpoint.com/v1");
  CHECK(api_base_url("localhost:8080") == "https://localhost:8080/v1");
  CHECK(api_base_url("http://localhost:8080") == "http://localhost:8080/v1");
  CHECK(api_base_url("https://api.example.com:443") == "https://api.example.com:443/v1");
  CHECK(api_base_url("api.example.com:9000/api") == "https://api.example.com:9000/api/v1");
  CHECK(api_base_url("api.example.com/api/v2") == "https://api.example.com/api/v2/v1");
  CHECK(api_base_url("HTTP://127.0.0.1:18080") == "HTTP://127.0.0.1:18080/v1");
  CHECK(api_base_url("") == "https://dashscope.aliyuncs.com/compatible-mode/v1");
  CHECK(api_base_url("  ") == "https://dashscope.aliyuncs.com/compatible-mode/v1");
}

TEST_CASE("a trailing slash does not give //v1 (Qwen Code's quirk)", "[endpoints]") {
  CHECK(api_base_url("https://x.example/") == "https://x.example/v1");
  CHECK(api_base_url("https://x.example/v1/") == "https://x.example/v1");
}

TEST_CASE("the OAuth base URL: the environment wins over the config, which wins over the default", "[endpoints]") {
  CHECK(resolve_oauth_base_url(std::nullopt, std::nullopt, false) == "https://chat.qwen.ai");
  CHECK(resolve_oauth_base_url(std::nullopt, std::string("https://sso.example.com/"), false) ==
        "https://sso.example.com");
  CHECK(resolve_oauth_base_url(std::string("http://127.0.0.1:9/"), std::string("https://sso.example.com"), false) ==
        "http://127.0.0.1:9");
  CHECK(resolve_oauth_base_url(std::string(""), std::string("https://b.example"), false) == "https://b.example");
}

TEST_CASE("a bad OAuth base URL is a configuration error that names its source", "[endpoints]") {
  try {
    resolve_oauth_base_url(std::string("chat.qwen.ai"), std::nullopt, false);
    FAIL("no error");
  } catch (const qwen::sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_CONFIG);
    CHECK(std::string(e.what()).find("QWEN_OAUTH_BASE_URL") != std::string::npos);
  }
  CHECK_THROWS_AS(resolve_oauth_base_url(std::nullopt, std::string("http://sso.example.com"), false),
                  qwen::sdk::Error);
  CHECK(resolve_oauth_base_url(std::nullopt, std::string("http://sso.example.com"), true) == "http://sso.example.com");
}

TEST_CASE("the DashScope headers are Qwen Code's", "[endpoints]") {
  auto h = qwen::sdk::dashscope_headers("0.1.0", "qwen-oauth", qwen::sdk::NodePlatform{"linux", "x64"});
  REQUIRE(h.size() == 4);
  CHECK(h[0] == "User-Agent: QwenCode/0.1.0 (linux; x64)");
  CHECK(h[1] == "X-DashScope-CacheControl: enable");
  CHECK(h[2] == "X-DashScope-UserAgent: QwenCode/0.1.0 (linux; x64)");
  CHECK(h[3] == "X-DashScope-AuthType: qwen-oauth");
  CHECK(qwen::sdk::dashscope_headers("1", "openai").back() == "X-DashScope-AuthType: openai");
  CHECK(qwen::sdk::current_node_platform().platform == "linux");
}

TEST_CASE("a DashScope host is told by the parsed host name", "[endpoints]") {
  for (const char *url : {"https://dashscope.aliyuncs.com/compatible-mode/v1", "https://coding.dashscope.aliyuncs.com/v1",
                          "https://coding-intl.dashscope.aliyuncs.com/v1", "https://DashScope-Intl.aliyuncs.com/x",
                          "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1"}) {
    CAPTURE(url);
    CHECK(qwen::sdk::is_dashscope_url(url));
  }
  for (const char *url : {"https://dashscope.aliyuncs.com.evil.example/v1", "https://xdashscope.aliyuncs.com/v1",
                          "https://dashscope.aliyuncs.com@evil.example/v1", "https://api.openai.com/v1",
                          "https://evil.example/dashscope.aliyuncs.com", "not a url"}) {
    CAPTURE(url);
    CHECK_FALSE(qwen::sdk::is_dashscope_url(url));
  }
}

TEST_CASE("the OAuth base URL's scheme is read as parsed: upper case is still plain http", "[endpoints][origin]") {
  for (const char *url : {"HTTP://10.1.2.3", "Http://sso.example.com", "hTTp://user:pw@sso.example.com",
                          "http://127.0.0.1@10.1.2.3/"}) {
    CAPTURE(url);
    CHECK_THROWS_AS(resolve_oauth_base_url(std::string(url), std::nullopt, false), qwen::sdk::Error);
    CHECK_THROWS_AS(resolve_oauth_base_url(std::nullopt, std::string(url), false), qwen::sdk::Error);
  }
  CHECK(resolve_oauth_base_url(std::string("HTTPS://SSO.example.com/"), std::nullopt, false) ==
        "HTTPS://SSO.example.com");
  CHECK(resolve_oauth_base_url(std::string("HTTP://127.0.0.1:9"), std::nullopt, false) == "HTTP://127.0.0.1:9");
  CHECK_THROWS(resolve_oauth_base_url(std::string("ftp://sso.example.com"), std::nullopt, true));
  auto server = resolve_oauth_server(std::nullopt, std::string("https://sso.example.com"), false);
  CHECK(server.source == "[plugins.qwen-oauth] base_url");
  CHECK(resolve_oauth_server(std::nullopt, std::nullopt, false).source == "the default");
}

TEST_CASE("a password in a bad OAuth base URL is not repeated in the error", "[endpoints][origin]") {
  try {
    resolve_oauth_base_url(std::string("http://me:hunter2@sso.example.com"), std::nullopt, false);
    FAIL("no error");
  } catch (const qwen::sdk::Error &e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    CHECK(std::string(e.what()).find("me:****@sso.example.com") != std::string::npos);
  }
}

TEST_CASE("a resource_url with an upper-case scheme keeps it, and one without a scheme gets https", "[endpoints][origin]") {
  CHECK(api_base_url("HTTPS://portal.qwen.ai") == "HTTPS://portal.qwen.ai/v1");
  CHECK(api_base_url("127.0.0.1:8080") == "https://127.0.0.1:8080/v1");
  CHECK(qwen::sdk::is_insecure_remote_url(api_base_url("Http://10.1.2.3:8080")));
}
