// http_client.hpp — the host's one HTTP stack (libcurl), used by the chat
// client and, through the host table, by every plugin: proxies and CA bundles
// come from curl's standard environment variables (HTTPS_PROXY, NO_PROXY,
// SSL_CERT_FILE, CURL_CA_BUNDLE) or `[network] ca_bundle`, TLS is always
// verified (no setting turns that off), and debug logging
// (with secrets scrubbed) happens in one place.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace qwen::net {

struct HttpTimeouts {
  long connect_ms = 10000;  // to establish the connection
  long idle_ms = 60000;     // with no byte received (0 = none)
  long total_ms = 0;        // for the whole request (0 = none)
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  HttpTimeouts timeouts;
};

// Return false from a callback to abort the transfer.
struct HttpHandlers {
  std::function<bool(int status)> on_status;
  std::function<bool(std::string_view name, std::string_view value)> on_header;
  std::function<bool(std::string_view bytes)> on_body;
  std::function<bool()> should_cancel;  // polled while waiting
};

enum class HttpOutcome {
  Complete,    // a whole HTTP answer arrived (any status)
  Network,     // could not connect, connection cut, DNS
  Tls,         // the TLS handshake failed: most often a certificate that cannot be verified (not retried)
  Timeout,     // connect or idle or total timeout
  Cancelled,   // should_cancel() said so, or a handler returned false
  BadRequest,  // the request itself is unusable (bad URL)
};

struct HttpResult {
  HttpOutcome outcome = HttpOutcome::Network;
  int status = 0;
  std::string error;  // for everything but Complete: what went wrong, in words
  bool received_body = false;
  std::string redirect_url;  // a 3xx's Location, made absolute (redirects are never followed)
};

// The CA bundle from the configuration (`[network] ca_bundle`), used when neither CURL_CA_BUNDLE nor
// SSL_CERT_FILE is set. Called once at start-up, before any request.
void set_ca_bundle(const std::string &path);

HttpResult http_perform(const HttpRequest &request, const HttpHandlers &handlers);

}  // namespace qwen::net
