// The file backend: <qwen home>/secrets.json, for a machine with no keyring (a server, a container).
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include "services/secret_store.hpp"

namespace qwen::services {
namespace {

using nlohmann::json;
using sdk::Error;

// Far above what any set of logins takes; a larger file is someone else's, or damage.
constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

class FileSecretBackend : public SecretBackend {
 public:
  explicit FileSecretBackend(std::string path) : path_(std::move(path)) {}

  void put(const SecretKey &key, const std::string &secret) override {
    json doc = load();
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
    json doc = load();
    json &all = doc["secrets"];
    auto p = all.find(key.plugin);
    if (p == all.end()) return;
    auto a = p->find(key.account);
    if (a == p->end() || !a->contains(key.name)) return;
    a->erase(key.name);
    if (a->empty()) p->erase(key.account);
    if (p->empty()) all.erase(key.plugin);
    save(doc);
  }

 private:
  [[noreturn]] void damaged(const std::string &why) const {
    throw Error(QWEN_ERR_CONFIG, path_ + " is damaged (" + why +
                                     "); qwen does not overwrite it: repair or remove it, then sign in again");
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
  return std::make_unique<FileSecretBackend>(qwen_home + "/secrets.json");
}

}  // namespace qwen::services
