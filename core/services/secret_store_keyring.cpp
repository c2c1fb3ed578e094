// The keyring backend: the freedesktop Secret Service through libsecret (GNOME Keyring, KWallet,
// KeePassXC). Every call runs on a worker thread with a GCancellable and a time limit: a session bus
// with no keyring, or a keyring waiting for an unlock prompt no one can see, must never hang qwen.
#include <libsecret/secret.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <qwen/plugin.hpp>

#include "services/secret_store.hpp"

namespace qwen::services {
namespace {

using sdk::Error;

const SecretSchema *schema() {
  static const SecretSchema s = {"org.qwen_cpp.Secret",
                                 SECRET_SCHEMA_NONE,
                                 {{"plugin", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                  {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                  {"name", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                  {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                 0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  return &s;
}

// One libsecret call's state, shared with its worker thread (which may outlive the caller after a timeout).
struct Call {
  SecretKey key;
  std::string secret;  // put: what to store; get: what was found
  bool found = false;
  std::string error;   // empty = success
  GCancellable *cancellable = g_cancellable_new();
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  ~Call() { g_object_unref(cancellable); }
};

using Body = void (*)(Call &);

// Runs `body` on a worker thread; false when it did not finish within `timeout_ms` (it is then cancelled
// and left to end on its own).
bool run_bounded(const std::shared_ptr<Call> &call, Body body, int timeout_ms) {
  std::thread([call, body] {
    body(*call);
    std::lock_guard<std::mutex> lock(call->m);
    call->done = true;
    call->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(call->m);
  if (call->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return call->done; })) return true;
  g_cancellable_cancel(call->cancellable);
  // Cancelled, it usually returns at once; wait a moment so it does not run on behind our back.
  call->cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return call->done; });
  return false;
}

void take_error(Call &c, GError *error) {
  if (error) {
    c.error = error->message ? error->message : "unknown error";
    g_error_free(error);
  }
}

void do_lookup(Call &c) {
  GError *error = nullptr;
  gchar *found = secret_password_lookup_sync(schema(), c.cancellable, &error, "plugin", c.key.plugin.c_str(),
                                             "account", c.key.account.c_str(), "name", c.key.name.c_str(), nullptr);
  take_error(c, error);
  if (found) {
    c.found = true;
    c.secret = found;
    secret_password_free(found);
  }
}

void do_store(Call &c) {
  GError *error = nullptr;
  const std::string label = "qwen: " + c.key.plugin + " " + c.key.name + " (" +
                            (c.key.account.empty() ? std::string("default") : c.key.account) + ")";
  const gboolean ok =
      secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), c.secret.c_str(),
                                 c.cancellable, &error, "plugin", c.key.plugin.c_str(), "account",
                                 c.key.account.c_str(), "name", c.key.name.c_str(), nullptr);
  take_error(c, error);
  if (!ok && c.error.empty()) c.error = "the keyring refused it";
  c.secret.assign(c.secret.size(), '\0');  // do not leave the copy behind
}

void do_clear(Call &c) {
  GError *error = nullptr;
  secret_password_clear_sync(schema(), c.cancellable, &error, "plugin", c.key.plugin.c_str(), "account",
                             c.key.account.c_str(), "name", c.key.name.c_str(), nullptr);
  take_error(c, error);
}

class KeyringSecretBackend : public SecretBackend {
 public:
  explicit KeyringSecretBackend(int timeout_ms) : timeout_ms_(timeout_ms) {}

  void put(const SecretKey &key, const std::string &secret) override {
    auto call = run(key, secret, do_store, "store");
    (void)call;
  }
  std::optional<std::string> get(const SecretKey &key) override {
    auto call = run(key, "", do_lookup, "read");
    if (!call->found) return std::nullopt;
    return call->secret;
  }
  void remove(const SecretKey &key) override { run(key, "", do_clear, "remove"); }

 private:
  std::shared_ptr<Call> run(const SecretKey &key, const std::string &secret, Body body, const char *verb) {
    auto call = std::make_shared<Call>();
    call->key = key;
    call->secret = secret;
    if (!run_bounded(call, body, timeout_ms_))
      throw Error(QWEN_ERR_CONFIG, "the keyring did not answer within " + std::to_string(timeout_ms_) + " ms (" + verb + ")");
    std::lock_guard<std::mutex> lock(call->m);
    if (!call->error.empty())
      throw Error(QWEN_ERR_CONFIG, std::string("the keyring could not ") + verb + " the secret: " + call->error);
    return call;
  }
  int timeout_ms_;
};

}  // namespace

std::unique_ptr<SecretBackend> make_keyring_secret_backend(int timeout_ms, std::string &why_not) {
  const char *bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  // Without it GLib would try to autolaunch a bus (X11's dbus-launch): qwen never starts one.
  if (!bus || !*bus) {
    why_not = "no session bus: DBUS_SESSION_BUS_ADDRESS is not set";
    return nullptr;
  }
  // The probe: a lookup of something that is never stored. It answers "none" from a working keyring, an
  // error when no Secret Service is on the bus, or nothing at all when one hangs.
  auto call = std::make_shared<Call>();
  call->key = SecretKey{"qwen", "", "probe"};
  if (!run_bounded(call, do_lookup, timeout_ms)) {
    why_not = "the session bus gave no answer within " + std::to_string(timeout_ms) + " ms";
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(call->m);
  if (!call->error.empty()) {
    why_not = call->error;
    return nullptr;
  }
  return std::make_unique<KeyringSecretBackend>(timeout_ms);
}

}  // namespace qwen::services
