// Several logins per sign-in method (plugin.h "Accounts"): which one is active, `qwen auth list` and
// `qwen auth switch`, the auth.accounts / auth.account session commands, and the registry of named ones.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "app/application.hpp"
#include "app/auth_method_info.hpp"
#include "app/failure_report.hpp"
#include "config/config_writer.hpp"
#include "services/host_table.hpp"
#include "util/log.hpp"

namespace qwen::app {
namespace {

std::string unknown_login(const std::string &method, const std::string &account) {
  return "'" + method + "' has no login named '" + account + "': sign in to it first (qwen auth login --auth-type " +
         method + " --account " + account + "), or see qwen auth list";
}

}  // namespace

bool Application::keeps_accounts(const plugin_host::LoadedPlugin &plugin) const {
  return (method_flags(plugin) & QWEN_AUTH_METHOD_ACCOUNTS) != 0;
}

std::string Application::account_for(const std::string &plugin_id) const {
  if (asking_ && asking_->first == plugin_id) return asking_->second;
  if (auth_ && auth_->id() == plugin_id) return account_;
  return "";
}

qwen_status Application::resolve_account(const plugin_host::LoadedPlugin &plugin, std::string &account,
                                         qwen_error *err) const {
  account.clear();
  if (options_.account) {
    const auto name = config::parse_account_name(*options_.account);
    if (!name)
      return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT,
                                  "--account '" + *options_.account + "': an account name is " +
                                      config::kAccountNameRule + " (or \"default\")");
    if (!name->empty() && !keeps_accounts(plugin))
      return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT,
                                  "'" + plugin.id() + "' keeps one login only: --account needs a method that keeps "
                                  "several (qwen auth list shows them)");
    account = *name;
    return QWEN_OK;
  }
  if (!keeps_accounts(plugin)) return QWEN_OK;  // a binding to an account means nothing to this method
  if (config_.project_account)
    account = *config_.project_account;
  else if (config_.user_account)
    account = *config_.user_account;
  return QWEN_OK;
}

std::vector<MethodStatus> Application::logins_of(const plugin_host::LoadedPlugin &plugin) {
  std::vector<std::string> accounts{""};
  if (keeps_accounts(plugin))
    for (auto &name : accounts_.named(plugin.id())) accounts.push_back(name);
  // The active account is listed also before its first sign-in: that is the one a question would use.
  if (auth_ == &plugin && std::find(accounts.begin(), accounts.end(), account_) == accounts.end())
    accounts.push_back(account_);
  std::vector<MethodStatus> out;
  for (const auto &account : accounts) {
    asking_ = std::make_pair(plugin.id(), account);
    MethodStatus m = method_status(plugin);
    asking_.reset();
    m.account = account;
    m.account_aware = keeps_accounts(plugin);
    m.selected = m.selected && account == account_;
    out.push_back(std::move(m));
  }
  return out;
}

int Application::list_logins() {
  const auto once = accounts_.read_once();  // every method's logins, and the damage check, from one reading
  if (auto why = accounts_.load_error()) util::log_warning(*why + ": its named logins are not listed");
  std::vector<MethodStatus> logins;
  for (const auto *m : installed_auth_methods())
    for (auto &login : logins_of(*m)) logins.push_back(std::move(login));
  if (options_.status_json || options_.output_format != "text")
    std::cout << account_list_json(logins).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << account_list_text(logins, isatty(STDOUT_FILENO) == 1);
  std::cout.flush();
  return QWEN_EXIT_OK;
}

int Application::switch_login() {
  const std::string method = options_.switch_method.value_or(choose_auth());
  std::string error;
  auto *plugin = plugins_.get(method, QWEN_PLUGIN_KIND_AUTH, error);
  if (!plugin) return report_failure(options_.output_format, QWEN_ERR_INVALID_ARGUMENT, error, FailureShape::EventsOnly);
  if (auth_choice().enforced && method != *auth_choice().enforced)
    return report_failure(options_.output_format, QWEN_ERR_INVALID_ARGUMENT,
                          enforced_method_refusal(auth_choice(), method), FailureShape::EventsOnly);
  std::string account;
  if (options_.account) {
    qwen_error err = empty_error();
    if (qwen_status s = resolve_account(*plugin, account, &err); s != QWEN_OK)
      return report_failure(options_.output_format, s, err.message, FailureShape::EventsOnly);
    if (!accounts_.has(method, account))
      return report_failure(options_.output_format, QWEN_ERR_AUTH_REQUIRED, unknown_login(method, account),
                            FailureShape::EventsOnly);
  }
  for (const auto &w : remember_auth_choice(method, std::filesystem::path(home_) / "settings.json", config_.user_file))
    util::log_warning(w);
  // The default account needs no line, unless one names another account now.
  if (!account.empty() || config_.user_account.value_or("") != "") remember_account(account);
  std::cout << "qwen now uses " << method_display_name(*plugin) << " ('" << method << "'), login "
            << config::account_label(account) << ".\n";
  if (config_.project_account && *config_.project_account != account && keeps_accounts(*plugin))
    std::cout << "In this directory, " << config_.files.back().string() << " binds login "
              << config::account_label(*config_.project_account) << " instead.\n";
  std::cout.flush();
  return QWEN_EXIT_OK;
}

qwen_status Application::use_account(const std::string &account, qwen_error *err) {
  if (!auth_) return services::fill_error(err, QWEN_ERR_AUTH_REQUIRED, why_no_auth());
  if (!account.empty() && !keeps_accounts(*auth_))
    return services::fill_error(err, QWEN_ERR_UNSUPPORTED, "'" + auth_->id() + "' keeps one login only");
  account_ = account;
  // The conversation stays; only where its credentials come from changes.
  auth_source_ = std::make_unique<AuthSource>(*auth_);
  return QWEN_OK;
}

void Application::remember_account(const std::string &account) {
  try {
    config::set_top_level_string(config_.user_file, "account", config::account_label(account));
    config_.user_account = account;
  } catch (const std::exception &e) {
    util::log_warning(std::string("the login is not remembered: ") + e.what());
  }
}

void Application::record_login(const plugin_host::LoadedPlugin &plugin) {
  if (&plugin != auth_ || account_.empty()) return;
  try {
    accounts_.add(plugin.id(), account_);
  } catch (const std::exception &e) {
    util::log_warning(std::string("the login is kept, but qwen auth list will not show it: ") + e.what());
  }
}

void Application::forget_login(const plugin_host::LoadedPlugin &plugin) {
  if (&plugin != auth_ || account_.empty()) return;
  try {
    accounts_.remove(plugin.id(), account_);
  } catch (const std::exception &e) {
    util::log_warning(e.what());
  }
  // A remembered choice of a login that is gone would ask for a sign-in at every start.
  if (config_.user_account && *config_.user_account == account_) remember_account("");
}

qwen_status Application::account_command(const std::string &verb, const std::string &arg, const qwen_kv_sink *out,
                                         qwen_error *err) {
  auto put = [out](const std::string &k, const std::string &v) {
    if (out && out->put) out->put(out->ctx, k.c_str(), v.c_str());
  };
  if (verb == "auth.accounts") {
    std::string error;
    auto *plugin = arg.empty() ? auth_ : plugins_.get(arg, QWEN_PLUGIN_KIND_AUTH, error);
    if (!plugin) return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, error.empty() ? why_no_auth() : error);
    for (const auto &login : logins_of(*plugin))
      put(config::account_label(login.account),
          std::string(login.selected ? "yes" : "no") + "\t" + (login.usable ? "yes" : "no"));
    return QWEN_OK;
  }
  // auth.account
  const auto name = config::parse_account_name(arg);
  if (!name)
    return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT,
                                "'" + arg + "' is not an account name: " + config::kAccountNameRule);
  qwen_status s = use_account(*name, err);
  if (s != QWEN_OK) return s;
  remember_account(*name);
  return QWEN_OK;
}

}  // namespace qwen::app
