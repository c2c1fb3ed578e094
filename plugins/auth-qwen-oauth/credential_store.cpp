#include "credential_store.hpp"

#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/url.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdio>


namespace qwen_oauth {
namespace {

using qwen::sdk::Error;

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sign_in_again(const std::string &why, const std::string &login_command) {
  return why + " Sign in again with " + login_command + " (or /auth in the interactive mode).";
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Qwen Code before 0.24 wrote its first credentials file 0644: a login other users of the machine can
// read. Such a file is tightened to 0600 (the bytes stay as they are) and the user is told. The mode is
// changed on the file opened without following a link (fchmod), and only on a plain file of ours with
// one name: a link planted in place of the file (to /etc/passwd, say) is never changed through.
void tighten_permissions(const std::string &file, const std::function<void(const std::string &)> &warn) {
  auto say = [&](const std::string &m) {
    if (warn) warn(m);
  };
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    struct stat target {};
    if (errno == ELOOP && ::stat(file.c_str(), &target) == 0 && (target.st_mode & 077) != 0)
      say(file + " is a symbolic link to a file readable by other users (mode " + octal_mode(target.st_mode) +
          "); qwen does not change modes through a link: make that file private yourself");
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) {
    ::close(fd);
    return;
  }
  const std::string mode = octal_mode(st.st_mode);
  if (st.st_uid != ::geteuid() || st.st_nlink != 1) {
    ::close(fd);
    say(file + " is readable by other users (mode " + mode + ") but is " +
        (st.st_uid != ::geteuid() ? "owned by another user" : "a hard link with other names") +
        "; its mode was not changed: check it, then `chmod 600` it yourself");
    return;
  }
  const bool fixed = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  say(file + " was readable by other users (mode " + mode + ")" +
      (fixed ? "; its mode is now 0600" : "; run `chmod 600 " + file + "`"));
}

}  // namespace

std::string issuer_of(const OAuthCredentials &creds) {
  return creds.issuer.empty() ? std::string(kDefaultOAuthBaseUrl) : creds.issuer;
}

std::string not_signed_in_message(const std::string &where, const std::string &login_command) {
  // Read both headless (where `qwen auth login` is the way) and above the terminal's sign-in menu.
  return "not signed in with Qwen OAuth (no " + where + " yet): sign in with " + login_command +
         " or /auth in the terminal, or set OPENAI_API_KEY to use an API key instead (see `qwen --help`)";
}

CredentialStore::CredentialStore(StoreOptions options)
    : options_(std::move(options)),
      file_(options_.secret ? "login '" + options_.secret->account + "' in qwen's secret store"
                            : options_.home + "/" + kCredentialsFileName),
      lock_file_(options_.secret ? options_.home + "/oauth_creds." + options_.secret->account + ".lock"
                                 : options_.home + "/" + kLockFileName) {}

std::string CredentialStore::login_command() const {
  return options_.secret ? "`qwen auth login --account " + options_.secret->account + "`" : "`qwen auth login`";
}

std::optional<std::string> CredentialStore::read_text() const {
  if (options_.secret) return options_.secret->read();
  // A regular file only (a FIFO or folder is named, never a hang); a link is followed, as Qwen Code does.
  auto opened = qwen::sdk::open_regular_file(file_);
  if (!opened) return std::nullopt;
  // parse_credentials reports a file over the limit itself (it sees limit + 1 bytes).
  auto text = qwen::sdk::read_opened_file(*opened, file_, kMaxCredentialsFileSize, qwen::sdk::Oversize::KeepFirstBytes);
  tighten_permissions(file_, options_.warn);
  return text;
}

void CredentialStore::write_text(const std::string &text) const {
  if (options_.secret)
    options_.secret->write(text);
  else
    qwen::sdk::write_file_atomically(file_, text);
}

int64_t CredentialStore::now() const { return options_.now_ms ? options_.now_ms() : system_now_ms(); }

qwen::sdk::FileLock CredentialStore::lock() const { return qwen::sdk::FileLock::acquire(lock_file_, options_.lock); }

std::optional<OAuthCredentials> CredentialStore::load() const {
  auto text = read_text();
  if (!text) return std::nullopt;
  try {
    return parse_credentials(*text);
  } catch (const CredentialsFileError &e) {
    throw Error(QWEN_ERR_AUTH_REQUIRED, file_ + " is not a usable Qwen OAuth credentials file: " + e.what() +
                                            ". It was left as it is: fix it, or sign in again with " +
                                            login_command() + (options_.secret ? "" : " (which moves the damaged file aside)") +
                                            ".");
  }
}

OAuthCredentials CredentialStore::usable(bool force_refresh, const std::string &rejected_token,
                                         const Refresher &refresh) {
  auto creds = load();
  if (!creds) throw Error(QWEN_ERR_AUTH_REQUIRED, not_signed_in_message(file_, login_command()));
  // A token the API refused is stale whatever its expiry says; any other token is judged by its expiry.
  auto usable_now = [&](const OAuthCredentials &c) {
    return c.fresh_at(now()) && !(force_refresh && c.access_token == rejected_token);
  };
  if (usable_now(*creds)) return *creds;
  // Before waiting for any lock: a login from another server is never refreshed here.
  if (!creds->refresh_token.empty()) require_issued_by_server(*creds);

  std::optional<qwen::sdk::FileLock> held;
  try {
    held.emplace(lock());
  } catch (const qwen::sdk::FileLockTimeout &) {
    // The holder may have finished its refresh just now, or be stuck: use its result when there is one.
    creds = load();
    if (creds && usable_now(*creds)) return *creds;
    throw;
  } catch (const qwen::sdk::FileLockRefused &) {
    throw;  // a link, FIFO or folder at the lock's path: someone else's doing, so nothing is written
  } catch (const Error &e) {
    if (e.status() == QWEN_ERR_CANCELLED) throw;
    // No lock can be made here (a read-only folder): nobody can rewrite the file either, so a refresh
    // without it races with no one that matters. Better a working run than a refusal.
    if (options_.warn) options_.warn(std::string(e.what()) + "; refreshing without the lock");
  }
  // Under the lock: another process may have refreshed (or signed out) while we waited.
  creds = load();
  if (!creds) throw Error(QWEN_ERR_AUTH_REQUIRED, not_signed_in_message(file_, login_command()));
  if (usable_now(*creds)) return *creds;
  return refresh_locked(*creds, refresh);
}

// Origins are compared parsed (scheme, host, port; case-insensitive), so "HTTPS://Chat.Qwen.AI:443/" is the
// default server and "https://chat.qwen.ai.evil.com" or "https://chat.qwen.ai@evil.com" are not.
void CredentialStore::require_issued_by_server(const OAuthCredentials &creds) const {
  const std::string issuer = issuer_of(creds);
  if (qwen::sdk::same_origin(issuer, options_.server.url)) return;
  const std::string configured = qwen::sdk::url_without_password(options_.server.url);
  const std::string shown_issuer = qwen::sdk::url_without_password(issuer);
  const bool chosen_by_default = options_.server.source == "the default";
  const std::string keep = chosen_by_default
                               ? "Set QWEN_OAUTH_BASE_URL (or base_url in [plugins.qwen-oauth]) to " + shown_issuer +
                                     " to go on with this login"
                               : "Remove " + options_.server.source + " to go on with this login";
  throw Error(QWEN_ERR_AUTH_REQUIRED,
              "the Qwen OAuth login in " + file_ + " was issued by " + shown_issuer +
                  ", but the OAuth server configured now is " + configured + " (" + options_.server.source +
                  "): a refresh token is sent only to the server that issued it, so the expired token was not "
                  "refreshed and the login was left as it is. " + keep + ", or sign in to " + configured +
                  " with `qwen auth login` (which replaces it).");
}

OAuthCredentials CredentialStore::refresh_locked(const OAuthCredentials &current, const Refresher &refresh) {
  if (current.refresh_token.empty())
    throw Error(QWEN_ERR_AUTH_REQUIRED,
                sign_in_again("the Qwen OAuth token in " + file_ + " has expired and there is no refresh token.",
                              login_command()));
  // Checked again under the lock: the file may have changed while we waited. Past this point the server
  // asked is the issuer, so an invalid_grant below comes from the server that owns the login.
  require_issued_by_server(current);
  RefreshResult r = refresh(current.refresh_token);
  if (r.kind == RefreshResult::Kind::InvalidGrant) {
    // A process that does not honour our lock (an old Qwen Code judging it stale) may have rotated the
    // token meanwhile: its newer file is not ours to delete.
    auto now_on_disk = load();
    if (now_on_disk && now_on_disk->refresh_token != current.refresh_token && now_on_disk->fresh_at(now()))
      return *now_on_disk;
    remove();
    throw Error(QWEN_ERR_AUTH_REQUIRED,
                sign_in_again("the Qwen OAuth sign-in has expired or was revoked (the server answered: " + r.message +
                              "); the cached credentials " + file_ + " were removed.",
                              login_command()));
  }
  OAuthCredentials updated = apply_grant(r.grant, now(), &current);
  try {
    write_text(serialize_credentials(updated));
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
    // A damaged secret is not a file a person repairs: the new login replaces it.
    if (!options_.secret) {
      std::string aside = file_ + ".damaged-" + std::to_string(now() / 1000);
      if (std::rename(file_.c_str(), aside.c_str()) != 0)
        throw Error(QWEN_ERR_INTERNAL, "cannot move the damaged " + file_ + " aside; remove it and sign in again");
      moved_aside = aside;
    }
  }
  // A new sign-in starts from nothing but the fields we do not know (another tool's, kept for it).
  OAuthCredentials base;
  if (previous) base.document = previous->document;
  base.issuer = options_.server.url;  // the refresh token may go back there, and only there
  OAuthCredentials fresh = apply_grant(grant, now(), &base);
  write_text(serialize_credentials(fresh));
  return moved_aside;
}

bool CredentialStore::remove() {
  if (options_.secret) {
    const bool existed = options_.secret->read().has_value();
    options_.secret->remove();
    return existed;
  }
  if (::unlink(file_.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw Error(QWEN_ERR_INTERNAL, "cannot remove " + file_ + ": " + std::strerror(errno));
}

}  // namespace qwen_oauth
