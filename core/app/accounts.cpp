// accounts.json is read-modify-written by every `qwen auth login --account` (and logout), and several may run at
// once (a script signing in N accounts in parallel): each add or remove takes accounts.json.lock beside it
// (qwen/sdk/file_lock.hpp, as secrets.json does) and reads the file again under it, so none works from a copy
// another has since replaced. Reads take no lock: the file is only ever replaced whole, by rename.
#include "app/accounts.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include "services/file_write_lock.hpp"

namespace qwen::app {
namespace {

using nlohmann::ordered_json;

// Far above any real set of accounts; a larger file is damage (or not ours).
constexpr size_t kMaxFileBytes = 256 * 1024;

struct Loaded {
  ordered_json doc;
  std::optional<std::string> error;
};

Loaded load(const std::filesystem::path &file) {
  Loaded out{ordered_json{{"version", 1}, {"accounts", ordered_json::object()}}, std::nullopt};
  std::optional<std::string> text;
  try {
    text = sdk::read_regular_file(file.string(), kMaxFileBytes, sdk::Links::Refuse);
  } catch (const std::exception &e) {
    out.error = e.what();
    return out;
  }
  if (!text) return out;
  auto damaged = [&](const std::string &why) {
    out.error = file.string() + " is damaged (" + why + ")";
    return out;
  };
  ordered_json doc = ordered_json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return damaged("not JSON");
  if (!doc.is_object() || doc.value("version", 0) != 1) return damaged("not a version 1 accounts file");
  auto accounts = doc.find("accounts");
  if (accounts == doc.end() || !accounts->is_object()) return damaged("no \"accounts\" object");
  for (const auto &[method, names] : accounts->items()) {
    if (!names.is_array()) return damaged("\"" + method + "\" is not a list");
    for (const auto &n : names)
      if (!n.is_string() || !parse_account_name(n.get<std::string>()) || n.get<std::string>() == "default")
        return damaged("\"" + method + "\" holds something that is not an account name");
  }
  out.doc = std::move(doc);
  return out;
}

// Whether the file's list for `method` holds `account`.
bool lists(const ordered_json &doc, const std::string &method, const std::string &account) {
  const auto &all = doc.at("accounts");
  auto it = all.find(method);
  return it != all.end() && std::find(it->begin(), it->end(), account) != it->end();
}

Loaded load_for_writing(const std::filesystem::path &file) {
  Loaded l = load(file);
  if (l.error) throw sdk::Error(QWEN_ERR_CONFIG, *l.error + "; qwen does not overwrite it: repair or remove it");
  return l;
}

}  // namespace

AccountRegistry::Names AccountRegistry::names() const {
  if (read_once_) return *read_once_;
  const Loaded l = load(file_);
  Names out;
  out.error = l.error;
  if (l.error) return out;
  for (const auto &[method, list] : l.doc["accounts"].items())
    for (const auto &n : list) out.by_method[method].push_back(n.get<std::string>());
  return out;
}

AccountRegistry::ReadOnce::ReadOnce(const AccountRegistry &registry) : registry_(registry) {
  if (registry_.read_once_) return;
  registry_.read_once_ = std::make_shared<const Names>(registry_.names());
  started_ = true;
}

AccountRegistry::ReadOnce::~ReadOnce() {
  if (started_) registry_.read_once_.reset();
}

std::vector<std::string> AccountRegistry::named(const std::string &method) const {
  const Names n = names();
  auto it = n.by_method.find(method);
  return it == n.by_method.end() ? std::vector<std::string>{} : it->second;
}

bool AccountRegistry::has(const std::string &method, const std::string &account) const {
  if (account.empty()) return true;
  const auto names = named(method);
  return std::find(names.begin(), names.end(), account) != names.end();
}

void AccountRegistry::add(const std::string &method, const std::string &account) {
  if (account.empty()) return;
  read_once_.reset();
  // A damaged file or a link is refused before any folder or lock is made; a name listed already takes no lock.
  if (lists(load_for_writing(file_).doc, method, account)) return;
  const services::FileWriteLock held(file_);
  Loaded l = load_for_writing(file_);  // again, under the lock: another process may have written since
  if (lists(l.doc, method, account)) return;
  auto &names = l.doc["accounts"][method];
  if (!names.is_array()) names = ordered_json::array();
  names.push_back(account);
  sdk::write_file_atomically(file_.string(), l.doc.dump(2) + "\n", 0600);
}

void AccountRegistry::remove(const std::string &method, const std::string &account) {
  if (account.empty()) return;
  read_once_.reset();
  if (!lists(load_for_writing(file_).doc, method, account)) return;  // nothing to forget, and no lock to take
  const services::FileWriteLock held(file_);
  Loaded l = load_for_writing(file_);  // again, under the lock
  if (!lists(l.doc, method, account)) return;
  auto &all = l.doc["accounts"];
  auto it = all.find(method);
  it->erase(std::find(it->begin(), it->end(), account));
  if (it->empty()) all.erase(method);
  sdk::write_file_atomically(file_.string(), l.doc.dump(2) + "\n", 0600);
}

std::optional<std::string> AccountRegistry::load_error() const {
  return names().error;
}

}  // namespace qwen::app
