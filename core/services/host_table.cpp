#include "services/host_table.hpp"

#include <cstring>

#include <qwen/plugin.hpp>

#include "net/http_client.hpp"
#include "services/browser.hpp"
#include "services/cancellation.hpp"
#include "services/secret_store.hpp"
#include "util/log.hpp"
#include "util/redactor.hpp"

namespace qwen::services {
namespace {

// plugin.h's convention for a text answer: at most `capacity` bytes with the NUL into `buffer`, and the
// full length returned (the caller asks again with a larger buffer when it did not fit).
int64_t copy_out(const std::string &value, char *buffer, uint64_t capacity) {
  if (buffer && capacity > 0) {
    size_t n = std::min<uint64_t>(value.size(), capacity - 1);
    std::memcpy(buffer, value.data(), n);
    buffer[n] = '\0';
  }
  return static_cast<int64_t>(value.size());
}

const HostTable &self(const qwen_host *host) {
  return *static_cast<const HostTable *>(host->host_ctx);
}

template <typename Fn>
qwen_status guarded(qwen_error *err, Fn &&body) noexcept {
  try {
    return body();
  } catch (const std::exception &e) {
    return fill_error(err, QWEN_ERR_INTERNAL, std::string("host error: ") + e.what());
  } catch (...) {
    return fill_error(err, QWEN_ERR_INTERNAL, "host error");
  }
}

void host_log(const qwen_host *host, int32_t level, const char *message) noexcept {
  try {
    std::string text = "[" + self(host).plugin_id() + "] " + (message ? message : "");
    util::LogLevel l = level <= QWEN_LOG_DEBUG     ? util::LogLevel::Debug
                       : level == QWEN_LOG_INFO    ? util::LogLevel::Info
                       : level == QWEN_LOG_WARNING ? util::LogLevel::Warning
                                                   : util::LogLevel::Error;
    util::log(l, text);
  } catch (...) {
  }
}

void host_register_secret(const qwen_host *, const char *secret) noexcept {
  try {
    if (secret) util::register_secret(secret);
  } catch (...) {
  }
}

int64_t host_config_get(const qwen_host *host, const char *key, char *buffer, uint64_t capacity) noexcept {
  try {
    if (!key) return -1;
    auto value = self(host).backend().config_value(self(host).plugin_id(), key);
    if (!value) return -1;
    return copy_out(*value, buffer, capacity);
  } catch (...) {
    return -1;
  }
}

const char *host_home_dir(const qwen_host *host) noexcept {
  return self(host).backend().home_dir().c_str();
}

qwen_status host_http_request(const qwen_host *, const qwen_http_request *request, const qwen_http_callbacks *cb,
                              qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (!request || !request->url || !request->method)
      return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "http_request needs a method and a URL");
    net::HttpRequest req;
    req.method = request->method;
    req.url = request->url;
    for (uint32_t i = 0; i < request->header_count && request->headers; ++i)
      if (request->headers[i]) req.headers.emplace_back(request->headers[i]);
    if (request->body && request->body_size)
      req.body.assign(reinterpret_cast<const char *>(request->body), static_cast<size_t>(request->body_size));
    req.timeouts.total_ms = request->timeout_ms ? request->timeout_ms : 60000;
    req.timeouts.idle_ms = 0;
    qwen_http_callbacks callbacks{};
    if (cb) std::memcpy(&callbacks, cb, std::min<size_t>(cb->struct_size, sizeof callbacks));
    net::HttpHandlers h;
    h.on_status = [&](int s) { return !callbacks.on_status || callbacks.on_status(callbacks.ctx, s) == 0; };
    h.on_header = [&](std::string_view name, std::string_view value) {
      if (!callbacks.on_header) return true;
      std::string n(name), v(value);
      return callbacks.on_header(callbacks.ctx, n.c_str(), v.c_str()) == 0;
    };
    h.on_body = [&](std::string_view bytes) {
      return !callbacks.on_body ||
             callbacks.on_body(callbacks.ctx, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()) == 0;
    };
    h.should_cancel = cancel_requested;
    auto result = net::http_perform(req, h);
    switch (result.outcome) {
      case net::HttpOutcome::Complete:
        return QWEN_OK;
      case net::HttpOutcome::Cancelled:
        return fill_error(err, QWEN_ERR_CANCELLED, "cancelled");
      case net::HttpOutcome::BadRequest:
        return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, result.error);
      default:
        return fill_error(err, QWEN_ERR_NETWORK, "cannot reach " + req.url + ": " + result.error);
    }
  });
}

qwen_status host_open_url(const qwen_host *, const char *url, qwen_error *err) noexcept {
  return guarded(err, [&] {
    std::string why;
    if (!url) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no URL");
    return open_in_browser(url, why) ? QWEN_OK : fill_error(err, QWEN_ERR_UNSUPPORTED, why);
  });
}

qwen_status host_ui(const qwen_host *host, const qwen_ui_request *request, char *answer, uint64_t capacity,
                    qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (!request) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no request");
    qwen_ui_request req{};
    std::memcpy(&req, request, std::min<size_t>(request->struct_size, sizeof req));
    req.struct_size = sizeof req;
    const std::string text = req.text ? util::scrub(req.text) : std::string();  // a notice may quote a key or URL
    if (req.text) req.text = text.c_str();
    return self(host).backend().ui(req, answer, capacity, err);
  });
}

qwen_status host_wait(const qwen_host *, uint32_t ms) noexcept {
  return interruptible_sleep(ms) ? QWEN_OK : QWEN_ERR_CANCELLED;
}

int32_t host_is_cancelled(const qwen_host *) noexcept {
  return cancel_requested() ? 1 : 0;
}

qwen_status host_chat_send(const qwen_host *host, const char *text, const qwen_event_sink *sink,
                           qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (self(host).plugin_kind() != QWEN_PLUGIN_KIND_FRONTEND)
      return fill_error(err, QWEN_ERR_UNSUPPORTED, "chat_send is for front-end plugins");
    if (!text) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no text");
    return self(host).backend().chat_send(text, sink, err);
  });
}

qwen_status host_chat_send_text(const qwen_host *host, const char *text, uint64_t text_size,
                                const qwen_event_sink *sink, qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (self(host).plugin_kind() != QWEN_PLUGIN_KIND_FRONTEND)
      return fill_error(err, QWEN_ERR_UNSUPPORTED, "chat_send_text is for front-end plugins");
    if (!text && text_size > 0) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no text");
    return self(host).backend().chat_send(std::string(text ? text : "", static_cast<size_t>(text_size)), sink, err);
  });
}

int32_t host_quit_requested(const qwen_host *) noexcept {
  return quit_requested() ? 1 : 0;
}

// Any thread. An auth plugin cancelling "the turn" would cancel its own caller: plugin.h gives it no effect.
void host_cancel_turn(const qwen_host *host) noexcept {
  if (host && self(host).plugin_kind() == QWEN_PLUGIN_KIND_FRONTEND) cancel_operation();
}

qwen_status host_command(const qwen_host *host, const char *verb, const char *arg, const qwen_kv_sink *out,
                         qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (self(host).plugin_kind() != QWEN_PLUGIN_KIND_FRONTEND)
      return fill_error(err, QWEN_ERR_UNSUPPORTED, "command is for front-end plugins");
    if (!verb) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no verb");
    return self(host).backend().command(verb, arg, out, err);
  });
}

int64_t host_settings_read(const qwen_host *host, const char *pointer, char *buffer, uint64_t capacity) noexcept {
  try {
    if (!pointer) return -1;
    auto value = self(host).backend().settings_read(pointer);
    if (!value) return -1;
    return copy_out(*value, buffer, capacity);
  } catch (...) {
    return -1;
  }
}

qwen_status host_settings_write(const qwen_host *host, const char *pointer, const char *json,
                                qwen_error *err) noexcept {
  return guarded(err, [&] {
    if (!pointer) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no pointer");
    return self(host).backend().settings_write(self(host).plugin_id(), pointer,
                                               json ? std::optional<std::string>(json) : std::nullopt, err);
  });
}

// plugin.h 1.4: the secret store, for auth plugins only (a front-end has no keys of its own to keep).
SecretStore *secret_store_for(const qwen_host *host) {
  if (self(host).plugin_kind() != QWEN_PLUGIN_KIND_AUTH) return nullptr;
  return self(host).backend().secret_store();
}

SecretKey secret_key(const qwen_host *host, const char *account, const char *name) {
  return SecretKey{self(host).plugin_id(), account ? account : "", name ? name : ""};
}

qwen_status host_secret_put(const qwen_host *host, const char *account, const char *name, const char *secret,
                            qwen_error *err) noexcept {
  return guarded(err, [&] {
    SecretStore *store = secret_store_for(host);
    if (!store) return fill_error(err, QWEN_ERR_UNSUPPORTED, "the secret store is for auth plugins");
    if (!name || !secret) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "secret_put needs a name and a secret");
    try {
      store->put(secret_key(host, account, name), secret);
    } catch (const sdk::Error &e) {
      return fill_error(err, e.status(), e.what());
    }
    return QWEN_OK;
  });
}

int64_t host_secret_get(const qwen_host *host, const char *account, const char *name, char *buffer,
                        uint64_t capacity) noexcept {
  try {
    SecretStore *store = secret_store_for(host);
    if (!store || !name) return -1;
    std::optional<std::string> value;
    try {
      value = store->get(secret_key(host, account, name));
    } catch (const sdk::Error &e) {
      util::log(util::LogLevel::Error, e.what());  // plugin.h: -1, and the host has told the user
      return -1;
    }
    if (!value) return -1;
    return copy_out(*value, buffer, capacity);
  } catch (...) {
    return -1;
  }
}

qwen_status host_secret_delete(const qwen_host *host, const char *account, const char *name,
                               qwen_error *err) noexcept {
  return guarded(err, [&] {
    SecretStore *store = secret_store_for(host);
    if (!store) return fill_error(err, QWEN_ERR_UNSUPPORTED, "the secret store is for auth plugins");
    if (!name) return fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "secret_delete needs a name");
    try {
      store->remove(secret_key(host, account, name));
    } catch (const sdk::Error &e) {
      return fill_error(err, e.status(), e.what());
    }
    return QWEN_OK;
  });
}

}  // namespace

qwen_status fill_error(qwen_error *err, qwen_status status, const std::string &message) {
  if (err && err->struct_size >= sizeof(qwen_error)) {
    err->status = status;
    std::string clean = util::scrub(message);
    size_t n = std::min(clean.size(), sizeof err->message - 1);
    std::memcpy(err->message, clean.data(), n);
    err->message[n] = '\0';
  }
  return status;
}

HostTable::HostTable(HostBackend &backend, std::string plugin_id, int32_t plugin_kind)
    : backend_(backend), plugin_id_(std::move(plugin_id)), plugin_kind_(plugin_kind) {
  table_.struct_size = sizeof table_;
  table_.abi_major = QWEN_PLUGIN_ABI_MAJOR;
  table_.abi_minor = QWEN_PLUGIN_ABI_MINOR;
  table_.host_version = QWEN_VERSION;
  table_.host_ctx = this;
  table_.log = host_log;
  table_.register_secret = host_register_secret;
  table_.config_get = host_config_get;
  table_.home_dir = host_home_dir;
  table_.http_request = host_http_request;
  table_.open_url = host_open_url;
  table_.ui = host_ui;
  table_.wait = host_wait;
  table_.is_cancelled = host_is_cancelled;
  table_.chat_send = host_chat_send;
  table_.command = host_command;
  table_.chat_send_text = host_chat_send_text;
  table_.quit_requested = host_quit_requested;
  table_.cancel_turn = host_cancel_turn;
  table_.settings_read = host_settings_read;
  table_.settings_write = host_settings_write;
  table_.secret_put = host_secret_put;
  table_.secret_get = host_secret_get;
  table_.secret_delete = host_secret_delete;
}

}  // namespace qwen::services
