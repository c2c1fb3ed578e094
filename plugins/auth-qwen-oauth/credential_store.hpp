// credential_store.hpp — the shared credentials cache and its safe refresh.
//
// Several qwen processes (and Qwen Code) may use <home>/oauth_creds.json at
// once. A refresh is done only under <home>/oauth_creds.lock (Qwen Code's lock
// file and rules), and only after re-reading the file under the lock: when
// another process refreshed meanwhile, its token is used and the server is not
// asked again. So N processes that start with an expired token make exactly
// one refresh request. A corrupt file is reported, never replaced silently.
//
// A refresh token goes only to the OAuth server that issued it (the file's
// "issuer", https://chat.qwen.ai when absent): with another server configured
// the refresh is refused with a message, the file untouched, so a setting that
// points elsewhere neither receives the token nor gets to answer invalid_grant.
#pragma once

#include <qwen/sdk/file_lock.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "credentials_file.hpp"
#include "endpoints.hpp"
#include "token_response.hpp"

namespace qwen_oauth {

inline constexpr const char *kCredentialsFileName = "oauth_creds.json";
inline constexpr const char *kLockFileName = "oauth_creds.lock";

// A named account's login (plugin.h "Accounts"): kept in the host's secret store, not in the file Qwen Code
// shares (that one stays the default account's). The text is the file's, byte for byte.
struct SecretSlot {
  std::string account;                                // its name: in messages, and in its lock file's name
  std::function<std::optional<std::string>()> read;   // nullopt: no login
  std::function<void(const std::string &)> write;     // throws qwen::sdk::Error
  std::function<void()> remove;
};

struct StoreOptions {
  std::string home;                     // the folder holding the files (no trailing slash)
  std::optional<SecretSlot> secret;     // set: a named account's login, under <home>/oauth_creds.<account>.lock
  OAuthServer server{kDefaultOAuthBaseUrl, "the default"};  // where refreshes go and new logins come from
  qwen::sdk::FileLock::Options lock;    // waiting for the lock; set lock.wait to Host::wait
  std::function<int64_t()> now_ms;      // default: the system clock
  std::function<void(const std::string &)> warn;  // default: ignore
};

// Asks the server for new tokens with this refresh token.
using Refresher = std::function<RefreshResult(const std::string &refresh_token)>;

class CredentialStore {
 public:
  explicit CredentialStore(StoreOptions options);

  // Where the login is, in words: the file, or the named login in the secret store.
  const std::string &file() const { return file_; }
  const std::string &lock_file() const { return lock_file_; }

  // The cached credentials, nullopt when there is no file. Throws
  // qwen::sdk::Error(QWEN_ERR_AUTH_REQUIRED) naming the file when it is not usable.
  std::optional<OAuthCredentials> load() const;

  // Credentials with more than 30 s left, refreshed under the lock when needed
  // or when `force_refresh` (the API refused `rejected_token`). Throws
  // qwen::sdk::Error: AUTH_REQUIRED when the user must sign in (no file, no
  // refresh token, a login issued by another server than options.server,
  // invalid_grant, which also removes the file), or what the refresher threw
  // (network, a web page, ...; the file is then kept).
  OAuthCredentials usable(bool force_refresh, const std::string &rejected_token, const Refresher &refresh);

  // Saves a fresh login from options.server (recorded as its issuer) under the
  // lock, keeping unknown fields of a readable old file. A corrupt old file is moved aside, not lost: its new name is returned.
  std::optional<std::string> save_login(const TokenGrant &grant);

  // Removes the cached credentials; false when there were none.
  bool remove();

 private:
  int64_t now() const;
  std::optional<std::string> read_text() const;
  void write_text(const std::string &text) const;
  // "`qwen auth login`", with --account for a named login.
  std::string login_command() const;
  qwen::sdk::FileLock lock() const;
  OAuthCredentials refresh_locked(const OAuthCredentials &current, const Refresher &refresh);
  void require_issued_by_server(const OAuthCredentials &creds) const;

  StoreOptions options_;
  std::string file_;
  std::string lock_file_;
};

// The words for "no login yet" (`login_command`: how to sign in, e.g. "`qwen auth login`").
std::string not_signed_in_message(const std::string &where, const std::string &login_command);

// The OAuth server that issued these credentials (the default server when not recorded).
std::string issuer_of(const OAuthCredentials &creds);

// The message for "there is no credentials file".

}  // namespace qwen_oauth
