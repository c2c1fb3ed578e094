#include "credential_store.hpp"

#include <qwen/sdk/atomic_file.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "text_file.hpp"

namespace qwen_oauth {
namespace {

using qwen::sdk::Error;

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sign_in_again(const std::string &why) {
  return why + " Sign in again with `qwen auth login` (or /auth in the interactive mode).";
}

// Qwen Code before 0.24 wrote its first credentials file 0644: a login other users of the machine can
// read. Such a file is tightened to 0600 (the bytes stay as they are) and the user is told.
void tighten_permissions(const std::string &file, const std::function<void(const std::string &)> &warn) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const bool fixed = ::chmod(file.c_str(), 0600) == 0;
  if (warn)
    warn(file + " was readable by other users (mode " + mode + ")" +
         (fixed ? "; its mode is now 0600" : "; run `chmod 600 " + file + "`"));
}

}  // namespace

std::string not_signed_in_message(const std::string &file) {
  // Read both headless (where `qwen auth login` is the way) and above the terminal's sign-in menu.
  return "not signed in with Qwen OAuth (no " + file +
         " yet): sign in with `qwen auth login` or /auth in the terminal, or set OPENAI_API_KEY to use an API key "
         "instead (see `qwen --help`)";
}

CredentialStore::CredentialStore(StoreOptions options)
    : options_(std::move(options)),
      file_(options_.home + "/" + kCredentialsFileName),
      lock_file_(options_.home + "/" + kLockFileName) {}

int64_t CredentialStore::now() const { return options_.now_ms ? options_.now_ms() : system_now_ms(); }

qwen::sdk::FileLock CredentialStore::lock() const { return qwen::sdk::FileLock::acquire(lock_file_, options_.lock); }

std::optional<OAuthCredentials> CredentialStore::load() const {
  auto text = read_text_file(file_, kMaxCredentialsFileSize);
  if (!text) return std::nullopt;
  tighten_permissions(file_, options_.warn);
  try {
    return parse_credentials(*text);
  } catch (const CredentialsFileError &e) {
    throw Error(QWEN_ERR_AUTH_REQUIRED, file_ + " is not a usable Qwen OAuth credentials file: " + e.what() +
                                            ". It was left as it is: fix it, or sign in again with `qwen auth login` "
                                            "(which moves the damaged file aside).");
  }
}

OAuthCredentials CredentialStore::usable(bool force_refresh, const std::string &rejected_token,
                                         const Refresher &refresh) {
  auto creds = load();
  if (!creds) throw Error(QWEN_ERR_AUTH_REQUIRED, not_signed_in_message(file_));
  // A token the API refused is stale whatever its expiry says; any other token is judged by its expiry.
  auto usable_now = [&](const OAuthCredentials &c) {
    return c.fresh_at(now()) && !(force_refresh && c.access_token == rejected_token);
  };
  if (usable_now(*creds)) return *creds;

  std::optional<qwen::sdk::FileLock> held;
  try {
    held.emplace(lock());
  } catch (const qwen::sdk::FileLockTimeout &) {
    // The holder may have finished its refresh just now, or be stuck: use its result when there is one.
    creds = load();
    if (creds && usable_now(*creds)) return *creds;
    throw;
  } catch (const Error &e) {
    if (e.status() == QWEN_ERR_CANCELLED) throw;
    // No lock can be made here (a read-only folder): nobody can rewrite the file either, so a refresh
    // without it races with no one that matters. Better a working run than a refusal.
    if (options_.warn) options_.warn(std::string(e.what()) + "; refreshing without the lock");
  }
  // Under the lock: another process may have refreshed (or signed out) while we waited.
  creds = load();
  if (!creds) throw Error(QWEN_ERR_AUTH_REQUIRED, not_signed_in_message(file_));
  if (usable_now(*creds)) return *creds;
  return refresh_locked(*creds, refresh);
}

OAuthCredentials CredentialStore::refresh_locked(const OAuthCredentials &current, const Refresher &refresh) {
  if (current.refresh_token.empty())
    throw Error(QWEN_ERR_AUTH_REQUIRED,
                sign_in_again("the Qwen OAuth token in " + file_ + " has expired and there is no refresh token."));
  RefreshResult r = refresh(current.refresh_token);
  if (r.kind == RefreshResult::Kind::InvalidGrant) {
    // A process that does not honour our lock (an old Qwen Code judging it stale) may have rotated the
    // token meanwhile: its newer file is not ours to delete.
    auto now_on_disk = load();
    if (now_on_disk && now_on_disk->refresh_token != current.refresh_token && now_on_disk->fresh_at(now()))
      return *now_on_disk;
    remove_file(file_);
    throw Error(QWEN_ERR_AUTH_REQUIRED,
                sign_in_again("the Qwen OAuth sign-in has expired or was revoked (the server answered: " + r.message +
                              "); the cached credentials " + file_ + " were removed."));
  }
  OAuthCredentials updated = apply_grant(r.grant, now(), &current);
  try {
    qwen::sdk::write_file_atomically(file_, serialize_credentials(updated));
  } catch (const Error &e) {
    // The old refresh token may be dead already (rotation): use the new one for this run, and say so.
    if (options_.warn)
      options_.warn(std::string("the refreshed Qwen OAuth token could not be saved (") + e.what() +
                    "); this run goes on with it, but the next one may need `qwen auth login`");
  }
  return updated;
}

std::optional<std::string> CredentialStore::save_login(const TokenGrant &grant) {
  qwen::sdk::make_private_dirs(options_.home);
  auto held = lock();
  std::optional<OAuthCredentials> previous;
  std::optional<std::string> moved_aside;
  try {
    previous = load();
  } catch (const Error &e) {
    if (e.status() != QWEN_ERR_AUTH_REQUIRED) throw;
    std::string aside = file_ + ".damaged-" + std::to_string(now() / 1000);
    if (std::rename(file_.c_str(), aside.c_str()) != 0)
      throw Error(QWEN_ERR_INTERNAL, "cannot move the damaged " + file_ + " aside; remove it and sign in again");
    moved_aside = aside;
  }
  // A new sign-in starts from nothing but the fields we do not know (another tool's, kept for it).
  OAuthCredentials base;
  if (previous) base.document = previous->document;
  OAuthCredentials fresh = apply_grant(grant, now(), &base);
  qwen::sdk::write_file_atomically(file_, serialize_credentials(fresh));
  return moved_aside;
}

bool CredentialStore::remove() { return remove_file(file_); }

}  // namespace qwen_oauth
