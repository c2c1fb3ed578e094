// The keyring backend: the freedesktop Secret Service through libsecret (GNOME Keyring, KWallet,
// KeePassXC). Every call runs on a worker thread with a GCancellable and a time limit: a session bus
// with no keyring, or a keyring waiting for an unlock prompt no one can see, must never hang qwen.
//
// libsecret is opened (dlopen) the first time the keyring is wanted, not linked: linked, it brought GLib, GIO
// and eight more libraries into every start of qwen, ~5 ms of `qwen --version` on a machine with no keyring at
// all. Its header still gives the types; the functions come from the library found at run time, and without
// it the keyring is simply unavailable (the file store is used, as with no session bus).
#include <dlfcn.h>
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

// The functions qwen calls, from libsecret-1.so.0 and the GLib it loads; all null when it cannot be loaded.
struct LibSecret {
  decltype(&secret_password_lookup_sync) lookup = nullptr;
  decltype(&secret_password_store_sync) store = nullptr;
  decltype(&secret_password_clear_sync) clear = nullptr;
  decltype(&secret_password_free) password_free = nullptr;
  decltype(&g_cancellable_new) cancellable_new = nullptr;
  decltype(&g_cancellable_cancel) cancellable_cancel = nullptr;
  decltype(&g_object_unref) object_unref = nullptr;
  decltype(&g_error_free) error_free = nullptr;
  std::string why_not;  // set when unusable
};

template <typename F>
bool bind(void *library, const char *name, F &out, std::string &why_not) {
  out = reinterpret_cast<F>(dlsym(library, name));
  if (!out && why_not.empty()) why_not = std::string("libsecret-1.so.0 has no ") + name;
  return out != nullptr;
}

const LibSecret &libsecret() {
  static const LibSecret lib = [] {
    LibSecret l;
    // Never closed: GLib registers types and threads that must outlive any unloading.
    void *library = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!library) {
      const char *e = dlerror();
      l.why_not = std::string("libsecret is not installed (") + (e ? e : "libsecret-1.so.0") + ")";
      return l;
    }
    // dlsym on the library's handle also searches what it loaded (GLib, GObject, GIO).
    // Every name is looked up (not stopping at the first missing one), so why_not names the first that is.
    bool all = true;
    all = bind(library, "secret_password_lookup_sync", l.lookup, l.why_not) && all;
    all = bind(library, "secret_password_store_sync", l.store, l.why_not) && all;
    all = bind(library, "secret_password_clear_sync", l.clear, l.why_not) && all;
    all = bind(library, "secret_password_free", l.password_free, l.why_not) && all;
    all = bind(library, "g_cancellable_new", l.cancellable_new, l.why_not) && all;
    all = bind(library, "g_cancellable_cancel", l.cancellable_cancel, l.why_not) && all;
    all = bind(library, "g_object_unref", l.object_unref, l.why_not) && all;
    all = bind(library, "g_error_free", l.error_free, l.why_not) && all;
    if (!all) l.lookup = nullptr;  // unusable as a whole
    return l;
  }();
  return lib;
}

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
  GCancellable *cancellable = libsecret().cancellable_new();
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  ~Call() { libsecret().object_unref(cancellable); }
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
  libsecret().cancellable_cancel(call->cancellable);
  // Cancelled, it usually returns at once; wait a moment so it does not run on behind our back.
  call->cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return call->done; });
  return false;
}

void take_error(Call &c, GError *error) {
  if (error) {
    c.error = error->message ? error->message : "unknown error";
    libsecret().error_free(error);
  }
}

void do_lookup(Call &c) {
  GError *error = nullptr;
  gchar *found = libsecret().lookup(schema(), c.cancellable, &error, "plugin", c.key.plugin.c_str(),
                                             "account", c.key.account.c_str(), "name", c.key.name.c_str(), nullptr);
  take_error(c, error);
  if (found) {
    c.found = true;
    c.secret = found;
    libsecret().password_free(found);
  }
}

void do_store(Call &c) {
  GError *error = nullptr;
  const std::string label = "qwen: " + c.key.plugin + " " + c.key.name + " (" +
                            (c.key.account.empty() ? std::string("default") : c.key.account) + ")";
  const gboolean ok =
      libsecret().store(schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), c.secret.c_str(),
                                 c.cancellable, &error, "plugin", c.key.plugin.c_str(), "account",
                                 c.key.account.c_str(), "name", c.key.name.c_str(), nullptr);
  take_error(c, error);
  if (!ok && c.error.empty()) c.error = "the keyring refused it";
  c.secret.assign(c.secret.size(), '\0');  // do not leave the copy behind
}

void do_clear(Call &c) {
  GError *error = nullptr;
  libsecret().clear(schema(), c.cancellable, &error, "plugin", c.key.plugin.c_str(), "account",
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
  if (!libsecret().lookup) {
    why_not = libsecret().why_not;
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
