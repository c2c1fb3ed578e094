#include "chat/chat_session.hpp"

#include <algorithm>

#include "chat/retry_after.hpp"
#include "chat/stream_parser.hpp"
#include "net/http_client.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace qwen::chat {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

std::string user_agent() {
  return std::string("qwen-cpp/") + QWEN_VERSION + " (linux; x64)";
}

nlohmann::json request_body(const std::vector<ChatSession::Message> &history, const std::string &model) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto &m : history) messages.push_back({{"role", m.role}, {"content", m.content}});
  return {{"model", model},
          {"messages", std::move(messages)},
          {"stream", true},
          {"stream_options", {{"include_usage", true}}}};
}

std::string endpoint(const std::string &base_url) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/chat/completions";
}

bool has_header(const std::vector<std::string> &headers, std::string_view name) {
  for (const auto &h : headers) {
    auto colon = h.find(':');
    if (colon != std::string::npos && util::iequals(util::trim(std::string_view(h).substr(0, colon)), name))
      return true;
  }
  return false;
}

// Plugin headers first, so they override the defaults of the same name (curl keeps the first).
std::vector<std::string> request_headers(const Credentials &c) {
  std::vector<std::string> h = c.headers;
  auto add_default = [&h](const std::string &name, const std::string &value) {
    if (!has_header(h, name)) h.push_back(name + ": " + value);
  };
  if (!c.token.empty()) add_default("Authorization", "Bearer " + c.token);
  add_default("Content-Type", "application/json");
  add_default("Accept", "text/event-stream, application/json");
  add_default("User-Agent", user_agent());
  return h;
}

// The result of one HTTP attempt.
struct Attempt {
  net::HttpResult http;
  std::string content_type;
  std::string retry_after;
  std::string error_body;  // for non-200 answers
  bool delivered_text = false;
};

}  // namespace

ChatSession::ChatSession(config::NetworkSettings network, std::function<bool()> cancelled,
                         std::function<bool(long)> wait)
    : network_(network), cancelled_(std::move(cancelled)), wait_(std::move(wait)) {}

qwen_status ChatSession::send(const std::string &user_text, CredentialSource &auth, const EventHandler &on_event,
                              std::string &error) {
  auto fail = [&](qwen_status status, const std::string &message) {
    error = message;
    on_event(make_error(status, message));
    return status;
  };
  history_.push_back({"user", user_text});
  auto drop_turn = [this] { history_.pop_back(); };

  uint32_t flags = 0;
  bool refreshed = false;
  int retries = 0;
  bool started = false;
  while (true) {
    if (cancelled_()) {
      drop_turn();
      return fail(QWEN_ERR_CANCELLED, "cancelled");
    }
    Credentials creds;
    std::string cred_error;
    qwen_status cs = auth.credentials(flags, creds, cred_error);
    if (cs != QWEN_OK) {
      drop_turn();
      return fail(cs, cred_error.empty() ? "the sign-in method gave no credentials" : cred_error);
    }
    if (creds.base_url.empty()) {
      drop_turn();
      return fail(QWEN_ERR_CONFIG, "the sign-in method '" + auth.id() + "' gave no API base URL");
    }
    const std::string model = !model_.empty() ? model_ : !creds.model.empty() ? creds.model : fallback_model_;
    if (!started) {
      started = true;
      if (!on_event(make_turn_start(model, auth.id()))) {
        drop_turn();
        return fail(QWEN_ERR_CANCELLED, "cancelled");
      }
    }

    net::HttpRequest req;
    req.method = "POST";
    req.url = endpoint(creds.base_url);
    req.headers = request_headers(creds);
    req.body = request_body(history_, model).dump();
    req.timeouts = {network_.connect_timeout_ms, network_.idle_timeout_ms, network_.request_timeout_ms};

    Attempt attempt;
    bool handler_cancelled = false;
    StreamParser parser({[&](std::string_view piece) {
                           attempt.delivered_text = true;
                           if (!on_event(make_delta(std::string(piece)))) {
                             handler_cancelled = true;
                             return false;
                           }
                           return true;
                         },
                         [&](const nlohmann::json &usage) {
                           for (auto [key, counter] : {std::pair{"prompt_tokens", &stats_.prompt_tokens},
                                                       std::pair{"completion_tokens", &stats_.completion_tokens},
                                                       std::pair{"total_tokens", &stats_.total_tokens}}) {
                             if (usage.contains(key) && usage[key].is_number_integer())
                               *counter += usage[key].get<long>();
                           }
                           on_event(make_usage(usage));
                         }});
    int status = 0;
    net::HttpHandlers handlers;
    handlers.on_status = [&](int s) {
      status = s;
      parser.set_content_type(attempt.content_type);
      return true;
    };
    handlers.on_header = [&](std::string_view name, std::string_view value) {
      if (util::iequals(name, "content-type")) attempt.content_type = value;
      if (util::iequals(name, "retry-after")) attempt.retry_after = value;
      return true;
    };
    handlers.on_body = [&](std::string_view bytes) {
      if (status == 200) return parser.feed(bytes);
      if (attempt.error_body.size() < kMaxErrorBody) attempt.error_body.append(bytes.substr(0, kMaxErrorBody));
      return true;
    };
    handlers.should_cancel = cancelled_;
    ++stats_.requests;
    attempt.http = net::http_perform(req, handlers);

    if (attempt.http.outcome == net::HttpOutcome::Complete) {
      if (auto better = auth.on_api_response(attempt.http.status, attempt.retry_after); better && status != 200)
        attempt.error_body = "{\"error\":{\"message\":" + nlohmann::json(*better).dump() + "}}";
    }

    // Decide: done, retry, or fail.
    std::string retry_reason;
    long retry_wait = -1;
    // The parser stops the transfer when the answer is unusable: that is its error, not a cancel.
    const bool parse_failed = status == 200 && parser.error().has_value();
    if (!parse_failed &&
        (handler_cancelled || attempt.http.outcome == net::HttpOutcome::Cancelled || parser.cancelled())) {
      drop_turn();
      return fail(QWEN_ERR_CANCELLED, "cancelled");
    }
    if (attempt.http.outcome == net::HttpOutcome::BadRequest) {
      drop_turn();
      return fail(QWEN_ERR_CONFIG, "the API URL " + req.url + " is not usable: " + attempt.http.error);
    }
    if (attempt.http.outcome == net::HttpOutcome::Tls) {
      // A certificate that cannot be verified stays so: no retry, and never a fallback to no verification.
      drop_turn();
      return fail(QWEN_ERR_NETWORK, "cannot connect securely to " + req.url + ": " + attempt.http.error);
    }
    if (attempt.http.outcome != net::HttpOutcome::Complete || parse_failed) {
      // The transfer broke. Retry only when nothing was shown yet.
      if (status == 200 && parser.error() && parser.error_status() == QWEN_ERR_BAD_RESPONSE) {
        drop_turn();
        return fail(QWEN_ERR_BAD_RESPONSE, *parser.error());
      }
      std::string what = parse_failed ? *parser.error() : attempt.http.error;
      if (attempt.delivered_text) {
        drop_turn();
        return fail(QWEN_ERR_NETWORK, "the answer was cut off: " + what);
      }
      retry_reason = what;
    } else if (status == 200) {
      parser.finish();
      if (parser.error()) {
        if (attempt.delivered_text || parser.error_status() == QWEN_ERR_BAD_RESPONSE) {
          drop_turn();
          return fail(parser.error_status(),
                      attempt.delivered_text ? "the answer was cut off: " + *parser.error() : *parser.error());
        }
        retry_reason = *parser.error();
      } else {
        history_.push_back({"assistant", parser.take_text()});
        ++stats_.turns;
        on_event(make_turn_end(parser.finish_reason().empty() ? "stop" : parser.finish_reason()));
        return QWEN_OK;
      }
    } else if (status == 401 || status == 403) {
      if (!refreshed) {
        refreshed = true;
        flags = QWEN_AUTH_FLAG_FORCE_REFRESH;
        util::log_debug("HTTP " + std::to_string(status) + ": asking '" + auth.id() + "' to refresh the credentials");
        continue;
      }
      drop_turn();
      return fail(QWEN_ERR_AUTH_REJECTED, "the server refused the credentials of '" + auth.id() + "' (HTTP " +
                                              std::to_string(status) +
                                              "): " + server_error_message(attempt.error_body) +
                                              ". Check the API key, or sign in again with `qwen auth login`.");
    } else if (status == 429) {
      auto wait = parse_retry_after(attempt.retry_after);
      std::string message = "rate limited by the server (HTTP 429): " + server_error_message(attempt.error_body);
      if (wait && *wait > network_.retry_max_wait_ms) {
        drop_turn();
        return fail(QWEN_ERR_RATE_LIMITED,
                    message + "; the server asks to wait " + std::to_string(*wait / 1000) + " s before retrying");
      }
      if (retries >= network_.max_retries) {
        drop_turn();
        return fail(QWEN_ERR_RATE_LIMITED,
                    message + (attempt.retry_after.empty() ? "" : "; retry after " + attempt.retry_after + " s"));
      }
      retry_reason = "HTTP 429 (rate limited)";
      if (wait) retry_wait = *wait;
    } else if (status >= 500) {
      retry_reason = "HTTP " + std::to_string(status) + ": " + server_error_message(attempt.error_body);
      if (auto wait = parse_retry_after(attempt.retry_after)) retry_wait = std::min(*wait, network_.retry_max_wait_ms);
    } else {
      drop_turn();
      return fail(QWEN_ERR_CONFIG, "the server rejected the request (HTTP " + std::to_string(status) + "): " +
                                       server_error_message(attempt.error_body) + " (check the base URL and model)");
    }

    if (retries >= network_.max_retries) {
      drop_turn();
      return fail(QWEN_ERR_NETWORK, "giving up after " + std::to_string(retries + 1) + " attempts: " + retry_reason +
                                        " (" + req.url + ")");
    }
    ++retries;
    if (retry_wait < 0)
      retry_wait = std::min(network_.retry_base_ms << std::min(retries - 1, 16), network_.retry_max_wait_ms);
    util::log_debug("retry " + std::to_string(retries) + " in " + std::to_string(retry_wait) + " ms: " + retry_reason);
    on_event(make_retry(retries, retry_wait, retry_reason));
    if (!wait_(retry_wait)) {
      drop_turn();
      return fail(QWEN_ERR_CANCELLED, "cancelled");
    }
  }
}

}  // namespace qwen::chat
