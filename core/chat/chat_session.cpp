#include "chat/chat_session.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "chat/retry_after.hpp"
#include "chat/stream_parser.hpp"
#include "net/http_client.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/utf8.hpp"

namespace qwen::chat {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

std::string user_agent() {
  return std::string("qwen-cpp/") + QWEN_VERSION + " (linux; x64)";
}

nlohmann::json request_body(const std::vector<ChatSession::Message> &history, const std::string &model,
                            const nlohmann::json &extra) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto &m : history) messages.push_back({{"role", m.role}, {"content", m.content}});
  nlohmann::json body = {{"model", model},
                         {"messages", std::move(messages)},
                         {"stream", true},
                         {"stream_options", {{"include_usage", true}}}};
  // The sign-in method's fields go after ours and never replace them (auth_source.cpp keeps those out).
  for (const auto &[key, value] : extra.items())
    if (!body.contains(key)) body[key] = value;
  return body;
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
  std::string location;    // of a 3xx
  std::string error_body;  // for non-200 answers
  bool delivered_text = false;
  bool plugin_message = false;  // the auth plugin rewrote the server's message (a 1.0/1.1 plugin)
  std::string plugin_text;       // a 1.2 plugin's own words, used in place of the host's (plugin.h)
};

std::string attempts(int n) {
  return std::to_string(n) + (n == 1 ? " attempt" : " attempts");
}

// `clause` added to `message`: as a sentence of its own when the message already ends one ("... key. The
// server asks ..."), else after a semicolon.
std::string with_clause(std::string message, std::string clause) {
  while (!message.empty() && message.back() == ' ') message.pop_back();
  if (clause.empty()) return message;
  if (!message.empty() && (message.back() == '.' || message.back() == '!' || message.back() == '?')) {
    clause[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(clause[0])));
    return message + " " + clause + ".";
  }
  return message + "; " + clause;
}

std::string wait_clause(long wait_ms) {
  return "the server asks to wait " + describe_wait(wait_ms) + " before retrying";
}

// A URL from a server's header, safe to print: no control bytes, not endless.
std::string printable_url(std::string_view url) {
  std::string out;
  for (unsigned char c : url.substr(0, 300)) out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  return url.size() > 300 ? out + "..." : out;
}

// Where a 3xx points, in words a user can act on. qwen does not follow it: the request carries the
// credentials, and a POST is not safely replayed elsewhere.
std::string redirect_message(int status, const std::string &target) {
  const std::string head = "the server redirected the request (HTTP " + std::to_string(status) + ")";
  if (target.empty()) return head + " without saying where (no Location header); check the base URL";
  const std::string url = printable_url(target);
  std::string text = head + " to " + url + "; qwen does not follow redirects (the request carries your credentials)";
  constexpr std::string_view kSuffix = "/chat/completions";
  if (util::ends_with(url, kSuffix))
    text += ": if that is the API's new address, set the base URL to " + url.substr(0, url.size() - kSuffix.size());
  else
    text += ": check the base URL";
  return text;
}

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
  // JSON carries UTF-8 only. Refused before the history takes it, so one bad message spoils no later turn.
  if (auto bad = util::first_invalid_utf8(user_text)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(user_text[*bad])));
    return fail(QWEN_ERR_CONFIG, "the message is not UTF-8 text (byte " + std::string(hex) + " at offset " +
                                     std::to_string(*bad) +
                                     "); the model API takes UTF-8 only: convert it first, e.g. with iconv");
  }
  history_.push_back({"user", user_text});
  auto drop_turn = [this] { history_.pop_back(); };

  // request_timeout_ms bounds the whole turn, retries and their waits included: a server that trickles
  // keep-alive comments (which reset the idle timer) still cannot hold a script forever.
  using Clock = std::chrono::steady_clock;
  const auto turn_started = Clock::now();
  const long total_ms = network_.request_timeout_ms;
  auto elapsed_ms = [&] {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - turn_started).count());
  };
  const std::string total_words = "request_timeout_ms = " + std::to_string(total_ms);

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
    req.body = request_body(history_, model, creds.body_fields).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.timeouts = {network_.connect_timeout_ms, network_.idle_timeout_ms,
                    total_ms > 0 ? std::max(total_ms - elapsed_ms(), 1L) : 0L};

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
      if (util::iequals(name, "location")) attempt.location = value;
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
      if (auto better = auth.on_api_response(attempt.http.status, attempt.retry_after); better && status != 200) {
        if (auth.plugin_text_replaces_host_text()) {
          attempt.plugin_text = *better;
        } else {
          attempt.error_body = "{\"error\":{\"message\":" + nlohmann::json(*better).dump() + "}}";
          attempt.plugin_message = true;
        }
      }
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
    if (attempt.http.outcome == net::HttpOutcome::Timeout && total_ms > 0 && elapsed_ms() + 20 >= total_ms) {
      // The turn's time is up: another attempt would have none.
      drop_turn();
      const std::string limit = " (" + total_words + " bounds one answer, retries included; 0 = no limit)";
      return fail(QWEN_ERR_NETWORK, attempt.delivered_text
                                        ? "the answer was cut off: timed out after " + describe_wait(total_ms) + limit
                                        : "no answer: timed out after " + describe_wait(total_ms) + " waiting for " +
                                              req.url + limit);
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
      const std::string advice = attempt.plugin_text.empty()
                                     ? "Check the API key, or sign in again with `qwen auth login`."
                                     : attempt.plugin_text;
      return fail(QWEN_ERR_AUTH_REJECTED, "the server refused the credentials of '" + auth.id() + "' (HTTP " +
                                              std::to_string(status) +
                                              "): " + server_error_message(attempt.error_body) + ". " + advice);
    } else if (status == 429) {
      const auto wait = parse_retry_after(attempt.retry_after);
      std::string message = attempt.plugin_text.empty()
                                ? "rate limited by the server (HTTP 429): " + server_error_message(attempt.error_body)
                                : attempt.plugin_text;
      // A plugin's own words for a 429 (qwen-oauth's quota message) already say when to retry.
      const bool hint_given = (attempt.plugin_message || !attempt.plugin_text.empty()) &&
                              util::to_lower(message).find("retry") != std::string::npos;
      if (wait && !hint_given) message = with_clause(message, wait_clause(*wait));
      if ((wait && *wait > network_.retry_max_wait_ms) || retries >= network_.max_retries) {
        drop_turn();
        return fail(QWEN_ERR_RATE_LIMITED, message);
      }
      retry_reason = "HTTP 429 (rate limited)";
      if (wait) retry_wait = *wait;
    } else if (status >= 500) {
      retry_reason = "HTTP " + std::to_string(status) + ": " + server_error_message(attempt.error_body);
      if (auto wait = parse_retry_after(attempt.retry_after)) {
        if (*wait > network_.retry_max_wait_ms) {
          // Too long to wait for: said, as for a 429, not slept through.
          drop_turn();
          return fail(QWEN_ERR_NETWORK, with_clause(retry_reason, wait_clause(*wait)) + " (" + req.url + ")");
        }
        retry_wait = *wait;
      }
    } else if (status >= 300 && status < 400) {
      drop_turn();
      return fail(QWEN_ERR_CONFIG,
                  redirect_message(status, attempt.http.redirect_url.empty() ? attempt.location
                                                                             : attempt.http.redirect_url));
    } else {
      drop_turn();
      return fail(QWEN_ERR_CONFIG, "the server rejected the request (HTTP " + std::to_string(status) + "): " +
                                       server_error_message(attempt.error_body) + " (check the base URL and model)");
    }

    if (retries >= network_.max_retries) {
      drop_turn();
      return fail(QWEN_ERR_NETWORK,
                  "giving up after " + attempts(retries + 1) + ": " + retry_reason + " (" + req.url + ")");
    }
    ++retries;
    if (retry_wait < 0) retry_wait = backoff_wait_ms(network_.retry_base_ms, retries, network_.retry_max_wait_ms);
    if (total_ms > 0 && elapsed_ms() + retry_wait >= total_ms) {
      drop_turn();
      return fail(QWEN_ERR_NETWORK, "giving up after " + attempts(retries) + ": " + retry_reason + " (" + req.url +
                                        "); a retry in " + describe_wait(retry_wait) + " would pass " + total_words);
    }
    util::log_debug("retry " + std::to_string(retries) + " in " + std::to_string(retry_wait) + " ms: " + retry_reason);
    on_event(make_retry(retries, retry_wait, retry_reason));
    if (!wait_(retry_wait)) {
      drop_turn();
      return fail(QWEN_ERR_CANCELLED, "cancelled");
    }
  }
}

}  // namespace qwen::chat
