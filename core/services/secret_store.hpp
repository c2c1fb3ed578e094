// secret_store.hpp — where plugins' keys and tokens are kept (plugin.h 1.4
// secret_put / secret_get / secret_delete): one store for every plugin, keyed
// by (plugin id, account, name). Two backends: the desktop's keyring through
// libsecret (secret_store_keyring.cpp) and <qwen home>/secrets.json
// (secret_store_file.cpp). `[secrets] store` in the user's config.toml picks:
// "auto" (the keyring when one answers, else the file, said once), "keyring"
// (none answering is QWEN_ERR_AUTH_REQUIRED, nothing written), "file".
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace qwen::services {

struct SecretKey {
  std::string plugin;   // the calling plugin's id: a plugin reaches only its own secrets
  std::string account;  // "" = the default account
  std::string name;     // the plugin's name for it ("api_key")
};

// One place secrets are kept. Failures throw qwen::Error (plugin.hpp) with a status and a sentence.
class SecretBackend {
 public:
  virtual ~SecretBackend() = default;
  virtual void put(const SecretKey &key, const std::string &secret) = 0;
  virtual std::optional<std::string> get(const SecretKey &key) = 0;
  virtual void remove(const SecretKey &key) = 0;  // no error when there is none
};

// <home>/secrets.json: {"version":1,"secrets":{"<plugin>":{"<account>":{"<name>":"..."}}}}, 0600, replaced
// atomically; a link, a non-file, an oversized or damaged file is an error (never overwritten). Puts and deletes
// from several processes are serialised by <home>/secrets.json.lock (qwen/sdk/file_lock.hpp).
std::unique_ptr<SecretBackend> make_file_secret_backend(const std::string &qwen_home);

// The freedesktop Secret Service, or nullptr when DBUS_SESSION_BUS_ADDRESS is unset or no keyring answers
// within `timeout_ms` (a bus with no keyring, or one waiting for a prompt nobody can see, must not hang qwen).
// `why_not` then says why.
std::unique_ptr<SecretBackend> make_keyring_secret_backend(int timeout_ms, std::string &why_not);

enum class SecretStoreChoice { Auto, Keyring, File };
std::optional<SecretStoreChoice> parse_secret_store_choice(const std::string &text);

// The limits every secret is checked against before any backend sees it.
constexpr size_t kMaxSecretBytes = 64 * 1024;
constexpr size_t kMaxSecretKeyPartBytes = 256;

class SecretStore {
 public:
  SecretStore(std::string qwen_home, SecretStoreChoice choice, int keyring_timeout_ms = 3000);
  // Writes into the keyring (auto, keyring) or the file (auto with no keyring, file).
  void put(const SecretKey &key, const std::string &secret);
  // The keyring first, then the file (a secret the fallback wrote is still found once a keyring appears).
  std::optional<std::string> get(const SecretKey &key);
  // From both.
  void remove(const SecretKey &key);

 private:
  SecretBackend *keyring();  // probed once, on first need
  SecretBackend &file();
  std::string home_;
  SecretStoreChoice choice_;
  int timeout_ms_;
  bool probed_ = false;
  std::string why_no_keyring_;
  std::unique_ptr<SecretBackend> keyring_;
  std::unique_ptr<SecretBackend> file_;
  bool told_plain_text_ = false;
};

}  // namespace qwen::services
