// The SDK's URL helpers, which decide whether a key may travel in clear and
// whether two URLs are one server: parsed by libcurl, never by prefix.
#include <catch2/catch.hpp>

#include <qwen/sdk/url.hpp>

using namespace qwen::sdk;

TEST_CASE("loopback hosts") {
  for (const char *u : {"http://127.0.0.1/v1", "http://127.5.6.7:99/x", "http://localhost:8080", "http://[::1]:80/",
                        "https://user:pw@127.0.0.1/x", "HTTP://LOCALHOST/", "http://127.1/", "http://0x7f.0.0.1/",
                        "http://2130706433/", "http://[::ffff:127.0.0.1]/", "http://[0:0:0:0:0:0:0:1]/"})
    CHECK(is_loopback_url(u));
  for (const char *u : {"http://127.0.0.1.evil.com/v1", "http://128.0.0.1/", "http://localhost.evil.com/",
                        "http://evil.com/127.0.0.1", "http://evil.com?x=127.0.0.1", "http://127.0.0.999/",
                        "not a url", "http://evil.com@127.0.0.1.evil.com/", "http://127.0.0.1@evil.com/",
                        "http://localhost:pw@evil.com/", "http://[::2]/", "http://[::ffff:10.0.0.1]/", "127.0.0.1"})
    CHECK_FALSE(is_loopback_url(u));
}

TEST_CASE("insecure remote URLs: plain http off this machine, whatever the scheme's case") {
  for (const char *u : {"http://api.example.com/v1", "HTTP://10.1.2.3", "Http://10.1.2.3:8080/v1", "hTTp://evil.com",
                        "http://127.0.0.1@10.1.2.3/", "http://127.0.0.1.evil.com/", "http:/10.1.2.3/"})
    CHECK(is_insecure_remote_url(u));
  for (const char *u : {"https://api.example.com/v1", "HTTPS://10.1.2.3", "Https://chat.qwen.ai", "http://127.0.0.1:1/v1",
                        "HTTP://127.0.0.1/", "http://[::1]/"})
    CHECK_FALSE(is_insecure_remote_url(u));
}

TEST_CASE("http URLs and explicit schemes") {
  for (const char *u : {"https://chat.qwen.ai", "HTTP://10.1.2.3", "Https://User:Pw@Host:443/x", "http://[::1]:8080/"})
    CHECK(is_http_url(u));
  for (const char *u : {"ftp://x/", "file:///etc/passwd", "chat.qwen.ai", "https://", "http://exa mple.com/",
                        "https://x.com:99999/", "", "javascript:alert(1)"})
    CHECK_FALSE(is_http_url(u));
  CHECK(has_url_scheme("FTP://x"));
  CHECK(has_url_scheme("HTTPS://portal.qwen.ai"));
  for (const char *u : {"portal.qwen.ai", "localhost:8080", "api.example.com:9000/api", "127.0.0.1:8080", "[::1]:8080"})
    CHECK_FALSE(has_url_scheme(u));
}

TEST_CASE("parts: lower-case scheme and host, default port, userinfo apart from the host") {
  auto p = parse_url("Https://User:Pw@Chat.Qwen.AI/x?y=1#z");
  REQUIRE(p);
  CHECK(p->scheme == "https");
  CHECK(p->host == "chat.qwen.ai");
  CHECK(p->port == "443");
  CHECK(p->user == "User");
  CHECK(p->password == "Pw");
  CHECK(p->path == "/x");
  CHECK(p->query == "y=1");
  CHECK(p->fragment == "z");
  CHECK(url_host("http://[::1]:80/") == "::1");
  CHECK(url_host("http://evil.com@127.0.0.1.evil.com/") == "127.0.0.1.evil.com");
  CHECK(url_host("not a url").empty());
  CHECK(url_origin("HTTP://[::1]/v1") == "http://[::1]:80");
  CHECK_FALSE(parse_url(std::string_view("http://127.0.0.1\0.evil.com/", 28)));
}

TEST_CASE("same origin: scheme, host and port, compared as parsed") {
  CHECK(same_origin("https://chat.qwen.ai", "HTTPS://Chat.Qwen.AI:443/api/v1"));
  CHECK(same_origin("http://127.0.0.1:8080", "http://user:pw@127.0.0.1:8080/"));
  CHECK(same_origin("http://127.0.0.1/", "http://127.1:80"));
  CHECK_FALSE(same_origin("https://chat.qwen.ai", "http://chat.qwen.ai"));
  CHECK_FALSE(same_origin("https://chat.qwen.ai", "https://chat.qwen.ai:8443"));
  CHECK_FALSE(same_origin("https://chat.qwen.ai", "https://chat.qwen.ai.evil.com"));
  CHECK_FALSE(same_origin("https://chat.qwen.ai", "https://chat.qwen.ai@evil.com"));
  CHECK_FALSE(same_origin("http://127.0.0.1:8080", "http://127.0.0.2:8080"));
  CHECK_FALSE(same_origin("not a url", "not a url"));
}

TEST_CASE("a URL's password is masked for printing, every other byte kept") {
  CHECK(url_without_password("https://me:s3cret@Host.example/v1") == "https://me:****@Host.example/v1");
  CHECK(url_without_password("HTTP://me:s3cret@10.1.2.3") == "HTTP://me:****@10.1.2.3");
  CHECK(url_without_password("http://:s3cret@h/") == "http://:****@h/");
  CHECK(url_without_password("http://a:b:c@h/") == "http://a:****@h/");
  CHECK(url_without_password("http://me:p%40ss@h/x?u:p@z") == "http://me:****@h/x?u:p@z");
  // Unparsable to libcurl, but shaped like a password: masked all the same.
  CHECK(url_without_password("http://me:s3c@ret@h/") == "http://me:****@h/");
  CHECK(url_without_password("http://me:s3cret@exa mple/") == "http://me:****@exa mple/");
  // Nothing to hide: unchanged.
  for (const char *u : {"https://chat.qwen.ai", "http://me@h/", "http://me:@h/", "http://h/?u:p@z", "not a url",
                        "HTTPS://Chat.Qwen.AI:443"})
    CHECK(url_without_password(u) == u);
  for (const char *u : {"https://me:s3cret@Host.example/v1", "http://me:s3c@ret@h/", "http://me:s3cret@exa mple/"})
    CHECK(url_without_password(u).find("s3c") == std::string::npos);
}
