#include "app/application.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>
#include <qwen/sdk/terminal_text.hpp>

#include "chat/answer_scrubber.hpp"
#include "app/auth_method_info.hpp"
#include "app/auth_report.hpp"
#include "app/failure_report.hpp"
#include "app/model_list.hpp"
#include "config/config_lint.hpp"
#include "config/config_writer.hpp"
#include "config/env_files.hpp"
#include "config/paths.hpp"
#include "config/qwen_code_settings.hpp"
#include "config/qwen_code_settings_writer.hpp"
#include "net/http_client.hpp"
#include "plugin_host/plugin_id.hpp"
#include "services/browser.hpp"
#include "services/cancellation.hpp"
#include "services/host_table.hpp"
#include "trust/trust_boundary.hpp"
#include "trust/trust_command.hpp"
#include "util/log.hpp"
#include "util/redactor.hpp"
#include "util/strings.hpp"

namespace qwen::app {
namespace {

std::string getenv_or_empty(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

// The first line of standard input (at most 64 KiB), without its line ending; nullopt when empty.
std::optional<std::string> read_key_from_stdin() {
  std::string line;
  char c = 0;
  while (line.size() < 65536 && ::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') line += c;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos) return std::nullopt;
  return line.substr(start);
}

// A variable of settings.json's env block whose value is a credential, by its name (the block is where Qwen
// Code keeps keys: BAILIAN_CODING_PLAN_API_KEY, OPENROUTER_API_KEY, QWEN_CUSTOM_API_KEY_...).
bool looks_secret(const std::string &name) {
  for (const char *word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

qwen_status call_plugin(const std::string &what, qwen_error *err, const std::function<qwen_status()> &fn) {
  try {
    qwen_status s = fn();
    if (s != QWEN_OK && err && err->message[0] == '\0') services::fill_error(err, s, what + " failed");
    return s;
  } catch (...) {
    return services::fill_error(err, QWEN_ERR_INTERNAL, what + " threw a C++ exception across the plugin boundary");
  }
}

}  // namespace

Application::Application(cli::Options options, config::Config config, config::EnvFileLoad env,
                         ProviderSettingsLoader load_provider_settings)
    : options_(std::move(options)),
      config_(std::move(config)),
      env_(std::move(env)),
      load_provider_settings_(std::move(load_provider_settings)),
      provider_settings_(load_provider_settings_ ? load_provider_settings_() : config::ProviderSettings{}),
      home_(config::qwen_home().string()),
      registry_(config::plugin_search_path()),
      plugins_(registry_, *this, plugin_host::PluginKindCache(config::cache_dir() / "plugin-kinds.json")),
      conversations_({config_.network, services::cancel_requested, services::interruptible_sleep, options_.model,
                      config_.model}),
      accounts_(std::filesystem::path(home_) / "accounts.json") {
  interactive_ = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

Application::~Application() {
  plugins_.deinit_all();
}

std::string Application::choose_frontend() const {
  if (options_.frontend) return *options_.frontend;
  // -p and a JSON output are a script's run: headless, whatever config.toml says (its `frontend` is the
  // interactive one; `frontend = "tty"` would open a terminal that ignores the prompt and answers nothing).
  if (options_.prompt || options_.output_format != "text") return "pipe";
  if (config_.frontend) return *config_.frontend;
  if (!interactive_) return "pipe";
  return "tty";
}

std::string Application::choose_auth() {
  return auth_choice().id;
}

const AuthChoice &Application::auth_choice() {
  if (auth_choice_) return *auth_choice_;
  AuthChoiceInputs in;
  in.flag = options_.auth_type;
  // Each file's `auth` as load_config read it: the files are not parsed again.
  in.user_config = config_.user_auth;
  in.project_config = config_.project_auth;
  std::error_code ec;
  in.workspace_settings = config::workspace_settings_file(std::filesystem::current_path(ec), home_, config::user_home());
  in.user_settings = std::filesystem::path(home_) / "settings.json";
  in.environment_method = [this] { return method_configured_by_environment(); };
  if (config_.default_auth) in.default_method = *config_.default_auth;
  in.installed = [this](const std::string &id) { return plugin_exists(id); };
  auth_choice_ = decide_auth(in);
  for (const auto &w : auth_choice_->warnings) util::log_warning(w);
  return *auth_choice_;
}

std::vector<const plugin_host::LoadedPlugin *> Application::installed_auth_methods() {
  std::vector<const plugin_host::LoadedPlugin *> methods;
  for (const auto &id : registry_.candidate_ids()) {
    std::string error;
    if (auto *plugin = plugins_.get(id, QWEN_PLUGIN_KIND_AUTH, error))
      methods.push_back(plugin);
    else
      util::log_debug("not a usable sign-in method: " + error);  // a front-end, or a broken file (qwen plugins)
  }
  return methods;
}

std::optional<std::string> Application::method_configured_by_environment() {
  std::optional<std::string> best;
  int32_t best_priority = 0;
  for (const auto *m : installed_auth_methods()) {
    const int32_t p = environment_priority(*m);
    if (p > best_priority) {  // ties: the first id in order wins
      best = m->id();
      best_priority = p;
    }
  }
  if (best) util::log_debug("the environment configures '" + *best + "' (priority " + std::to_string(best_priority) + ")");
  return best;
}

bool Application::load_frontend(std::string &error) {
  std::string id = choose_frontend();
  frontend_ = plugins_.get(id, QWEN_PLUGIN_KIND_FRONTEND, error);
  if (!frontend_ && id == "tty" && !options_.frontend && !config_.frontend) {
    // The automatic choice falls back to the always-possible front-end.
    util::log_debug("tty front-end unavailable (" + error + "); using pipe");
    frontend_ = plugins_.get("pipe", QWEN_PLUGIN_KIND_FRONTEND, error);
  }
  return frontend_ != nullptr;
}

int Application::run() {
  for (const auto &w : config::lint_config(config_.merged, registry_.candidate_ids())) util::log_warning(w);
  if (options_.command == cli::Command::Plugins) return list_plugins();
  const auto shape = options_.command == cli::Command::Chat ? FailureShape::Answer : FailureShape::EventsOnly;
  std::string error;
  if (!load_frontend(error)) return report_failure(options_.output_format, QWEN_ERR_CONFIG, error, shape);
  qwen_error err = empty_error();
  const std::string auth_id = choose_auth();
  if (options_.command == cli::Command::AuthSwitch) return switch_login();
  if (auth_choice().enforcement_error)
    return report_failure(options_.output_format, QWEN_ERR_AUTH_REQUIRED, *auth_choice().enforcement_error, shape);
  qwen_status s = select_auth(auth_id, &err);
  if (s != QWEN_OK && !auth_chosen_by_user() && !plugin_exists(auth_id)) {
    // Nothing was configured and the default method's plugin is not installed: the user
    // needs to know what to set, not which file is missing.
    const std::string vars = what_to_set(installed_auth_methods());
    no_auth_reason_ = "no credentials: " +
                      (vars.empty() ? std::string("no sign-in method is installed")
                                    : "set " + vars + " in the environment or in a .qwen/.env file") +
                      ", or install the '" + auth_id + "' sign-in plugin";
    // A conversation starts anyway with no method selected: a terminal front-end offers the installed
    // methods, a headless one fails its first request with this message (exit 4).
    if (options_.command != cli::Command::Chat)
      return report_failure(options_.output_format, QWEN_ERR_AUTH_REQUIRED, no_auth_reason_, shape);
  } else if (s != QWEN_OK) {
    return report_failure(options_.output_format, s, err.message, shape);
  }
  if (options_.command == cli::Command::AuthList) return list_logins();
  if (options_.command == cli::Command::Models) return run_models_command();
  if (options_.command != cli::Command::Chat) return run_auth_command();
  int32_t code = QWEN_EXIT_ERROR;
  err = empty_error();
  try {
    code = frontend_->frontend()->run(&err);
  } catch (...) {
    util::log_error("the front-end '" + frontend_->id() + "' threw a C++ exception across the plugin boundary");
    return QWEN_EXIT_ERROR;
  }
  if (code != 0 && err.message[0]) util::log_error(err.message);
  return code;
}

bool Application::choice_outlives_session() {
  chat::Credentials creds;
  std::string error;
  if (!auth_ || !auth_source_ || auth_source_->credentials(0, creds, error) != QWEN_OK) return false;
  KeyValues kv;
  qwen_kv_sink sink = kv.sink();
  qwen_error ignored = empty_error();
  auth_status(*auth_, &sink, &ignored);
  for (const auto &[k, v] : kv.pairs)
    if (k == "session_only") return false;  // plugin.h: credentials that end with this process
  return true;
}

std::string Application::why_no_auth() const {
  return no_auth_reason_.empty() ? "no sign-in method is selected" : no_auth_reason_;
}

bool Application::auth_chosen_by_user() {
  return auth_choice().chosen_by_user;
}

bool Application::plugin_exists(const std::string &id) const {
  auto ids = registry_.candidate_ids();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

qwen_status Application::select_auth(const std::string &id, qwen_error *err) {
  std::string error;
  auto *plugin = plugins_.get(id, QWEN_PLUGIN_KIND_AUTH, error);
  if (!plugin) return services::fill_error(err, QWEN_ERR_CONFIG, error);
  if (plugin->auth()->available) {
    qwen_status s = call_plugin("'" + id + "' availability check", err, [&] { return plugin->auth()->available(err); });
    if (s != QWEN_OK) return s;
  }
  std::string account;
  if (qwen_status s = resolve_account(*plugin, account, err); s != QWEN_OK) return s;
  account_ = account;
  auth_ = plugin;
  auth_source_ = std::make_unique<AuthSource>(*plugin);
  return QWEN_OK;
}

qwen_status Application::auth_login(plugin_host::LoadedPlugin &plugin, qwen_error *err) {
  if (!plugin.auth()->login) {
    // Not an error of qwen's: the method is configured outside (plugin.h), and the user is told where.
    const auto vars = method_env_vars(plugin);
    const std::string url = method_setup_url(plugin);
    return services::fill_error(
        err, QWEN_ERR_AUTH_REQUIRED,
        method_display_name(plugin) + " ('" + plugin.id() + "') has no interactive sign-in: " +
            (vars.empty() ? std::string("it is configured in [plugins.") + plugin.id() + "] of config.toml"
                          : "set " + util::join(vars, ", ") + " in the environment or in a .qwen/.env file") +
            (url.empty() ? "" : " (get one at " + url + ")"));
  }
  services::clear_cancel();
  qwen_status s = call_plugin("sign-in with '" + plugin.id() + "'", err, [&] { return plugin.auth()->login(err); });
  if (s == QWEN_OK) record_login(plugin);
  return s;
}

qwen_status Application::auth_status(plugin_host::LoadedPlugin &plugin, const qwen_kv_sink *out, qwen_error *err) {
  KeyValues kv;
  qwen_kv_sink sink = kv.sink();
  qwen_status s = call_plugin("status of '" + plugin.id() + "'", err, [&] { return plugin.auth()->status(&sink, err); });
  if (!out || !out->put) return s;
  out->put(out->ctx, "method", plugin.id().c_str());
  out->put(out->ctx, "name", method_display_name(plugin).c_str());
  // The host says which method this is; a plugin's own "method"/"name" pairs would say it twice.
  for (const auto &[k, v] : kv.pairs)
    if (k != "method" && k != "name") out->put(out->ctx, k.c_str(), v.c_str());
  return s;
}

int Application::run_auth_command() {
  qwen_error err = empty_error();
  const std::string id = auth_->id();  // id() returns a copy: keep it alive while `name` is used
  const char *name = auth_->auth()->display_name ? auth_->auth()->display_name : id.c_str();
  // A named login is said by name: which of several logins was signed in or out.
  auto login_words = [&] { return account_.empty() ? std::string() : " (login " + account_ + ")"; };
  qwen_status s = QWEN_OK;
  // With stream-json, stdout stays one JSON object per line (the pipe front-end prints the sign-in steps so).
  auto done = [&](const char *action, const std::string &text) {
    if (options_.output_format == "stream-json")
      std::cout << nlohmann::ordered_json{{"type", "auth_done"}, {"action", action}, {"method", id}}.dump() << "\n";
    else
      std::cout << text << "\n";
  };
  switch (options_.command) {
    case cli::Command::AuthLogin:
      s = auth_login(*auth_, &err);
      if (s == QWEN_OK) {
        if (options_.account) remember_account(account_);  // as a sign-in remembers the method
        // As Qwen Code's `qwen auth`, a sign-in is also the choice, when what it signed in with is kept for
        // later runs: a method Qwen Code has in settings.json only; another one (coding-plan, which tells Qwen
        // Code "openai" and its modelProviders entries) in config.toml, where it outranks that word for qwen.
        if (choice_outlives_session())
          for (const auto &w : remember_auth_choice(id, std::filesystem::path(home_) / "settings.json",
                                                    config_.user_file,
                                                    /*only_shared_file=*/config::is_shared_auth_method(id)))
            util::log_warning(w);
        done("login", std::string("Signed in with ") + name + login_words() + ".");
      }
      break;
    case cli::Command::AuthLogout: {
      // A plugin that says what it removed (or that there was nothing) has said it all: one message, not
      // its words and then a "Signed out" that may not be true (an API key still in a .env file).
      const int notices_before = plugin_notices_;
      KeyValues kv;
      qwen_kv_sink sink = kv.sink();
      s = auth_logout(*auth_, &sink, &err);  // the same sign-out as the auth.logout verb
      const bool forgot_nothing = !kv.pairs.empty() && kv.pairs.front().second == "no";
      if (s == QWEN_OK && forgot_nothing)
        done("logout", std::string(name) + " keeps no login to forget: nothing was removed.");
      else if (s == QWEN_OK && (plugin_notices_ == notices_before || options_.output_format == "stream-json"))
        done("logout", std::string("Signed out of ") + name + login_words() + ".");
      break;
    }
    case cli::Command::AuthToken:
      return print_token();
    default:
      return print_status();
  }
  std::cout.flush();
  if (s != QWEN_OK) return report_failure(options_.output_format, s, err.message, FailureShape::EventsOnly);
  return QWEN_EXIT_OK;
}

MethodStatus Application::method_status(const plugin_host::LoadedPlugin &plugin) {
  MethodStatus m;
  m.id = plugin.id();
  m.name = method_display_name(plugin);
  m.selected = auth_ && auth_->id() == m.id;
  KeyValues kv;
  qwen_kv_sink sink = kv.sink();
  qwen_error err = empty_error();
  if (plugin.auth()->status)
    call_plugin("status of '" + m.id + "'", &err, [&] { return plugin.auth()->status(&sink, &err); });
  for (const auto &[k, v] : kv.pairs)
    if (k != "method" && k != "name") m.pairs.emplace_back(k, util::scrub(v));
  // The plugin's own word when it gives one; else whether it hands out credentials now (a method that
  // refreshes may use the network for that: plugin.h asks for "signed_in" so that it need not).
  bool credentials_ok = false;
  if (std::none_of(m.pairs.begin(), m.pairs.end(), [](const auto &p) { return p.first == "signed_in"; })) {
    chat::Credentials creds;
    std::string error;
    credentials_ok = AuthSource(plugin).credentials(0, creds, error) == QWEN_OK;
  }
  m.usable = usable_from(m.pairs, credentials_ok);
  return m;
}

int Application::print_status() {
  std::vector<MethodStatus> methods;
  if (options_.status_all) {
    for (const auto *m : installed_auth_methods())
      for (auto &login : logins_of(*m)) methods.push_back(std::move(login));
  } else {
    MethodStatus m = method_status(*auth_);
    m.account = account_;
    m.account_aware = keeps_accounts(*auth_);
    methods.push_back(std::move(m));
  }
  const bool selected_usable = std::any_of(methods.begin(), methods.end(), [](const auto &m) { return m.selected && m.usable; });
  if (options_.status_json || options_.output_format != "text")
    std::cout << status_json(methods).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << status_text(methods, isatty(STDOUT_FILENO) == 1);
  std::cout.flush();
  // gh's convention: a script asks `qwen auth status` whether it can go on (README "usable").
  return selected_usable ? QWEN_EXIT_OK : QWEN_EXIT_AUTH_REQUIRED;
}

int Application::print_token() {
  chat::Credentials creds;
  std::string error;
  qwen_status s = AuthSource(*auth_).credentials(0, creds, error);
  if (s != QWEN_OK) return report_failure(options_.output_format, s, error, FailureShape::EventsOnly);
  if (creds.token.empty())
    return report_failure(options_.output_format, QWEN_ERR_AUTH_REQUIRED,
                          "'" + auth_->id() + "' uses no token for " + creds.base_url, FailureShape::EventsOnly);
  // The one place qwen prints a secret (README "Secrets"): the token alone, to standard output, for a pipe.
  std::fwrite(creds.token.data(), 1, creds.token.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 ? QWEN_EXIT_OK : QWEN_EXIT_ERROR;
}

int Application::list_plugins() {
  auto scan = registry_.scan();
  std::vector<std::unique_ptr<services::HostTable>> hosts;
  // --porcelain: "kind<TAB>id" of each usable plugin and nothing else, for the shell completions (completions/).
  const bool porcelain = options_.plugins_porcelain;
  if (!porcelain) std::printf("%-16s %-9s %-10s %-5s %s\n", "ID", "KIND", "VERSION", "ABI", "FILE");
  for (auto &p : scan.plugins) {
    auto host = std::make_unique<services::HostTable>(*this, p->id(), p->kind());
    std::string message;
    if (!p->init(host->get(), message)) {
      scan.rejected.push_back({p->file(), message});
      continue;
    }
    hosts.push_back(std::move(host));
    if (porcelain) {
      std::printf("%s\t%s\n", p->kind_name(), p->id().c_str());
      continue;
    }
    std::string abi = std::to_string(p->entry().abi_major) + "." + std::to_string(p->entry().abi_minor);
    std::printf("%-16s %-9s %-10s %-5s %s\n", p->id().c_str(), p->kind_name(), p->version().c_str(), abi.c_str(),
                p->file().c_str());
    // plugin.h: an auth method's one-line description is shown here and in the sign-in choice.
    if (p->auth() && !method_description(*p).empty())
      std::printf("%-16s %s\n", "", qwen::sdk::terminal_safe(method_description(*p)).c_str());
  }
  if (porcelain) {
    std::fflush(stdout);
    for (auto &p : scan.plugins) p->deinit();
    return QWEN_EXIT_OK;
  }
  if (scan.plugins.empty()) std::printf("(no plugins found)\n");
  for (const auto &s : scan.shadowed)
    std::printf("shadowed: %s (the same id is provided earlier by %s)\n", s.file.c_str(), s.winner.c_str());
  for (const auto &r : scan.rejected) std::printf("rejected: %s: %s\n", r.file.c_str(), r.reason.c_str());
  std::string path;
  for (const auto &d : registry_.search_path()) path += (path.empty() ? "" : ":") + d.string();
  std::printf("search path: %s\n", path.c_str());
  std::fflush(stdout);
  for (auto &p : scan.plugins) p->deinit();
  return QWEN_EXIT_OK;
}

std::optional<std::string> Application::config_value(const std::string &plugin_id, const std::string &key) {
  if (key.rfind("qwen.", 0) != 0) return config_.lookup("plugins." + plugin_id + "." + key);
  auto opt = [](const std::optional<std::string> &v) { return v; };
  if (key == "qwen.model") return session().model().empty() ? std::nullopt : opt(session().model());
  // Where qwen.model came from, in words that follow "from": the flag, or a choice made while running (/model).
  if (key == "qwen.model.source") {
    if (session().model().empty()) return std::nullopt;
    return std::string(options_.model && *options_.model == session().model() ? "--model" : "the session's choice");
  }
  if (key == "qwen.prompt") return opt(options_.prompt);
  if (key == "qwen.output_format") return options_.output_format;
  if (key == "qwen.frontend") return frontend_ ? opt(frontend_->id()) : std::nullopt;
  if (key == "qwen.auth") return auth_ ? opt(auth_->id()) : std::nullopt;
  if (key == "qwen.account") return account_for(plugin_id);
  if (key == "qwen.interactive") return std::string(interactive_ ? "true" : "false");
  if (key == "qwen.debug") return std::string(util::debug_logging() ? "true" : "false");
  if (key == "qwen.version") return std::string(QWEN_VERSION);
  if (key == "qwen.cli.openai_api_key") return opt(options_.openai_api_key);
  if (key == "qwen.cli.openai_base_url") return opt(options_.openai_base_url);
  if (key == "qwen.env_file") return env_.file ? opt(env_.file->string()) : std::nullopt;
  if (key == "qwen.env_file.keys") return util::join(env_.applied, ",");
  if (key == "qwen.login.key") return opt(options_.login_key);
  if (key == "qwen.login.base_url") return opt(options_.login_base_url);
  return provider_setting(plugin_id, key);
}

std::optional<std::string> Application::provider_setting(const std::string &plugin_id, const std::string &key) const {
  const auto &p = provider_settings_;
  if (key == "qwen.settings.model") return p.model_name;
  if (key == "qwen.settings.api_key") return p.auth_api_key;
  if (key == "qwen.settings.base_url") return p.auth_base_url;
  if (key == "qwen.settings.generation_config")
    return p.generation_config.is_object() ? std::optional(p.generation_config.dump()) : std::nullopt;
  if (key == "qwen.providers" || key == "qwen.provider" || key == "qwen.provider.source") {
    const auto entries = config::provider_entries(p, plugin_id);
    if (entries.empty()) return std::nullopt;
    if (key == "qwen.providers") return entries.dump();
    if (key == "qwen.provider.source") return p.providers_file.string();
    // The model being used picks the entry: the session's (-m, /model, config.toml), else model.name.
    const std::string model = session_model().empty() ? p.model_name.value_or("") : session_model();
    auto entry = config::provider_entry(p, plugin_id, model);
    return entry ? std::optional(entry->dump()) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Application::settings_read(const std::string &pointer) {
  // Read as written, member order kept: what a plugin reads back and rewrites (another tool's entries in
  // modelProviders) keeps its order.
  const auto text = config::read_settings_text(std::filesystem::path(home_) / "settings.json", /*follow_links=*/true);
  if (text.missing || text.error) return std::nullopt;
  const auto root = nlohmann::ordered_json::parse(text.text, nullptr, false, true);
  if (!root.is_object()) return std::nullopt;
  try {
    const nlohmann::ordered_json::json_pointer ptr(pointer);
    if (!root.contains(ptr)) return std::nullopt;
    return root.at(ptr).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const nlohmann::json::exception &) {
    return std::nullopt;  // not a pointer, or one through a value that is not an object or array
  }
}

qwen_status Application::settings_write(const std::string &plugin_id, const std::string &pointer,
                                        const std::optional<std::string> &json, qwen_error *err) {
  const auto file = std::filesystem::path(home_) / "settings.json";
  std::optional<nlohmann::ordered_json> value;  // the plugin's member order is written as it gave it
  if (json) {
    value = nlohmann::ordered_json::parse(*json, nullptr, false);
    if (value->is_discarded())
      return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "settings_write: the value is not JSON");
  }
  try {
    config::set_json_value(file, pointer, value);
  } catch (const std::exception &e) {
    return services::fill_error(err, QWEN_ERR_CONFIG, e.what());
  }
  util::log_debug("'" + plugin_id + "' " + (json ? "set " : "removed ") + pointer + " in " + file.string());
  // What routes a chat may have changed (a new modelProviders entry): read it again; the env block is not
  // applied again (the environment of a running process is not rewritten under its plugins).
  if (load_provider_settings_) provider_settings_ = load_provider_settings_();
  return QWEN_OK;
}

qwen_status Application::ui(const qwen_ui_request &request, char *answer, uint64_t capacity, qwen_error *err) {
  if (request.kind == QWEN_UI_NOTICE || request.kind == QWEN_UI_WARNING) ++plugin_notices_;
  if (!frontend_) {
    if (request.text) util::log_info(request.text);
    return services::fill_error(err, QWEN_ERR_UNSUPPORTED, "no front-end to ask the user");
  }
  return call_plugin("the front-end's ui", err,
                     [&] { return frontend_->frontend()->ui(&request, answer, capacity, err); });
}

qwen_status Application::chat_send(const std::string &text, const qwen_event_sink *sink, qwen_error *err) {
  services::clear_cancel();
  if (!auth_source_) return services::fill_error(err, QWEN_ERR_AUTH_REQUIRED, why_no_auth());
  qwen_event_sink s{};
  if (sink) std::memcpy(&s, sink, std::min<size_t>(sink->struct_size, sizeof s));
  std::string error;
  qwen_status status = session().send(
      text, *auth_source_,
      // The answer's deltas come scrubbed (answer_scrubber.hpp); every other event is scrubbed here.
      chat::scrub_answer([&](const chat::ChatEvent &e) {
        if (!s.on_event) return true;
        std::string json = e.type == QWEN_EVENT_DELTA ? e.json_line() : util::scrub(e.json_line());
        std::string text_copy = e.type == QWEN_EVENT_DELTA ? e.text : util::scrub(e.text);
        qwen_event ev{};
        ev.struct_size = sizeof ev;
        ev.type = e.type;
        ev.text = (e.type == QWEN_EVENT_DELTA || e.type == QWEN_EVENT_ERROR || e.type == QWEN_EVENT_RETRY)
                      ? text_copy.c_str()
                      : nullptr;
        ev.json = json.c_str();
        ev.text_size = ev.text ? text_copy.size() : 0;  // a delta may hold a NUL byte: the length carries it all
        try {
          return s.on_event(s.ctx, &ev) == 0;
        } catch (...) {
          return false;
        }
      }),
      error);
  if (status != QWEN_OK) return services::fill_error(err, status, error);
  return QWEN_OK;
}

qwen_status Application::list_auth_methods(const qwen_kv_sink *out) {
  for (const auto &id : registry_.candidate_ids()) {
    std::string error;
    auto *plugin = plugins_.get(id, QWEN_PLUGIN_KIND_AUTH, error);
    if (!plugin) continue;  // a front-end, or a broken file: `qwen plugins` reports those
    std::string availability = "available";
    if (plugin->auth()->available) {
      qwen_error e = empty_error();
      if (call_plugin("availability", &e, [&] { return plugin->auth()->available(&e); }) != QWEN_OK)
        availability = std::string("unavailable: ") + e.message;
    }
    std::string value = method_display_name(*plugin) + "\t" + (plugin == auth_ ? "selected" : "") + "\t" +
                        availability + "\t" + method_description(*plugin);
    if (out && out->put) out->put(out->ctx, id.c_str(), value.c_str());
  }
  return QWEN_OK;
}

qwen_status Application::command(const std::string &verb, const char *arg_ptr, const qwen_kv_sink *out,
                                 qwen_error *err) {
  const std::string arg = arg_ptr ? arg_ptr : "";
  auto put = [out](const std::string &k, const std::string &v) {
    if (out && out->put) out->put(out->ctx, k.c_str(), v.c_str());
  };
  if (verb == "auth.list") return list_auth_methods(out);
  if (verb == "auth.select") {
    if (arg.empty()) return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "auth.select needs a method id");
    if (auth_choice().enforced && arg != *auth_choice().enforced)
      return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, enforced_method_refusal(auth_choice(), arg));
    const std::string before = auth_ ? auth_->id() : "";
    qwen_status s = select_auth(arg, err);
    if (s != QWEN_OK) return s;
    // Another method starts at its default login: the user's `account` named one of the method before.
    const bool account_follows = arg != before && !options_.account && !config_.project_account;
    if (account_follows) account_.clear();
    // Remembered only with credentials a later run finds too; else after the login that brings them, if
    // the user keeps them (a typed key the user chose not to keep serves this session only).
    remember_after_login_.clear();
    if (!choice_outlives_session()) {
      remember_after_login_ = arg;
      return QWEN_OK;
    }
    for (const auto &w : remember_auth_choice(arg, std::filesystem::path(home_) / "settings.json", config_.user_file))
      util::log_warning(w);
    if (account_follows && config_.user_account.value_or("") != "") remember_account("");
    return QWEN_OK;
  }
  if (verb == "auth.accounts" || verb == "auth.account") return account_command(verb, arg, out, err);
  if (verb == "auth.login") {
    std::string error;
    auto *plugin = arg.empty() ? auth_ : plugins_.get(arg, QWEN_PLUGIN_KIND_AUTH, error);
    if (!plugin) return services::fill_error(err, QWEN_ERR_CONFIG, error.empty() ? "no sign-in method" : error);
    qwen_status s = auth_login(*plugin, err);
    if (s == QWEN_OK && plugin == auth_ && auth_->id() == remember_after_login_ && choice_outlives_session()) {
      remember_after_login_.clear();
      for (const auto &w : remember_auth_choice(auth_->id(), std::filesystem::path(home_) / "settings.json",
                                                config_.user_file))
        util::log_warning(w);
    }
    return s;
  }
  if (verb == "auth.describe") {
    std::string error;
    auto *plugin = plugins_.get(arg, QWEN_PLUGIN_KIND_AUTH, error);
    if (!plugin) return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, error);
    describe_method(*plugin, put);
    return QWEN_OK;
  }
  if (verb == "browser.check") {
    std::string why_not;
    if (services::browser_available(why_not)) return QWEN_OK;
    return services::fill_error(err, QWEN_ERR_UNSUPPORTED, "no browser can be opened here: " + why_not);
  }
  if (verb.rfind("session.", 0) == 0 && verb != "session.stats") return session_command(verb, arg, out, err);
  if (verb == "auth.logout" && !arg.empty()) {
    std::string error;
    auto *plugin = plugins_.get(arg, QWEN_PLUGIN_KIND_AUTH, error);
    if (!plugin) return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, error);
    return auth_logout(*plugin, out, err);
  }
  if (!auth_) return services::fill_error(err, QWEN_ERR_AUTH_REQUIRED, why_no_auth());
  if (verb == "auth.logout") return auth_logout(*auth_, out, err);
  if (verb == "models.list") {
    ModelListResult r = list_models(*auth_, *auth_source_, config_.network);
    if (r.status != QWEN_OK) return services::fill_error(err, r.status, r.error);
    for (const auto &m : r.models) put(m.id, m.description);
    return QWEN_OK;
  }
  if (verb == "auth.status") return auth_status(*auth_, out, err);
  if (verb == "auth.check") {
    chat::Credentials creds;
    std::string error;
    qwen_status s = auth_source_->credentials(0, creds, error);
    if (s != QWEN_OK) return services::fill_error(err, s, error);
    put("base_url", creds.base_url);
    put("model", session().model().empty() ? creds.model : session().model());
    if (keeps_accounts(*auth_)) put("login", config::account_label(account_));
    return QWEN_OK;
  }
  if (verb == "model.get") {
    if (const std::string model = current_model(); !model.empty()) put("model", model);
    return QWEN_OK;
  }
  if (verb == "model.set") {
    session().set_model(arg);
    return QWEN_OK;
  }
  if (verb == "session.stats") {
    const auto &st = session().stats();
    put("turns", std::to_string(st.turns));
    put("requests", std::to_string(st.requests));
    put("prompt_tokens", std::to_string(st.prompt_tokens));
    put("completion_tokens", std::to_string(st.completion_tokens));
    put("total_tokens", std::to_string(st.total_tokens));
    KeyValues kv;
    qwen_kv_sink sink = kv.sink();
    qwen_error ignored = empty_error();
    auth_status(*auth_, &sink, &ignored);
    for (const auto &[k, v] : kv.pairs) put("auth." + k, v);
    return QWEN_OK;
  }
  return services::fill_error(err, QWEN_ERR_UNSUPPORTED, "unknown command '" + verb + "'");
}

qwen_status Application::auth_logout(plugin_host::LoadedPlugin &plugin, const qwen_kv_sink *out, qwen_error *err) {
  auto put = [out](const char *k, const char *v) {
    if (out && out->put) out->put(out->ctx, k, v);
  };
  if (!plugin.auth()->logout) {
    put("forgotten", "no");  // plugin.h: a method with no logout forgets nothing
    return QWEN_OK;
  }
  qwen_status s = call_plugin("sign-out", err, [&] { return plugin.auth()->logout(err); });
  if (s == QWEN_OK) {
    put("forgotten", "yes");
    forget_login(plugin);
  }
  return s;
}

qwen_status Application::session_command(const std::string &verb, const std::string &arg, const qwen_kv_sink *out,
                                         qwen_error *err) {
  if (verb == "session.clear") {
    session().clear();
    return QWEN_OK;
  }
  if (verb == "session.new") {
    auto id = conversations_.create();
    if (!id)
      return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT,
                                  "too many conversations open (" + std::to_string(Conversations::kMaxConversations) +
                                      "): close one first");
    if (out && out->put) out->put(out->ctx, "session", id->c_str());
    return QWEN_OK;
  }
  if (verb == "session.select") {
    if (conversations_.select(arg)) return QWEN_OK;
    return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no conversation '" + arg + "'");
  }
  if (verb == "session.close") {
    switch (conversations_.close(arg)) {
      case Conversations::Closed::Yes:
        return QWEN_OK;
      case Conversations::Closed::IsCurrent:
        return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "conversation '" + arg + "' is the current one");
      case Conversations::Closed::Unknown:
        break;
    }
    return services::fill_error(err, QWEN_ERR_INVALID_ARGUMENT, "no conversation '" + arg + "'");
  }
  return services::fill_error(err, QWEN_ERR_UNSUPPORTED, "unknown command '" + verb + "'");
}

std::string Application::current_model() {
  if (!session().model().empty()) return session().model();
  chat::Credentials creds;
  std::string ignored;
  return auth_source_ && auth_source_->credentials(0, creds, ignored) == QWEN_OK ? creds.model : std::string();
}

int Application::run_models_command() {
  ModelListResult r = list_models(*auth_, *auth_source_, config_.network);
  if (r.status != QWEN_OK)
    return report_failure(options_.output_format, r.status, r.error, FailureShape::EventsOnly);
  const std::string current = current_model();
  if (options_.output_format != "text") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto &m : r.models)
      list.push_back({{"id", m.id}, {"description", m.description}, {"current", m.id == current}});
    nlohmann::ordered_json doc{{"type", "models"}, {"method", auth_->id()}, {"models", list}};
    std::cout << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    // A name may come from a server: on a terminal its control characters are shown, not obeyed.
    const bool terminal = isatty(STDOUT_FILENO) == 1;
    auto shown = [terminal](const std::string &v) { return terminal ? qwen::sdk::terminal_safe(v) : v; };
    for (const auto &m : r.models)
      std::cout << (m.id == current ? "* " : "  ") << shown(m.id)
                << (m.description.empty() ? "" : "  " + shown(m.description)) << "\n";
  }
  std::cout.flush();
  return QWEN_EXIT_OK;
}

int run_qwen(int argc, const char *const *argv) {
  auto parsed = cli::parse_command_line(argc, argv);
  if (parsed.usage_error) {
    report_failure(parsed.requested_format, QWEN_ERR_CONFIG, *parsed.usage_error, FailureShape::Answer);
    std::cerr << parsed.usage_hint << "\n";
  }
  if (parsed.exit_code >= 0) return parsed.exit_code;
  services::install_signal_handlers();
  util::set_debug_logging(parsed.options.debug);
  const auto home = config::qwen_home();
  const auto &opts = parsed.options;
  for (const auto &[flag, id] : {std::pair{"--auth-type", opts.auth_type}, std::pair{"--frontend", opts.frontend}})
    if (id && !plugin_host::is_plugin_id(*id))
      return report_failure(opts.output_format, QWEN_ERR_CONFIG,
                            std::string(flag) + " '" + *id + "' is not " + plugin_host::kPluginIdRule,
                            opts.command == cli::Command::Chat ? FailureShape::Answer : FailureShape::EventsOnly);
  if (opts.login_key_from_stdin) {
    // gh's --with-token: the key never appears in argv (ps) or the shell's history.
    auto key = read_key_from_stdin();
    if (!key)
      return report_failure(opts.output_format, QWEN_ERR_CONFIG,
                            "--with-key: standard input held no key (give it as the first line)",
                            FailureShape::EventsOnly);
    parsed.options.login_key = std::move(*key);
  } else if (opts.login_key) {
    util::log_warning("a key given with --key is visible to other users of this machine (ps) and kept in the "
                      "shell's history; --with-key reads it from standard input");
  }
  if (opts.login_key) util::register_secret(*opts.login_key);
  if (opts.command == cli::Command::Trust) {
    auto action = opts.trust_list ? trust::TrustAction::List
                                  : (opts.trust_revoke ? trust::TrustAction::Revoke : trust::TrustAction::Trust);
    return trust::run_trust_command(action, opts.trust_dir, config::user_home(), home);
  }
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  const auto project_config = config::find_project_config(cwd, home);
  // A project's files are a stranger's: what they may not set is decided before anything is applied.
  trust::BoundaryInputs boundary_in;
  boundary_in.cwd = cwd;
  boundary_in.user_home = config::user_home();
  boundary_in.qwen_home = home;
  boundary_in.project_config = project_config;
  boundary_in.can_ask = isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && !opts.prompt && opts.output_format == "text";
  boundary_in.key_given_as_flag = opts.openai_api_key.has_value();
  const trust::TrustBoundary boundary(boundary_in);
  config::Config config;
  try {
    config = config::load_config(home / "config.toml", project_config,
                                 [&boundary](toml::table &t) { boundary.vet_project_config(t); });
  } catch (const config::ConfigError &e) {
    return report_failure(opts.output_format, QWEN_ERR_CONFIG, std::string("configuration: ") + e.what(),
                          opts.command == cli::Command::Chat ? FailureShape::Answer : FailureShape::EventsOnly);
  }
  // Qwen Code's settings.json is read here for what a project .env may not set; a damaged one is told once.
  const auto qwen_code_settings = config::read_qwen_code_settings(home / "settings.json");
  if (qwen_code_settings.error) util::log_warning(*qwen_code_settings.error);
  const auto env_exclusions = config::project_env_exclusions(
      config.merged.contains("excluded_env_vars") ? std::optional(config.excluded_env_vars) : std::nullopt,
      qwen_code_settings.excluded_env_vars);
  auto env = config::load_env_file(
      cwd, config::user_home(), env_exclusions, config::process_environment(),
      [&boundary](const std::filesystem::path &file, const std::string &key) { return boundary.env_vetoed(file, key); });
  util::set_debug_logging(parsed.options.debug || util::is_truthy(getenv_or_empty("DEBUG")) ||
                          util::is_truthy(getenv_or_empty("DEBUG_MODE")));
  for (const auto &w : env.warnings) util::log_warning(w);
  // Qwen Code's settings that route a chat; their env block fills what the environment and .env left unset.
  const auto workspace_settings_path = config::workspace_settings_file(cwd, home, config::user_home());
  auto load_provider_settings = [user_file = home / "settings.json", workspace_settings_path, &boundary] {
    const auto user = config::read_qwen_code_settings(user_file);
    std::optional<config::QwenCodeSettings> workspace;
    if (workspace_settings_path)
      workspace = config::read_qwen_code_settings(*workspace_settings_path, {/*follow_links=*/false});
    return config::layer_provider_settings(
        user, workspace ? &*workspace : nullptr, [&boundary](const std::string &key) { return boundary.settings_vetoed(key); },
        [](const std::string &name) -> std::optional<std::string> {
          const char *v = std::getenv(name.c_str());
          return v ? std::optional<std::string>(v) : std::nullopt;
        });
  };
  const auto provider_settings = load_provider_settings();
  for (const auto &w : provider_settings.warnings) util::log_warning(w);
  for (const auto &name : config::apply_settings_env(provider_settings, config::process_environment()))
    if (looks_secret(name)) util::register_secret(getenv_or_empty(name.c_str()));
  for (const char *key : {"OPENAI_API_KEY"}) util::register_secret(getenv_or_empty(key));
  if (parsed.options.openai_api_key) util::register_secret(*parsed.options.openai_api_key);
  util::register_url_password(getenv_or_empty("OPENAI_BASE_URL"));
  if (parsed.options.openai_base_url) util::register_url_password(*parsed.options.openai_base_url);
  if (env.file) {
    util::log_debug("loaded " + env.file->string() + " (" + std::to_string(env.applied.size()) + " set, " +
                    std::to_string(env.kept.size()) + " already in the environment, " +
                    std::to_string(env.excluded.size()) + " excluded)");
  }
  for (const auto &f : config.files) util::log_debug("configuration from " + f.string());
  net::set_ca_bundle(config.network.ca_bundle);
  int code = QWEN_EXIT_ERROR;
  {
    Application app(std::move(parsed.options), std::move(config), std::move(env), load_provider_settings);
    code = app.run();
  }  // plugins are shut down here, before the status is decided
  // SIGTERM ends the run like Ctrl-C does (the operation stops, nothing half-written); then, as the Unix
  // convention has it, the process ends by that signal, so a shell shows 143 and a supervisor sees a
  // process that was terminated rather than one that failed.
  if (services::terminate_requested()) services::die_by_terminating_signal();
  return code;
}

}  // namespace qwen::app
