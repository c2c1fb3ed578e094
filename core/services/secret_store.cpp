#include "services/secret_store.hpp"

#include <cstdlib>

#include <qwen/plugin.hpp>

#include "util/log.hpp"
#include "util/redactor.hpp"

namespace qwen::services {
namespace {

using sdk::Error;

bool has_control_character(const std::string &s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

void check_key(const SecretKey &key) {
  if (key.name.empty()) throw Error(QWEN_ERR_INVALID_ARGUMENT, "a secret needs a name");
  for (const std::string *part : {&key.account, &key.name})
    if (part->size() > kMaxSecretKeyPartBytes || has_control_character(*part))
      throw Error(QWEN_ERR_INVALID_ARGUMENT,
                  "a secret's account and name are at most 256 bytes with no control characters");
}

// "~/.qwen/secrets.json" when the file is under HOME, as the user would type it.
std::string shown_path(const std::string &path) {
  const char *home = std::getenv("HOME");
  if (home && *home) {
    std::string h = home;
    if (h.back() != '/') h += '/';
    if (path.rfind(h, 0) == 0) return "~/" + path.substr(h.size());
  }
  return path;
}

}  // namespace

std::optional<SecretStoreChoice> parse_secret_store_choice(const std::string &text) {
  if (text == "auto") return SecretStoreChoice::Auto;
  if (text == "keyring") return SecretStoreChoice::Keyring;
  if (text == "file") return SecretStoreChoice::File;
  return std::nullopt;
}

SecretStore::SecretStore(std::string qwen_home, SecretStoreChoice choice, int keyring_timeout_ms)
    : home_(std::move(qwen_home)), choice_(choice), timeout_ms_(keyring_timeout_ms) {}

SecretBackend *SecretStore::keyring() {
  if (choice_ == SecretStoreChoice::File) return nullptr;  // the user chose the file: no bus is touched
  if (!probed_) {
    probed_ = true;
    keyring_ = make_keyring_secret_backend(timeout_ms_, why_no_keyring_);
    if (!keyring_) util::log(util::LogLevel::Debug, "no keyring: " + why_no_keyring_);
  }
  return keyring_.get();
}

SecretBackend &SecretStore::file() {
  if (!file_) file_ = make_file_secret_backend(home_);
  return *file_;
}

void SecretStore::put(const SecretKey &key, const std::string &secret) {
  check_key(key);
  if (secret.empty()) throw Error(QWEN_ERR_INVALID_ARGUMENT, "an empty secret is not stored");
  if (secret.size() > kMaxSecretBytes)
    throw Error(QWEN_ERR_INVALID_ARGUMENT, "a secret of more than 64 KiB is not stored");
  util::register_secret(secret);
  if (SecretBackend *k = keyring()) {
    try {
      k->put(key, secret);
      return;
    } catch (const Error &e) {
      // A keyring that answered the probe but will not store (locked, waiting for a prompt): "auto" falls
      // back to the file, "keyring" says why.
      if (choice_ == SecretStoreChoice::Keyring) throw Error(QWEN_ERR_AUTH_REQUIRED, e.what());
      util::log(util::LogLevel::Debug, e.what());
    }
  }
  if (choice_ == SecretStoreChoice::Keyring)
    throw Error(QWEN_ERR_AUTH_REQUIRED, "[secrets] store = \"keyring\" in config.toml, but no keyring answered (" +
                                            why_no_keyring_ + "): nothing was stored");
  file().put(key, secret);
  if (choice_ == SecretStoreChoice::Auto && !told_plain_text_) {
    told_plain_text_ = true;
    util::log(util::LogLevel::Info, "stored in plain text in " + shown_path(home_ + "/secrets.json") +
                                        " (readable only by you): no keyring answered");
  }
}

std::optional<std::string> SecretStore::get(const SecretKey &key) {
  check_key(key);
  std::optional<std::string> found;
  if (SecretBackend *k = keyring()) found = k->get(key);
  if (!found) found = file().get(key);
  if (found) util::register_secret(*found);
  return found;
}

void SecretStore::remove(const SecretKey &key) {
  check_key(key);
  if (SecretBackend *k = keyring()) k->remove(key);
  file().remove(key);
}

}  // namespace qwen::services
