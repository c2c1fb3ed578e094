// qwen/sdk/oauth_client.hpp — an OAuth 2.0 client on the host's HTTP service
// (qwen::sdk::Host::http: the user's proxy, CA bundle and redaction apply):
// the client credentials grant (RFC 6749 section 4.4), the refresh token grant
// (section 6), and the device authorization grant (RFC 8628, polling with
// device_flow.hpp's timing rules), each answer read by oauth_token.hpp.
//
//   qwen::sdk::OAuthClientOptions o;
//   o.token_url = base + "/oauth/token";
//   o.client_id = id;
//   o.client_secret = secret;
//   qwen::sdk::OAuthClient client(host(), o);
//   qwen::sdk::TokenAnswer t = client.client_credentials("models.read");
//
// Errors are qwen::sdk::Error with the statuses oauth_token.hpp lists; a
// transport failure is QWEN_ERR_NETWORK, Ctrl-C QWEN_ERR_CANCELLED. Nothing
// is retried here: the caller (or the host, for a turn) decides.
#ifndef QWEN_SDK_OAUTH_CLIENT_HPP
#define QWEN_SDK_OAUTH_CLIENT_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/base64.hpp>
#include <qwen/sdk/device_flow.hpp>
#include <qwen/sdk/form_encoding.hpp>
#include <qwen/sdk/oauth_token.hpp>
#include <qwen/sdk/url.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace qwen::sdk {

// How a confidential client proves who it is (RFC 6749 section 2.3.1).
enum class ClientAuth {
  Basic,  // Authorization: Basic base64(id:secret) — every server must accept it
  Body,   // client_id and client_secret as form fields
};

struct OAuthClientOptions {
  std::string token_url;        // the token endpoint
  std::string device_code_url;  // the device authorization endpoint (device flow only)
  std::string client_id;
  std::string client_secret;  // empty: a public client (client_id goes in the body)
  ClientAuth client_auth = ClientAuth::Basic;
  std::vector<std::string> headers;  // more "Name: value" lines for every request (a User-Agent)
  uint32_t timeout_ms = 30000;
  std::string server_name = "the OAuth server";  // how messages name it; the URL is added
  // A longer answer is BAD_RESPONSE, its rest never read. (parse_token_answer refuses more than
  // kMaxOAuthAnswerSize whatever this says: a larger cap serves only a reader of your own.)
  size_t max_answer_size = kMaxOAuthAnswerSize;
};

// What one request adds to the client's options: header lines of its own (a fresh request id, sent after
// the client's) and another timeout (0: the client's). Every grant takes one as its last argument.
struct OAuthRequestOptions {
  std::vector<std::string> headers;
  uint32_t timeout_ms = 0;
};

class OAuthClient {
 public:
  OAuthClient(Host host, OAuthClientOptions options) : host_(host), options_(std::move(options)) {
    // The secret reaches the host's redactor before any request could show it.
    host_.register_secret(options_.client_secret);
  }

  const OAuthClientOptions &options() const { return options_; }

  // grant_type=client_credentials, with `scope` when not empty.
  TokenAnswer client_credentials(const std::string &scope = {}, const OAuthRequestOptions &extra = {}) const {
    FormFields f{{"grant_type", "client_credentials"}};
    if (!scope.empty()) f.emplace_back("scope", scope);
    return request_token(f, extra);
  }

  // grant_type=refresh_token. An invalid_grant answer (the refresh token is dead) is AUTH_REJECTED.
  TokenAnswer refresh(const std::string &refresh_token, const std::string &scope = {},
                      const OAuthRequestOptions &extra = {}) const {
    FormFields f{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    if (!scope.empty()) f.emplace_back("scope", scope);
    return request_token(f, extra);
  }

  // Any grant: the fields, plus the client's credentials; the answer read by parse_token_answer.
  TokenAnswer request_token(const FormFields &grant, const OAuthRequestOptions &extra = {}) const {
    TokenAnswer t =
        parse_token_answer(post_form(options_.token_url, with_client(grant), extra), server(options_.token_url));
    host_.register_secret(t.access_token);
    host_.register_secret(t.refresh_token);
    return t;
  }

  // The device authorization request (RFC 8628 section 3.1), with a PKCE S256 challenge when one is given
  // (pkce.hpp's make_pkce_pair().challenge; its verifier then goes to finish_device_flow).
  DeviceAuthorization start_device_flow(const std::string &scope, const std::string &code_challenge = {},
                                        const OAuthRequestOptions &extra = {}) const {
    FormFields f{{"client_id", options_.client_id}};
    if (!scope.empty()) f.emplace_back("scope", scope);
    if (!code_challenge.empty()) {
      f.emplace_back("code_challenge", code_challenge);
      f.emplace_back("code_challenge_method", "S256");
    }
    return parse_device_authorization(post_form(options_.device_code_url, f, extra), server(options_.device_code_url));
  }

  // One poll of the token endpoint for `device`; a transport failure is Retry (the loop gives up after a few).
  DevicePoll poll_device_token(const DeviceAuthorization &device, const std::string &code_verifier, TokenAnswer &out,
                               const OAuthRequestOptions &extra = {}) const {
    FormFields f{{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"}, {"device_code", device.device_code}};
    if (!code_verifier.empty()) f.emplace_back("code_verifier", code_verifier);
    try {
      DevicePoll p =
          classify_device_poll(post_form(options_.token_url, with_client(f), extra), server(options_.token_url), out);
      if (p.kind == DevicePoll::Kind::Approved) {
        host_.register_secret(out.access_token);
        host_.register_secret(out.refresh_token);
      }
      return p;
    } catch (const Error &e) {
      if (e.status() == QWEN_ERR_NETWORK) return DevicePoll::of(DevicePoll::Kind::Retry, e.what());
      throw;
    }
  }

  // Polls until the user approved (RFC 8628's timing, cancellable with Ctrl-C through Host::wait) and
  // returns the tokens; throws as poll_device_authorization does.
  TokenAnswer finish_device_flow(const DeviceAuthorization &device, const std::string &code_verifier = {}) const {
    DeviceFlowOptions o;
    if (device.interval) o.server_interval = std::chrono::seconds(*device.interval);
    o.expires_in = std::chrono::seconds(device.expires_in);
    o.wait = [this](uint32_t ms) { return host_.wait(ms); };
    TokenAnswer tokens;
    poll_device_authorization(o, [&] { return poll_device_token(device, code_verifier, tokens); });
    return tokens;
  }

  // POSTs a form and returns the answer, refusing one larger than options().max_answer_size (BAD_RESPONSE).
  // The request a grant above makes, for a server whose fields, field order or answers are its own (the
  // caller then reads the answer, with parse_token_answer or its own reader).
  HttpResponse post_form(const std::string &url, const FormFields &fields,
                         const OAuthRequestOptions &extra = {}) const {
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
    if (!options_.client_secret.empty() && options_.client_auth == ClientAuth::Basic)
      req.headers.push_back("Authorization: Basic " +
                            base64(uri_component(options_.client_id) + ":" + uri_component(options_.client_secret)));
    req.headers.insert(req.headers.end(), options_.headers.begin(), options_.headers.end());
    req.headers.insert(req.headers.end(), extra.headers.begin(), extra.headers.end());
    req.body = form_encode(fields);
    req.timeout_ms = extra.timeout_ms ? extra.timeout_ms : options_.timeout_ms;
    std::string body;
    bool too_large = false;
    HttpResponse resp;
    try {
      resp = host_.http(req, [&](const char *data, size_t n) {
        if (n > options_.max_answer_size - body.size()) return !(too_large = true);
        body.append(data, n);
        return true;
      });
    } catch (const Error &e) {
      if (!too_large) throw;
      (void)e;
    }
    if (too_large)
      throw Error(QWEN_ERR_BAD_RESPONSE, server(url) + " answered more than " + size_words(options_.max_answer_size) +
                                             ", more than a token answer can be");
    resp.body = std::move(body);
    return resp;
  }

  // How messages name the server at `url` ("the OAuth server (https://auth.example.com/token)").
  std::string server(const std::string &url) const {
    return options_.server_name + " (" + url_without_password(url) + ")";
  }

 private:
  // "256 KiB", or "100 bytes" for a cap that is no whole number of KiB.
  static std::string size_words(size_t n) {
    return n % 1024 == 0 ? std::to_string(n / 1024) + " KiB" : std::to_string(n) + " bytes";
  }

  FormFields with_client(FormFields f) const {
    if (options_.client_secret.empty() || options_.client_auth == ClientAuth::Body)
      f.emplace_back("client_id", options_.client_id);
    if (!options_.client_secret.empty() && options_.client_auth == ClientAuth::Body)
      f.emplace_back("client_secret", options_.client_secret);
    return f;
  }

  Host host_;
  OAuthClientOptions options_;
};

}  // namespace qwen::sdk

#endif  // QWEN_SDK_OAUTH_CLIENT_HPP
