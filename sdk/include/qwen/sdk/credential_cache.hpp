// qwen/sdk/credential_cache.hpp — a plugin's cached token in one easy path:
// a private JSON file (0600, replaced atomically: atomic_file.hpp), read only
// when it is a regular file and not a link (safe_file.hpp), a cross-process
// refresh lock (file_lock.hpp), and expiry with a safety margin.
//
//   qwen::sdk::CredentialCache cache(host().home_dir() + "/acme/token.json");
//   qwen::sdk::CachedToken t = cache.get([&](const std::optional<qwen::sdk::CachedToken> &old) {
//     return qwen::sdk::CachedToken::from_answer(client.client_credentials(), cache.now(), old);
//   });
//
// get() answers from the file, with no lock and no network, while the token
// is fresh for at least `margin`: the host calls get_credentials before every
// turn, so that is the common path. Otherwise it takes the lock, reads the
// file again (another process may have refreshed meanwhile: then its token is
// used and the server is not asked), and only then calls `fetch`, saving what
// it returns. So N processes that start with an expired token make one
// request. With `force_refresh` (the API just answered 401) the token in the
// file is not trusted whatever its expiry, unless another process replaced it
// meanwhile.
//
// The file: {"access_token", "token_type", "refresh_token", "expires_at"
// (seconds since the epoch; absent = unknown), "account", "extra" (the
// plugin's own fields)}. A link, FIFO, folder or device at the path is
// refused with Error(QWEN_ERR_CONFIG) naming it, never read or written
// through; a file that is not such JSON is reported by load() and replaced by
// get() (it is a cache: the token can be fetched again), with a warning.
#ifndef QWEN_SDK_CREDENTIAL_CACHE_HPP
#define QWEN_SDK_CREDENTIAL_CACHE_HPP

#include <qwen/plugin.hpp>
#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/file_lock.hpp>
#include <qwen/sdk/oauth_token.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <string>

namespace qwen::sdk {

struct CachedToken {
  std::string access_token;
  std::string token_type = "Bearer";
  std::string refresh_token;  // empty: none
  int64_t expires_at = 0;     // seconds since the epoch; 0 = unknown (used until the API refuses it)
  std::string account;        // a display name, optional
  nlohmann::json extra = nlohmann::json::object();  // the plugin's own fields, kept as they are

  // Usable at `now` (seconds since the epoch) for at least `margin` more.
  bool fresh_for(std::chrono::seconds margin, int64_t now) const {
    return !access_token.empty() && (expires_at == 0 || now + margin.count() < expires_at);
  }

  // The token a grant gave at `now`: a refresh token or account that did not come is kept from `previous`.
  static CachedToken from_answer(const TokenAnswer &answer, int64_t now,
                                 const std::optional<CachedToken> &previous = std::nullopt) {
    CachedToken t;
    if (previous) {
      t.refresh_token = previous->refresh_token;
      t.account = previous->account;
      t.extra = previous->extra;
    }
    t.access_token = answer.access_token;
    t.token_type = answer.token_type;
    if (!answer.refresh_token.empty()) t.refresh_token = answer.refresh_token;
    t.expires_at = answer.expires_in ? now + *answer.expires_in : 0;
    return t;
  }
};

struct CredentialCacheOptions {
  std::chrono::seconds margin{60};                // "fresh" means fresh for at least this long
  FileLock::Options lock;                         // waiting for the lock; set lock.wait to Host::wait for Ctrl-C
  std::function<int64_t()> now;                   // seconds since the epoch; default: the system clock
  std::function<void(const std::string &)> warn;  // told of a damaged file replaced, a save that failed
  size_t max_size = 64 * 1024;
};

class CredentialCache {
 public:
  explicit CredentialCache(std::string path, CredentialCacheOptions options = {})
      : path_(std::move(path)), lock_path_(path_ + ".lock"), options_(std::move(options)) {}

  const std::string &path() const { return path_; }
  const std::string &lock_path() const { return lock_path_; }

  int64_t now() const {
    if (options_.now) return options_.now();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // The cached token, nullopt when there is no file. Throws Error(QWEN_ERR_CONFIG) naming the file when it
  // is not a regular file, is a link, is too large, or does not hold a token.
  std::optional<CachedToken> load() const {
    auto text = read_regular_file(path_, options_.max_size, Links::Refuse);
    if (!text) return std::nullopt;
    auto damaged = [&](const std::string &why) {
      return Error(QWEN_ERR_CONFIG, path_ + " is not a usable credential cache (" + why + ")");
    };
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw damaged("not a JSON object");
    CachedToken t;
    auto text_field = [&](const char *key, std::string &into, bool required) {
      auto it = j.find(key);
      if (it == j.end()) {
        if (required) throw damaged(std::string("no ") + key);
        return;
      }
      if (!it->is_string()) throw damaged(std::string(key) + " is not a string");
      into = it->get<std::string>();
    };
    text_field("access_token", t.access_token, true);
    if (t.access_token.empty()) throw damaged("an empty access_token");
    text_field("token_type", t.token_type, false);
    text_field("refresh_token", t.refresh_token, false);
    text_field("account", t.account, false);
    if (auto it = j.find("expires_at"); it != j.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0) throw damaged("expires_at is not a time");
      t.expires_at = it->get<int64_t>();
    }
    if (auto it = j.find("extra"); it != j.end()) {
      if (!it->is_object()) throw damaged("extra is not an object");
      t.extra = *it;
    }
    return t;
  }

  // Replaces the file with `token` (0600, atomically; a link at the path is replaced, never written through).
  void save(const CachedToken &token) const {
    nlohmann::json j = {{"access_token", token.access_token}, {"token_type", token.token_type}};
    if (!token.refresh_token.empty()) j["refresh_token"] = token.refresh_token;
    if (token.expires_at > 0) j["expires_at"] = token.expires_at;
    if (!token.account.empty()) j["account"] = token.account;
    if (!token.extra.empty()) j["extra"] = token.extra;
    write_file_atomically(path_, j.dump(2) + "\n", 0600);
  }

  // Forgets the token; false when there was none. Throws Error(QWEN_ERR_INTERNAL) naming the file otherwise.
  bool remove() const {
    if (::unlink(path_.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    throw Error(QWEN_ERR_INTERNAL, "cannot remove " + path_ + ": " + std::strerror(errno));
  }

  // A token fresh for at least `margin`: the cached one, or what `fetch` (given the cached one, if any)
  // returns, fetched under the lock and saved. See the header comment.
  CachedToken get(const std::function<CachedToken(const std::optional<CachedToken> &cached)> &fetch,
                  bool force_refresh = false) const {
    std::optional<CachedToken> cached = load_or_forget(false);
    if (!force_refresh && cached && cached->fresh_for(options_.margin, now())) return *cached;
    const std::string refused = force_refresh && cached ? cached->access_token : std::string();
    auto usable = [&](const std::optional<CachedToken> &t) {
      return t && t->fresh_for(options_.margin, now()) && (!force_refresh || t->access_token != refused);
    };

    std::optional<FileLock> held;
    try {
      make_private_dirs(detail::parent_dir(lock_path_));  // the first run: the lock's folder is the file's, 0700
      held.emplace(FileLock::acquire(lock_path_, options_.lock));
    } catch (const FileLockTimeout &) {
      // The holder may have just finished (use its token) or be stuck (say so).
      cached = load_or_forget();
      if (usable(cached)) return *cached;
      throw;
    } catch (const FileLockRefused &) {
      throw;  // a link, FIFO or folder at the lock's path: someone else's doing, so nothing is written
    } catch (const Error &e) {
      if (e.status() == QWEN_ERR_CANCELLED) throw;
      // No lock can be made here (a read-only folder): nobody can rewrite the file either.
      warn(std::string(e.what()) + "; fetching a token without the lock");
    }
    cached = load_or_forget();
    if (usable(cached)) return *cached;
    CachedToken fresh = fetch(cached);
    try {
      save(fresh);
    } catch (const Error &e) {
      warn(std::string("the new token could not be cached (") + e.what() + "); it is used for this run only");
    }
    return fresh;
  }

 private:
  // load(), but a damaged file counts as none (a warning says so, when `say`); a link or FIFO still throws.
  std::optional<CachedToken> load_or_forget(bool say = true) const {
    try {
      return load();
    } catch (const Error &e) {
      if (!is_regular_non_link(path_)) throw;
      if (say) warn(std::string(e.what()) + "; a new token replaces it");
      return std::nullopt;
    }
  }

  static bool is_regular_non_link(const std::string &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  void warn(const std::string &message) const {
    if (options_.warn) options_.warn(message);
  }

  std::string path_;
  std::string lock_path_;
  CredentialCacheOptions options_;
};

}  // namespace qwen::sdk

#endif  // QWEN_SDK_CREDENTIAL_CACHE_HPP
