// credential_store.hpp — the shared credentials cache and its safe refresh.
//
// Several qwen processes (and Qwen Code) may use <home>/oauth_creds.json at
// once. A refresh is done only under <home>/oauth_creds.lock (Qwen Code's lock
// file and rules), and only after re-reading the file under the lock: when
// another process refreshed meanwhile, its token is used and the server is not
// asked again. So N processes that start with an expired token make exactly
// one refresh request. A corrupt file is reported, never replaced silently.
#pragma once

#include <qwen/sdk/file_lock.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "credentials_file.hpp"
#include "token_response.hpp"

namespace qwen_oauth {

inline constexpr const char *kCredentialsFileName = "oauth_creds.json";
inline constexpr const char *kLockFileName = "oauth_creds.lock";

struct StoreOptions {
  std::string home;                     // the folder holding the files (no trailing slash)
  qwen::sdk::FileLock::Options lock;    // waiting for the lock; set lock.wait to Host::wait
  std::function<int64_t()> now_ms;      // default: the system clock
  std::function<void(const std::string &)> warn;  // default: ignore
};

// Asks the server for new tokens with this refresh token.
using Refresher = std::function<RefreshResult(const std::string &refresh_token)>;

class CredentialStore {
 public:
  explicit CredentialStore(StoreOptions options);

  const std::string &file() const { return file_; }
  const std::string &lock_file() const { return lock_file_; }

  // The cached credentials, nullopt when there is no file. Throws
  // qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED) naming the file when it is not usable.
  std::optional<OAuthCredentials> load() const;

  // Credentials with more than 30 s left, refreshed under the lock when needed
  // or when `force_refresh` (the API refused `rejected_token`). Throws
  // qwen::sdk::Error: AUTH_REQUIRED when the user must sign in (no file, no
  // refresh token, invalid_grant, which also removes the file), or what the
  // refresher threw (network, a web page, ...; the file is then kept).
  OAuthCredentials usable(bool force_refresh, const std::string &rejected_token, const Refresher &refresh);

  // Saves a fresh login under the lock, keeping unknown fields of a readable
  // old file. A corrupt old file is moved aside, not lost: its new name is returned.
  std::optional<std::string> save_login(const TokenGrant &grant);

  // Removes the cached credentials; false when there were none.
  bool remove();

 private:
  int64_t now() const;
  qwen::sdk::FileLock lock() const;
  OAuthCredentials refresh_locked(const OAuthCredentials &current, const Refresher &refresh);

  StoreOptions options_;
  std::string file_;
  std::string lock_file_;
};

// The message for "there is no credentials file".
std::string not_signed_in_message(const std::string &file);

}  // namespace qwen_oauth
