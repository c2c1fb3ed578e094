// accounts.hpp — several logins per sign-in method (plugin.h "Accounts", ABI 1.5).
//
// An account is a name the user gives a login (`qwen auth login --account work`); "" is the default
// account, the one a method always had. The host knows which named accounts exist from the logins it ran:
// <qwen home>/accounts.json, {"version": 1, "accounts": {"<method id>": ["work", ...]}} (0600, written
// atomically, each change made under accounts.json.lock so parallel sign-ins lose none). The secrets themselves stay with the plugins (the secret store, or their own files).
//
// Which account is active: --account, else `account` in the project's .qwen/config.toml (a directory bound
// to an account), else `account` in the user's config.toml (what `qwen auth switch` writes), else the
// default.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/account_name.hpp"

namespace qwen::app {

using config::account_label;
using config::parse_account_name;

class AccountRegistry {
 public:
  explicit AccountRegistry(std::filesystem::path file) : file_(std::move(file)) {}

  const std::filesystem::path &file() const { return file_; }

  // The named accounts of `method` with a login, in the order they were added. A damaged file lists none
  // (load_error() says why).
  std::vector<std::string> named(const std::string &method) const;
  bool has(const std::string &method, const std::string &account) const;

  // Record / forget a named account ("" is ignored: the default account always exists). Throws
  // sdk::Error(QWEN_ERR_CONFIG) naming the file when it is damaged (never overwritten) or cannot be written,
  // and sdk::Error naming the lock when its lock cannot be had (a link, FIFO or folder there, or a 30 s wait).
  void add(const std::string &method, const std::string &account);
  void remove(const std::string &method, const std::string &account);

  // Why the file could not be read, when it could not.
  std::optional<std::string> load_error() const;

  // While the returned object lives, named(), has() and load_error() answer from one reading of the file, so
  // a command that looks at every method's logins (`qwen auth list`) reads it once and sees one version of it.
  // add() and remove() still read the file afresh under it, and end it (what it read is then out of date).
  class ReadOnce {
   public:
    explicit ReadOnce(const AccountRegistry &registry);
    ReadOnce(const ReadOnce &) = delete;
    ReadOnce &operator=(const ReadOnce &) = delete;
    ~ReadOnce();

   private:
    const AccountRegistry &registry_;
    bool started_ = false;  // false inside another ReadOnce: that one ends the reading
  };
  ReadOnce read_once() const { return ReadOnce(*this); }

 private:
  struct Names {
    std::map<std::string, std::vector<std::string>> by_method;
    std::optional<std::string> error;
  };
  Names names() const;  // the ReadOnce's reading, else the file's now

  std::filesystem::path file_;
  mutable std::shared_ptr<const Names> read_once_;
};

}  // namespace qwen::app
