#include "net/http_client.hpp"

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "util/log.hpp"

namespace qwen::net {
namespace {

using Clock = std::chrono::steady_clock;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpHandlers *handlers = nullptr;
  bool status_sent = false;
  bool aborted_by_handler = false;
  bool idle_expired = false;
  bool received_body = false;
  int status = 0;
  long idle_ms = 0;
  Clock::time_point last_activity = Clock::now();
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t on_header_line(char *data, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  size_t n = size * count;
  t->last_activity = Clock::now();
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after a 100-continue or a redirect): headers start over.
    auto sp = line.find(' ');
    t->status = sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos && t->handlers->on_header) {
    if (!t->handlers->on_header(trim(line.substr(0, colon)), trim(line.substr(colon + 1)))) {
      t->aborted_by_handler = true;
      return 0;
    }
  }
  return n;
}

bool deliver_status(Transfer *t) {
  if (t->status_sent) return true;
  t->status_sent = true;
  if (t->handlers->on_status && !t->handlers->on_status(t->status)) {
    t->aborted_by_handler = true;
    return false;
  }
  return true;
}

size_t on_body_bytes(char *data, size_t size, size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  size_t n = size * count;
  t->last_activity = Clock::now();
  if (!deliver_status(t)) return 0;
  t->received_body = true;
  if (t->handlers->on_body && !t->handlers->on_body(std::string_view(data, n))) {
    t->aborted_by_handler = true;
    return 0;
  }
  return n;
}

int on_progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto *t = static_cast<Transfer *>(user);
  if (t->handlers->should_cancel && t->handlers->should_cancel()) {
    t->aborted_by_handler = true;
    return 1;
  }
  if (t->idle_ms > 0) {
    auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t->last_activity).count();
    if (idle > t->idle_ms) {
      t->idle_expired = true;
      return 1;
    }
  }
  return 0;
}

// libcurl's detail for this transfer ("Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to
// server") already says what its generic text for the code says; the generic text only when there is none.
std::string describe_curl_error(CURLcode code, const char *detail) {
  return detail && *detail ? std::string(detail) : std::string(curl_easy_strerror(code));
}

std::string &configured_ca_bundle() {
  static std::string path;
  return path;
}

// The CA bundle for this run and where it came from, as the curl tool picks it: CURL_CA_BUNDLE, then
// SSL_CERT_FILE (libcurl itself reads neither), then `[network] ca_bundle`; none = libcurl's built-in bundle.
std::pair<std::string, std::string> chosen_ca_bundle() {
  for (const char *var : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char *ca = std::getenv(var);
    if (ca && *ca) return {ca, var};
  }
  if (!configured_ca_bundle().empty()) return {configured_ca_bundle(), "[network] ca_bundle"};
  return {};
}

// Certificate failures get words a user can act on; they are never retried (the next attempt fails the same
// way). A handshake that breaks off (CURLE_SSL_CONNECT_ERROR) stays a network failure, which is retried,
// unless the server answered in plain HTTP.
std::string describe_tls_error(CURLcode code, const char *detail) {
  const auto [ca, source] = chosen_ca_bundle();
  // "SSL certificate problem: self-signed certificate", not "SSL peer certificate or SSH remote key was not OK".
  const std::string why = describe_curl_error(code, detail);
  if (code == CURLE_SSL_CACERT_BADFILE)
    return "cannot use the CA bundle " + (ca.empty() ? std::string("built into libcurl") : ca + " (from " + source + ")") +
           ": " + why;
  if (code == CURLE_SSL_CERTPROBLEM) return "TLS client certificate problem: " + why;
  if (code == CURLE_SSL_CONNECT_ERROR)
    return "the server does not speak TLS on this port (" + why + "); is the URL meant to be http://?";
  std::string text = "the server's TLS certificate could not be verified (" + why + ")";
  if (ca.empty())
    text += "; if it is signed by a private CA, name the CA's file in SSL_CERT_FILE, CURL_CA_BUNDLE or [network] ca_bundle";
  else
    text += "; trusted CAs: " + ca + " (from " + source + ")";
  return text;
}

bool is_tls_failure(CURLcode code, const char *detail) {
  // OpenSSL's answer to a plain-HTTP reply to its hello: no retry will change that.
  if (code == CURLE_SSL_CONNECT_ERROR) return detail && std::strstr(detail, "wrong version number");
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

// curl_easy_perform with the multi interface's poll, so that a cancel from another thread (a front-end's
// cancel_turn) or a signal is seen within kCancelPollMs even while the server sends nothing: easy_perform
// calls the progress callback only about once a second on an idle connection.
constexpr int kCancelPollMs = 50;

CURLcode perform_until_done_or_cancelled(CURL *easy, Transfer &t) {
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(), curl_multi_cleanup);
  if (!multi) return curl_easy_perform(easy);
  if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) return curl_easy_perform(easy);
  CURLcode code = CURLE_OK;
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) {
      code = CURLE_RECV_ERROR;
      break;
    }
    if (running == 0) break;
    if (t.aborted_by_handler || (t.handlers->should_cancel && t.handlers->should_cancel())) {
      t.aborted_by_handler = true;
      code = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    curl_multi_poll(multi.get(), nullptr, 0, kCancelPollMs, nullptr);
  }
  int queued = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi.get(), &queued))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) code = msg->data.result;
  curl_multi_remove_handle(multi.get(), easy);
  return code;
}

}  // namespace

void set_ca_bundle(const std::string &path) {
  configured_ca_bundle() = path;
}

HttpResult http_perform(const HttpRequest &request, const HttpHandlers &handlers) {
  global_init_once();
  HttpResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    result.error = "cannot create an HTTP handle";
    return result;
  }
  Transfer t;
  t.handlers = &handlers;
  t.idle_ms = request.timeouts.idle_ms;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  struct curl_slist *headers = nullptr;
  for (const auto &h : request.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);

  CURL *h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header_line);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body_bytes);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.timeouts.connect_ms);
  if (request.timeouts.total_ms > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeouts.total_ms);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  // The curl tool's receive buffer (100 KiB, libcurl's default is 16 KiB): a long streamed answer then takes
  // a sixth of the recv and poll calls. A read returns what has arrived, so the first bytes are not delayed.
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 100L * 1024);
  // TLS is always verified: peer and host name. There is deliberately no setting that turns this off; a
  // private CA is trusted by naming its file (CURL_CA_BUNDLE, SSL_CERT_FILE or [network] ca_bundle).
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  const auto ca = chosen_ca_bundle().first;
  if (!ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());

  auto started = Clock::now();
  util::log_debug(request.method + " " + request.url);
  CURLcode code = perform_until_done_or_cancelled(h, t);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  result.received_body = t.received_body;
  if (status >= 300 && status < 400) {
    char *target = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &target) == CURLE_OK && target) result.redirect_url = target;
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();

  if (code == CURLE_OK) {
    t.status = result.status;
    deliver_status(&t);  // a body-less answer still has a status
    result.outcome = t.aborted_by_handler ? HttpOutcome::Cancelled : HttpOutcome::Complete;
  } else if (t.idle_expired) {
    result.outcome = HttpOutcome::Timeout;
    result.error = "no data from the server for " + std::to_string(request.timeouts.idle_ms / 1000.0).substr(0, 4) +
                   " s (idle timeout)";
  } else if (t.aborted_by_handler || code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_WRITE_ERROR) {
    result.outcome = HttpOutcome::Cancelled;
    result.error = "cancelled";
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result.outcome = HttpOutcome::Timeout;
    result.error = describe_curl_error(code, error_buffer);
  } else if (is_tls_failure(code, error_buffer)) {
    result.outcome = HttpOutcome::Tls;
    result.error = describe_tls_error(code, error_buffer);
  } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
    result.outcome = HttpOutcome::BadRequest;
    result.error = describe_curl_error(code, error_buffer);
  } else {
    result.outcome = HttpOutcome::Network;
    result.error = describe_curl_error(code, error_buffer);
  }
  util::log_debug(request.method + " " + request.url + " -> " +
                  (result.outcome == HttpOutcome::Complete ? std::to_string(result.status) : result.error) + " in " +
                  std::to_string(elapsed) + " ms");
  return result;
}

}  // namespace qwen::net
