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

#include <nlohmann/json.hpp>
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include "services/file_write_lock.hpp"
#include "services/secret_store.hpp"

namespace qwen::services {
namespace {

using nlohmann::json;
using sdk::Error;

// Far above what any set of logins takes; a larger file is someone else's, or damage.
constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

class FileSecretBackend : public SecretBackend {
 public:
  explicit FileSecretBackend(const std::string &dir) : path_(dir + "/secrets.json") {}

  void put(const SecretKey &key, const std::string &secret) override {
    load();  // a damaged file or a link is refused before any folder or lock file is made
    const FileWriteLock held(path_);
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
    const FileWriteLock held(path_);
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

  void save(const json &doc) const {
    sdk::write_file_atomically(path_, doc.dump(2) + "\n", 0600);
  }

  std::string path_;
};

}  // namespace

std::unique_ptr<SecretBackend> make_file_secret_backend(const std::string &qwen_home) {
  return std::make_unique<FileSecretBackend>(qwen_home);
}

}  // namespace qwen::services
