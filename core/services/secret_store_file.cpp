// The file backend: <qwen home>/secrets.json, for a machine with no keyring (a server, a container).
//
// Several qwen processes may sign in at once (two terminals, a script running `qwen auth api-key --account aN`
// in parallel), and each put or delete is a read-modify-write of the one file. Those are serialised by a
// lock file beside it, secrets.json.lock, taken the way qwen-oauth takes oauth_creds.lock (qwen/sdk/file_lock.hpp:
// O_EXCL create, a dead holder's lock broken at once, a live one's after 30 s, at most 30 s of waiting, then a
// clear error and nothing written), and the file is read again under the lock, so no writer works from a copy
// another has since replaced. Reads take no lock: the file is only ever replaced by rename (atomic_file.hpp),
// so a reader opens either the old whole file or the new whole file, never a half-written one.
#include <sys/stat.h>

#include <chrono>
#include <mutex>

#include <nlohmann/json.hpp>
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/file_lock.hpp>
#include <qwen/sdk/safe_file.hpp>

#include "services/cancellation.hpp"
#include "services/secret_store.hpp"
#include "util/log.hpp"

namespace qwen::services {
namespace {

using nlohmann::json;
using sdk::Error;

// Far above what any set of logins takes; a larger file is someone else's, or damage.
constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

// Threads of one process wait for each other here rather than polling the lock file with backoff.
std::mutex &writers_in_this_process() {
  static std::mutex m;
  return m;
}

class FileSecretBackend : public SecretBackend {
 public:
  explicit FileSecretBackend(std::string dir)
      : dir_(std::move(dir)), path_(dir_ + "/secrets.json"), lock_path_(path_ + ".lock") {}

  void put(const SecretKey &key, const std::string &secret) override {
    load();  // a damaged file or a link is refused before any folder or lock file is made
    sdk::make_private_dirs(dir_);  // the first sign-in: the lock file needs its folder
    std::lock_guard<std::mutex> in_process(writers_in_this_process());
    const sdk::FileLock held = lock();
    json doc = load();  // again, under the lock: another process may have written since
    doc["secrets"][key.plugin][key.account][key.name] = secret;
    save(doc);
  }

  std::optional<std::string> get(const SecretKey &key) override {
    const json doc = load();
    const json &all = doc.at("secrets");
    auto p = all.find(key.plugin);
    if (p == all.end() || !p->is_object()) return std::nullopt;
    auto a = p->find(key.account);
    if (a == p->end() || !a->is_object()) return std::nullopt;
    auto n = a->find(key.name);
    if (n == a->end() || !n->is_string()) return std::nullopt;
    return n->get<std::string>();
  }

  void remove(const SecretKey &key) override {
    // Absent now: nothing to delete, and no lock to take (a put racing with this one may land either side).
    if (!holds(load(), key)) return;
    std::lock_guard<std::mutex> in_process(writers_in_this_process());
    const sdk::FileLock held = lock();
    json doc = load();
    if (!holds(doc, key)) return;
    json &all = doc["secrets"];
    json &plugin = all[key.plugin];
    json &account = plugin[key.account];
    account.erase(key.name);
    if (account.empty()) plugin.erase(key.account);
    if (plugin.empty()) all.erase(key.plugin);
    save(doc);
  }

 private:
  [[noreturn]] void damaged(const std::string &why) const {
    throw Error(QWEN_ERR_CONFIG, path_ + " is damaged (" + why +
                                     "); qwen does not overwrite it: repair or remove it, then sign in again");
  }

  static bool holds(const json &doc, const SecretKey &key) {
    const json &all = doc.at("secrets");
    auto p = all.find(key.plugin);
    if (p == all.end()) return false;
    auto a = p->find(key.account);
    return a != p->end() && a->contains(key.name);
  }

  // An empty document when there is no file; throws for anything but a regular file of ours that parses.
  json load() const {
    auto text = sdk::read_regular_file(path_, kMaxFileBytes, sdk::Links::Refuse);
    if (!text) return json{{"version", 1}, {"secrets", json::object()}};
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded()) damaged("not JSON");
    if (!doc.is_object() || doc.value("version", 0) != 1) damaged("not a version 1 secrets file");
    auto s = doc.find("secrets");
    if (s == doc.end() || !s->is_object()) damaged("no \"secrets\" object");
    for (const auto &plugin : s->items()) {
      if (!plugin.value().is_object()) damaged("\"" + plugin.key() + "\" is not an object");
      for (const auto &account : plugin.value().items())
        if (!account.value().is_object()) damaged("\"" + plugin.key() + "\" holds a non-object");
    }
    return doc;
  }

  // The lock over secrets.json's read-modify-write. Anything but a regular file at the lock's path (a link, a
  // FIFO, a folder) is refused at once by FileLock itself (FileLockRefused, which names it and says nothing was
  // written). A lock that cannot be made or had in time is an error that says secrets.json was not changed.
  sdk::FileLock lock() const {
    sdk::FileLock::Options o;
    // Each holder keeps the lock for one small write, so waiters try again sooner than Qwen Code's 100 ms
    // steps (its timeout and stale rules are kept: a crashed holder's lock is broken at once).
    o.first_retry = std::chrono::milliseconds(10);
    o.max_retry = std::chrono::milliseconds(500);
    o.wait = [](uint32_t ms) { return interruptible_sleep(ms); };
    o.on_wait = [this](const sdk::LockHolder &holder, std::chrono::milliseconds timeout) {
      util::log_info("waiting for " + sdk::describe_lock_holder(holder) + ", which holds " + lock_path_ +
                     "; qwen waits up to " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
    };
    try {
      return sdk::FileLock::acquire(lock_path_, o);
    } catch (const sdk::FileLockRefused &) {
      throw;  // says already that nothing was written
    } catch (const Error &e) {
      if (e.status() == QWEN_ERR_CANCELLED) throw;
      throw Error(e.status(), std::string(e.what()) + "; " + path_ + " was not changed");
    }
  }

  void save(const json &doc) const {
    sdk::write_file_atomically(path_, doc.dump(2) + "\n", 0600);
  }

  std::string dir_;
  std::string path_;
  std::string lock_path_;
};

}  // namespace

std::unique_ptr<SecretBackend> make_file_secret_backend(const std::string &qwen_home) {
  return std::make_unique<FileSecretBackend>(qwen_home);
}

}  // namespace qwen::services
