// qwen/plugin.hpp — header-only C++17 layer over qwen/plugin.h for plugin authors.
//
// A plugin is one class and one macro:
//
//   class Hello : public qwen::sdk::FrontendPlugin {
//    public:
//     static constexpr const char *kId = "hello", *kName = "Hello", *kVersion = "1.0.0";
//     // optional, auth plugins: static constexpr const char *kDescription = "one line";
//     explicit Hello(qwen::sdk::Host host) : FrontendPlugin(host) {}
//     int run() override { ... }
//   };
//   QWEN_EXPORT_PLUGIN(Hello)
//
// Everything here is inline and lives in the plugin's own binary: the only
// thing that crosses into the host is the C ABI. Every function the host can
// call is wrapped so that a C++ exception becomes a status code and a message
// (qwen::sdk::Error carries its own status; anything else is
// QWEN_ERR_INTERNAL).
#ifndef QWEN_PLUGIN_HPP
#define QWEN_PLUGIN_HPP

#include <qwen/plugin.h>

#include <cctype>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qwen::sdk {

// An error with a qwen status code; throw it from plugin code.
class Error : public std::runtime_error {
 public:
  Error(qwen_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
  qwen_status status() const noexcept { return status_; }

 private:
  qwen_status status_;
};

inline void set_error(qwen_error *err, qwen_status status, const char *message) noexcept {
  if (err == nullptr) return;
  err->status = status;
  if (err->struct_size < offsetof(qwen_error, message) + 1) return;
  size_t cap = err->struct_size - offsetof(qwen_error, message);
  if (cap > sizeof(err->message)) cap = sizeof(err->message);
  std::strncpy(err->message, message ? message : "", cap - 1);
  err->message[cap - 1] = '\0';
}

inline qwen_error make_error() noexcept {
  qwen_error e{};
  e.struct_size = sizeof(qwen_error);
  return e;
}

// Runs `body` and turns any exception into a status; never throws.
template <typename Fn>
qwen_status guard(qwen_error *err, Fn &&body) noexcept {
  try {
    return body();
  } catch (const Error &e) {
    set_error(err, e.status(), e.what());
    return e.status();
  } catch (const std::exception &e) {
    set_error(err, QWEN_ERR_INTERNAL, e.what());
    return QWEN_ERR_INTERNAL;
  } catch (...) {
    set_error(err, QWEN_ERR_INTERNAL, "unknown exception in plugin");
    return QWEN_ERR_INTERNAL;
  }
}

// Throws Error when a host call failed.
inline void check(qwen_status status, const qwen_error &err) {
  if (status != QWEN_OK) throw Error(status, err.message[0] ? err.message : "host call failed");
}

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  uint32_t timeout_ms = 0;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  // The first header of that name (case-insensitive), or empty.
  std::string header(const std::string &name) const {
    for (const auto &h : headers) {
      if (h.name.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < name.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(h.name[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      if (same) return h.value;
    }
    return {};
  }
};

// A view of the host's services. Cheap to copy; valid while the plugin is.
class Host {
 public:
  Host() = default;
  explicit Host(const qwen_host *host) : host_(host) {}
  const qwen_host *raw() const { return host_; }

  void log(int32_t level, const std::string &message) const { host_->log(host_, level, message.c_str()); }
  void debug(const std::string &m) const { log(QWEN_LOG_DEBUG, m); }
  void info(const std::string &m) const { log(QWEN_LOG_INFO, m); }
  void warning(const std::string &m) const { log(QWEN_LOG_WARNING, m); }
  void error(const std::string &m) const { log(QWEN_LOG_ERROR, m); }

  void register_secret(const std::string &secret) const {
    if (!secret.empty()) host_->register_secret(host_, secret.c_str());
  }

  std::optional<std::string> config(const std::string &key) const {
    char small[256];
    int64_t n = host_->config_get(host_, key.c_str(), small, sizeof small);
    if (n < 0) return std::nullopt;
    if (static_cast<uint64_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
    std::string big(static_cast<size_t>(n) + 1, '\0');
    host_->config_get(host_, key.c_str(), big.data(), big.size());
    big.resize(static_cast<size_t>(n));
    return big;
  }
  std::string config_or(const std::string &key, const std::string &fallback) const {
    auto v = config(key);
    return v ? *v : fallback;
  }

  std::string home_dir() const { return host_->home_dir(host_); }
  // The host's version ("0.1.0"), or empty.
  // ABI 1.5: the account the host acts for in this call ("" = the default account; plugin.h "Accounts").
  // Read it in every call that touches credentials: it changes when the user switches accounts.
  std::string account() const { return config("qwen.account").value_or(""); }
  std::string version() const { return host_ && host_->host_version ? host_->host_version : ""; }

  // ABI 1.3: Qwen Code's user settings.json (plugin.h settings_read/settings_write). `has_settings()` is
  // false on an older host: settings_read() then answers nullopt and settings_write() throws
  // Error(QWEN_ERR_UNSUPPORTED).
  bool has_settings() const { return QWEN_HAS_FIELD(host_, qwen_host, settings_write); }
  std::optional<std::string> settings_read(const std::string &pointer) const {
    if (!has_settings()) return std::nullopt;
    char small[512];
    int64_t n = host_->settings_read(host_, pointer.c_str(), small, sizeof small);
    if (n < 0) return std::nullopt;
    if (static_cast<uint64_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
    std::string big(static_cast<size_t>(n) + 1, '\0');
    n = host_->settings_read(host_, pointer.c_str(), big.data(), big.size());
    if (n < 0 || static_cast<uint64_t>(n) >= big.size()) return std::nullopt;  // changed between the two reads
    big.resize(static_cast<size_t>(n));
    return big;
  }
  // `json` nullopt removes the member.
  void settings_write(const std::string &pointer, const std::optional<std::string> &json) const {
    if (!has_settings()) throw Error(QWEN_ERR_UNSUPPORTED, "this qwen is too old to edit settings.json (ABI 1.3)");
    qwen_error err = make_error();
    check(host_->settings_write(host_, pointer.c_str(), json ? json->c_str() : nullptr, &err), err);
  }

  // ABI 1.4: the host's secret store (plugin.h secret_put/secret_get/secret_delete), keyed by this plugin's
  // id, `account` ("" = the default) and `name`. `has_secrets()` is false on an older host: secret_get()
  // then answers nullopt and secret_put()/secret_delete() throw Error(QWEN_ERR_UNSUPPORTED).
  bool has_secrets() const { return QWEN_HAS_FIELD(host_, qwen_host, secret_delete); }
  void secret_put(const std::string &account, const std::string &name, const std::string &secret) const {
    if (!has_secrets()) throw Error(QWEN_ERR_UNSUPPORTED, "this qwen is too old to keep secrets (ABI 1.4)");
    qwen_error err = make_error();
    check(host_->secret_put(host_, account.c_str(), name.c_str(), secret.c_str(), &err), err);
  }
  std::optional<std::string> secret_get(const std::string &account, const std::string &name) const {
    if (!has_secrets()) return std::nullopt;
    char small[512];
    int64_t n = host_->secret_get(host_, account.c_str(), name.c_str(), small, sizeof small);
    if (n < 0) return std::nullopt;
    if (static_cast<uint64_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
    std::string big(static_cast<size_t>(n) + 1, '\0');
    n = host_->secret_get(host_, account.c_str(), name.c_str(), big.data(), big.size());
    if (n < 0 || static_cast<uint64_t>(n) >= big.size()) return std::nullopt;  // changed between the two reads
    big.resize(static_cast<size_t>(n));
    return big;
  }
  void secret_delete(const std::string &account, const std::string &name) const {
    if (!has_secrets()) throw Error(QWEN_ERR_UNSUPPORTED, "this qwen is too old to keep secrets (ABI 1.4)");
    qwen_error err = make_error();
    check(host_->secret_delete(host_, account.c_str(), name.c_str(), &err), err);
  }

  // Streams the body to on_body (return false to abort); returns status and headers.
  HttpResponse http(const HttpRequest &req, const std::function<bool(const char *, size_t)> &on_body) const {
    struct Ctx {
      HttpResponse *resp;
      const std::function<bool(const char *, size_t)> *on_body;
    };
    HttpResponse resp;
    Ctx ctx{&resp, &on_body};
    std::vector<const char *> hdrs;
    for (const auto &h : req.headers) hdrs.push_back(h.c_str());
    qwen_http_request r{};
    r.struct_size = sizeof r;
    r.method = req.method.c_str();
    r.url = req.url.c_str();
    r.headers = hdrs.empty() ? nullptr : hdrs.data();
    r.header_count = static_cast<uint32_t>(hdrs.size());
    r.timeout_ms = req.timeout_ms;
    r.body = reinterpret_cast<const uint8_t *>(req.body.data());
    r.body_size = req.body.size();
    qwen_http_callbacks cb{};
    cb.struct_size = sizeof cb;
    cb.ctx = &ctx;
    cb.on_status = [](void *c, int32_t status) -> int32_t {
      static_cast<Ctx *>(c)->resp->status = status;
      return 0;
    };
    cb.on_header = [](void *c, const char *name, const char *value) -> int32_t {
      static_cast<Ctx *>(c)->resp->headers.push_back({name, value});
      return 0;
    };
    cb.on_body = [](void *c, const uint8_t *data, uint64_t size) -> int32_t {
      auto *x = static_cast<Ctx *>(c);
      try {
        return (*x->on_body)(reinterpret_cast<const char *>(data), static_cast<size_t>(size)) ? 0 : 1;
      } catch (...) {
        return 1;
      }
    };
    qwen_error err = make_error();
    check(host_->http_request(host_, &r, &cb, &err), err);
    return resp;
  }

  // The whole body in memory (for small JSON answers).
  HttpResponse http(const HttpRequest &req) const {
    std::string body;
    HttpResponse resp = http(req, [&body](const char *d, size_t n) {
      body.append(d, n);
      return body.size() < (64u << 20);  // refuse absurd answers
    });
    resp.body = std::move(body);
    return resp;
  }

  // false when no browser could be started (the caller shows the URL instead).
  bool open_url(const std::string &url) const {
    qwen_error err = make_error();
    return host_->open_url(host_, url.c_str(), &err) == QWEN_OK;
  }

  // Show something; throws only on cancellation.
  void show(const qwen_ui_request &req) const {
    qwen_error err = make_error();
    qwen_status s = host_->ui(host_, &req, nullptr, 0, &err);
    if (s == QWEN_ERR_CANCELLED) throw Error(s, "cancelled");
  }
  void notice(const std::string &text, int32_t kind = QWEN_UI_NOTICE) const {
    qwen_ui_request r = ui_request(kind);
    r.text = text.c_str();
    show(r);
  }

  // Ask a question; throws Error(QWEN_ERR_UNSUPPORTED) when nobody can answer.
  std::string ask(const std::string &question, int32_t kind = QWEN_UI_ASK, const std::string &choices = {},
                  const std::string &default_answer = {}) const {
    qwen_ui_request r = ui_request(kind);
    r.text = question.c_str();
    r.choices = choices.empty() ? nullptr : choices.c_str();
    r.default_answer = default_answer.empty() ? nullptr : default_answer.c_str();
    std::string answer(4096, '\0');
    qwen_error err = make_error();
    check(host_->ui(host_, &r, answer.data(), answer.size(), &err), err);
    answer.resize(std::strlen(answer.c_str()));
    return answer;
  }

  // false when cancelled before `ms` passed.
  bool wait(uint32_t ms) const { return host_->wait(host_, ms) == QWEN_OK; }
  bool cancelled() const { return host_->is_cancelled(host_) != 0; }

  static qwen_ui_request ui_request(int32_t kind) {
    qwen_ui_request r{};
    r.struct_size = sizeof r;
    r.kind = kind;
    return r;
  }

  // Front-ends: send a turn, events to on_event (return false to cancel).
  qwen_status chat_send(const std::string &text, const std::function<bool(const qwen_event &)> &on_event,
                        std::string *error_message = nullptr) const {
    qwen_event_sink sink{};
    sink.struct_size = sizeof sink;
    sink.ctx = const_cast<std::function<bool(const qwen_event &)> *>(&on_event);
    sink.on_event = [](void *c, const qwen_event *e) -> int32_t {
      try {
        return (*static_cast<const std::function<bool(const qwen_event &)> *>(c))(*e) ? 0 : 1;
      } catch (...) {
        return 1;
      }
    };
    qwen_error err = make_error();
    qwen_status s;
    if (QWEN_HAS_FIELD(host_, qwen_host, chat_send_text) && host_->chat_send_text) {
      s = host_->chat_send_text(host_, text.data(), text.size(), &sink, &err);
    } else if (text.find('\0') != std::string::npos) {
      // A 1.0 host reads the text up to its first NUL: refuse rather than send part of it.
      set_error(&err, QWEN_ERR_CONFIG, "the message holds a NUL byte, which this qwen host (plugin ABI 1.0) cannot carry");
      s = QWEN_ERR_CONFIG;
    } else {
      s = host_->chat_send(host_, text.c_str(), &sink, &err);
    }
    if (s != QWEN_OK && error_message) *error_message = err.message;
    return s;
  }

  // Whether the process was asked to end (SIGTERM, SIGHUP, a second SIGINT), not just to cancel the current
  // operation; nullopt from a 1.0 host, which cannot tell.
  std::optional<bool> quit_requested() const {
    if (!QWEN_HAS_FIELD(host_, qwen_host, quit_requested) || !host_->quit_requested) return std::nullopt;
    return host_->quit_requested(host_) != 0;
  }

  // Front-ends, from any thread: cancel the turn in flight (1.2). false from an older host, which cannot.
  bool cancel_turn() const {
    if (!QWEN_HAS_FIELD(host_, qwen_host, cancel_turn) || !host_->cancel_turn) return false;
    host_->cancel_turn(host_);
    return true;
  }

  // Front-ends: a session command (see qwen_host.command). Pairs come back in order.
  qwen_status command(const std::string &verb, const std::string &arg, std::vector<Header> *out,
                      std::string *error_message = nullptr) const {
    qwen_kv_sink sink{};
    sink.struct_size = sizeof sink;
    sink.ctx = out;
    sink.put = [](void *c, const char *k, const char *v) {
      if (c) static_cast<std::vector<Header> *>(c)->push_back({k, v});
    };
    qwen_error err = make_error();
    qwen_status s = host_->command(host_, verb.c_str(), arg.empty() ? nullptr : arg.c_str(), &sink, &err);
    if (s != QWEN_OK && error_message) *error_message = err.message;
    return s;
  }

 private:
  const qwen_host *host_ = nullptr;
};

// An event's text with its length: the whole delta even when it holds a NUL byte (1.1 hosts fill
// text_size; from a 1.0 host, the text up to its first NUL).
inline std::string_view event_text(const qwen_event &event) {
  if (event.text == nullptr) return {};
  // QWEN_HAS_FIELD spelled out: a reference is never NULL (GCC warns at the macro's NULL test).
  if (event.struct_size >= offsetof(qwen_event, text_size) + sizeof event.text_size)
    return std::string_view(event.text, static_cast<size_t>(event.text_size));
  return std::string_view(event.text);
}

// A writer for a qwen_kv_sink handed in by the host.
class KvOut {
 public:
  explicit KvOut(const qwen_kv_sink *sink) : sink_(sink) {}
  void put(const std::string &key, const std::string &value) const {
    if (sink_ && sink_->put) sink_->put(sink_->ctx, key.c_str(), value.c_str());
  }

 private:
  const qwen_kv_sink *sink_;
};

// Base of an auth plugin. Throw Error to fail with a status.
//
// Optional static members of the derived class (each read at compile time):
//   kDescription  one line for the sign-in choice and `qwen plugins`
//   kMethodFlags  QWEN_AUTH_METHOD_* bits (how login() signs in; models from GET /models)
//   kEnvVars      "VAR_ONE\nVAR_TWO": the environment variables the method reads, the configuring one first
//   kSetupUrl     where a user makes a key or an account
// The optional functions below are offered to the host only when the derived class declares them: a method
// without its own login() has a NULL login slot, which is what the host reads as "no interactive login".
class AuthPlugin {
 public:
  static constexpr int32_t kKind = QWEN_PLUGIN_KIND_AUTH;
  explicit AuthPlugin(Host host) : host_(host) {}
  virtual ~AuthPlugin() = default;

  virtual void get_credentials(uint32_t flags, const KvOut &out) = 0;
  virtual void status(const KvOut &out) = 0;

  // Optional. Throw Error to say the method cannot be used now.
  virtual void available() {}
  // Optional: sign in interactively through host().ask / notice / open_url.
  virtual void login() { throw Error(QWEN_ERR_UNSUPPORTED, "this sign-in method has no interactive login"); }
  // Optional: forget the cached login.
  virtual void logout() {}
  // Optional: a message that replaces the host's for a refused request (429, and 401/403), or nullopt.
  virtual std::optional<std::string> on_api_response(int /*http_status*/, const char * /*retry_after*/) {
    return std::nullopt;
  }
  // Optional: 0 when the environment does not configure this method, else its priority (plugin.h).
  virtual int environment_priority() { return 0; }
  // Optional: put(model id, description) per model; throw Error(QWEN_ERR_UNSUPPORTED) for none of its own.
  virtual void list_models(const KvOut & /*out*/) { throw Error(QWEN_ERR_UNSUPPORTED, "no model list"); }

 protected:
  const Host &host() const { return host_; }

 private:
  Host host_;
};

// Base of a front-end plugin.
class FrontendPlugin {
 public:
  static constexpr int32_t kKind = QWEN_PLUGIN_KIND_FRONTEND;
  explicit FrontendPlugin(Host host) : host_(host) {}
  virtual ~FrontendPlugin() = default;

  // The user's loop; returns the exit status.
  virtual int run() = 0;
  // Render a request; return the answer for questions. Throw Error(QWEN_ERR_UNSUPPORTED) when you cannot ask.
  virtual std::string ui(const qwen_ui_request &request) = 0;

 protected:
  const Host &host() const { return host_; }

 private:
  Host host_;
};

// A redacted form of a secret for display: "sk-a…wxyz" style, never the whole.
inline std::string redact(const std::string &secret) {
  if (secret.empty()) return "(empty)";
  if (secret.size() < 12) return "****";
  return secret.substr(0, 3) + "…" + secret.substr(secret.size() - 4);
}

namespace detail {

inline void copy_answer(const std::string &answer, char *buffer, uint64_t capacity) {
  if (buffer == nullptr || capacity == 0) return;
  size_t n = answer.size() < capacity - 1 ? answer.size() : static_cast<size_t>(capacity - 1);
  std::memcpy(buffer, answer.data(), n);
  buffer[n] = '\0';
}

template <typename Plugin>
struct Instance {
  static std::unique_ptr<Plugin> &get() {
    static std::unique_ptr<Plugin> instance;
    return instance;
  }
  static Plugin &self() {
    if (!get()) throw Error(QWEN_ERR_INTERNAL, "plugin used before init");
    return *get();
  }
};

// A plugin may define `static constexpr const char *kDescription` (one line for the sign-in choice).
template <typename Plugin, typename = void>
struct Description {
  static const char *get() { return ""; }
};
template <typename Plugin>
struct Description<Plugin, std::void_t<decltype(Plugin::kDescription)>> {
  static const char *get() { return Plugin::kDescription; }
};
template <typename Plugin, typename = void>
struct MethodFlags {
  static uint32_t get() { return 0; }
};
template <typename Plugin>
struct MethodFlags<Plugin, std::void_t<decltype(Plugin::kMethodFlags)>> {
  static uint32_t get() { return Plugin::kMethodFlags; }
};
template <typename Plugin, typename = void>
struct EnvVars {
  static const char *get() { return nullptr; }
};
template <typename Plugin>
struct EnvVars<Plugin, std::void_t<decltype(Plugin::kEnvVars)>> {
  static const char *get() { return Plugin::kEnvVars; }
};
template <typename Plugin, typename = void>
struct SetupUrl {
  static const char *get() { return nullptr; }
};
template <typename Plugin>
struct SetupUrl<Plugin, std::void_t<decltype(Plugin::kSetupUrl)>> {
  static const char *get() { return Plugin::kSetupUrl; }
};

// Whether Plugin (or a base between it and AuthPlugin) declares its own `name`: &Plugin::name then has a
// class type other than AuthPlugin's. A compile-time check; comparing pointers to virtual members is not.
#define QWEN_SDK_OVERRIDES(Plugin, name) \
  (!std::is_same_v<decltype(&Plugin::name), decltype(&::qwen::sdk::AuthPlugin::name)>)

template <typename Plugin, int32_t Kind = Plugin::kKind>
struct Interface;

template <typename Plugin>
struct Interface<Plugin, QWEN_PLUGIN_KIND_AUTH> {
  static constexpr const char *kName = QWEN_AUTH_INTERFACE;
  using I = Instance<Plugin>;
  static const void *table() {
    static qwen_auth_interface t = [] {
      qwen_auth_interface a{};
      a.struct_size = sizeof a;
      a.display_name = Plugin::kName;
      a.description = Description<Plugin>::get();
      a.method_flags = MethodFlags<Plugin>::get();
      a.env_vars = EnvVars<Plugin>::get();
      a.setup_url = SetupUrl<Plugin>::get();
      if (QWEN_SDK_OVERRIDES(Plugin, available))
        a.available = [](qwen_error *err) noexcept {
          return guard(err, [] {
            I::self().available();
            return QWEN_OK;
          });
        };
      a.get_credentials = [](uint32_t flags, const qwen_credentials_sink *out, qwen_error *err) noexcept {
        return guard(err, [&] {
          I::self().get_credentials(flags, KvOut(out));
          return QWEN_OK;
        });
      };
      if (QWEN_SDK_OVERRIDES(Plugin, login))
        a.login = [](qwen_error *err) noexcept {
          return guard(err, [] {
            I::self().login();
            return QWEN_OK;
          });
        };
      if (QWEN_SDK_OVERRIDES(Plugin, logout))
        a.logout = [](qwen_error *err) noexcept {
          return guard(err, [] {
            I::self().logout();
            return QWEN_OK;
          });
        };
      a.status = [](const qwen_kv_sink *out, qwen_error *err) noexcept {
        return guard(err, [&] {
          I::self().status(KvOut(out));
          return QWEN_OK;
        });
      };
      if (QWEN_SDK_OVERRIDES(Plugin, on_api_response))
        a.on_api_response = [](int32_t status, const char *retry_after, char *message, uint64_t cap) noexcept {
          qwen_error ignored = make_error();
          return guard(&ignored, [&] {
            auto m = I::self().on_api_response(status, retry_after);
            if (!m) return QWEN_ERR_UNSUPPORTED;
            copy_answer(*m, message, cap);
            return QWEN_OK;
          });
        };
      if (QWEN_SDK_OVERRIDES(Plugin, environment_priority))
        a.environment_priority = []() noexcept -> int32_t {
          try {
            return I::self().environment_priority();
          } catch (...) {
            return 0;
          }
        };
      if (QWEN_SDK_OVERRIDES(Plugin, list_models))
        a.list_models = [](const qwen_kv_sink *out, qwen_error *err) noexcept {
          return guard(err, [&] {
            I::self().list_models(KvOut(out));
            return QWEN_OK;
          });
        };
      return a;
    }();
    return &t;
  }
};

template <typename Plugin>
struct Interface<Plugin, QWEN_PLUGIN_KIND_FRONTEND> {
  static constexpr const char *kName = QWEN_FRONTEND_INTERFACE;
  using I = Instance<Plugin>;
  static const void *table() {
    static qwen_frontend_interface t = [] {
      qwen_frontend_interface f{};
      f.struct_size = sizeof f;
      f.display_name = Plugin::kName;
      f.run = [](qwen_error *err) noexcept -> int32_t {
        int32_t code = 1;
        qwen_status s = guard(err, [&] {
          code = I::self().run();
          return QWEN_OK;
        });
        return s == QWEN_OK ? code : 1;
      };
      f.ui = [](const qwen_ui_request *req, char *answer, uint64_t cap, qwen_error *err) noexcept {
        return guard(err, [&] {
          copy_answer(I::self().ui(*req), answer, cap);
          return QWEN_OK;
        });
      };
      return f;
    }();
    return &t;
  }
};

template <typename Plugin>
struct Exporter {
  static const qwen_plugin_entry *entry() {
    static const qwen_plugin_entry e = [] {
      qwen_plugin_entry x{};
      x.struct_size = sizeof x;
      x.abi_major = QWEN_PLUGIN_ABI_MAJOR;
      x.abi_minor = QWEN_PLUGIN_ABI_MINOR;
      x.id = Plugin::kId;
      x.name = Plugin::kName;
      x.version = Plugin::kVersion;
      x.kind = Plugin::kKind;
      x.init = [](const qwen_host *host, qwen_error *err) noexcept {
        return guard(err, [&] {
          Instance<Plugin>::get() = std::make_unique<Plugin>(Host(host));
          return QWEN_OK;
        });
      };
      x.deinit = []() noexcept {
        qwen_error ignored = make_error();
        guard(&ignored, [] {
          Instance<Plugin>::get().reset();
          return QWEN_OK;
        });
      };
      x.get_interface = [](const char *id) noexcept -> const void * {
        if (id == nullptr || std::strcmp(id, Interface<Plugin>::kName) != 0) return nullptr;
        return Interface<Plugin>::table();
      };
      return x;
    }();
    return &e;
  }
};

}  // namespace detail
}  // namespace qwen::sdk

// Exports `Class` (derived from AuthPlugin or FrontendPlugin, with static
// kId, kName and kVersion) as this shared object's plugin.
#define QWEN_EXPORT_PLUGIN(Class)                                                     \
  extern "C" QWEN_PLUGIN_EXPORT const qwen_plugin_entry *qwen_plugin_entry_v1(void) { \
    return ::qwen::sdk::detail::Exporter<Class>::entry();                             \
  }

#endif  // QWEN_PLUGIN_HPP
