#include "cli/options.hpp"

#include <qwen/plugin.h>

#include <CLI/CLI.hpp>
#include <iostream>

namespace qwen::cli {

namespace {

// The value of the last --output-format in argv ("--output-format json" or "--output-format=json"), read
// by hand: it is wanted precisely when the parser refused the command line.
std::string requested_output_format(int argc, const char *const *argv) {
  std::string format = "text";
  const std::string flag = "--output-format";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i] ? argv[i] : "";
    if (arg == "--") break;
    if (arg == flag && i + 1 < argc && argv[i + 1])
      format = argv[++i];
    else if (arg.rfind(flag + "=", 0) == 0)
      format = arg.substr(flag.size() + 1);
  }
  return format;
}

}  // namespace

ParseResult parse_command_line(int argc, const char *const *argv) {
  ParseResult result;
  Options &o = result.options;
  CLI::App app{
      "qwen: sign in to a model provider and talk to the model, from a terminal or a script.\n"
      "Exit statuses: 0 ok, 1 error (also: stdout closed before the answer ended), 2 cancelled,\n"
      "3 bad input (a prompt that is not UTF-8) or config, 4 sign-in required,\n"
      "5 credentials refused, 6 rate limited, 7 network or server failure; 143 after SIGTERM, 129 after SIGHUP.",
      "qwen"};
  app.set_version_flag("-v,--version", std::string("qwen ") + QWEN_VERSION + " (plugin ABI " +
                                           std::to_string(QWEN_PLUGIN_ABI_MAJOR) + "." +
                                           std::to_string(QWEN_PLUGIN_ABI_MINOR) + ")");
  app.add_option("-p,--prompt", o.prompt, "Answer this prompt and exit (piped input comes first)");
  app.add_option("-m,--model", o.model, "The model to use");
  app.add_option("--auth-type", o.auth_type, "The sign-in method (plugin id): qwen-oauth, openai, ...");
  auto *frontend = app.add_option("--frontend", o.frontend, "The front-end (plugin id): tty, pipe, acp, ...");
  // Qwen Code's flag for editors (Agent Client Protocol over stdio); its old name is kept as an alias.
  bool acp = false;
  app.add_flag("--acp,--experimental-acp", acp, "Serve an editor over the Agent Client Protocol (= --frontend acp)")
      ->excludes(frontend);
  app.add_option("--output-format", o.output_format, "Headless output: text, json or stream-json")
      ->check(CLI::IsMember({"text", "json", "stream-json"}));
  app.add_option("--openai-api-key", o.openai_api_key,
                 "API key for the OpenAI-compatible method (prefer OPENAI_API_KEY: arguments are visible to others)");
  app.add_option("--openai-base-url", o.openai_base_url, "Base URL for the OpenAI-compatible method");
  app.add_flag("-d,--debug", o.debug, "Debug logging to stderr (secrets redacted)");
  app.add_option("--account", o.account,
                 "Which login of the sign-in method to use (qwen auth list shows them; \"default\" is the first)");

  auto *plugins = app.add_subcommand("plugins", "List the plugins found, and the files rejected with the reason");
  plugins->add_flag("--porcelain", o.plugins_porcelain,
                    "One \"KIND<TAB>ID\" line per usable plugin, nothing else (for shell completions)");
  auto *auth = app.add_subcommand(
      "auth", "Sign in, sign out, or show the sign-in state; `qwen auth METHOD` signs in with that method");
  // Not require_subcommand(1): its message ("A subcommand is required") is also what `qwen auth bogus` got.
  // The word that is not a subcommand is caught by a hidden positional and named below instead.
  auth->require_subcommand(0, 1);
  std::string unknown_auth_word;  // a word after `auth` that is none of its subcommands (hidden positional)
  auth->add_option("word", unknown_auth_word)->group("");
  auto *login = auth->add_subcommand("login", "Sign in with the selected method (device login for qwen-oauth)");
  auto *logout = auth->add_subcommand("logout", "Forget the cached credentials of the selected method");
  auto *status = auth->add_subcommand("status", "Show the selected method, its account and expiry (never the token)");
  auto *token = auth->add_subcommand(
      "token", "Print the selected method's access token or key, and nothing else (for curl -H \"Authorization: Bearer ...\")");
  auto *list = auth->add_subcommand("list", "Every sign-in method and account, the active one marked, with its state");
  auto *switch_ = auth->add_subcommand(
      "switch", "Make a method (and with --account, one of its accounts) the one qwen uses from now on");
  switch_->add_option("method", o.switch_method, "The sign-in method (default: the selected one)");
  status->add_flag("--all", o.status_all, "Every installed sign-in method and account, the selected one marked");
  for (auto *sub : {status, list}) sub->add_flag("--json", o.status_json, "One JSON object (never a secret)");
  for (auto *sub : {login, logout, status, token, list})
    sub->add_option("--auth-type", o.auth_type, "The sign-in method (plugin id)");
  // `qwen auth coding-plan -u URL -k KEY` as in Qwen Code 0.15; the word after `auth` names the method.
  for (auto *sub : {auth, login}) {
    sub->add_option("-u,--base-url", o.login_base_url, "Sign in against this base URL (a method that asks for one)");
    auto *key = sub->add_option("-k,--key", o.login_key,
                                "Sign in with this key (visible to other users' ps: prefer --with-key)");
    sub->add_flag("--with-key", o.login_key_from_stdin, "Read the key for the sign-in from standard input")
        ->excludes(key);
  }
  auto *models = app.add_subcommand("models", "List the models of the selected sign-in method");
  models->add_option("--auth-type", o.auth_type, "The sign-in method (plugin id)");
  auto *trust = app.add_subcommand(
      "trust", "Trust this directory's project files (.qwen/config.toml, .env): let them change where credentials go");
  trust->add_option("dir", o.trust_dir, "The directory (default: the current one)");
  auto *trust_list = trust->add_flag("--list", o.trust_list, "List the trusted directories and whether files changed");
  trust->add_flag("--revoke", o.trust_revoke, "Stop trusting the directory")->excludes(trust_list);
  // The main options (--debug above all) work after a subcommand too: `qwen auth login --debug`.
  for (auto *sub : {plugins, auth, login, logout, status, token, list, switch_, models, trust}) sub->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    result.exit_code = app.exit(e);
    return result;
  } catch (const CLI::CallForAllHelp &e) {
    result.exit_code = app.exit(e);
    return result;
  } catch (const CLI::CallForVersion &e) {
    result.exit_code = app.exit(e);
    return result;
  } catch (const CLI::ParseError &e) {
    result.usage_error = e.what();
    result.usage_hint = "Run 'qwen --help' for the options.";
    result.requested_format = requested_output_format(argc, argv);
    result.exit_code = QWEN_EXIT_BAD_INPUT;
    return result;
  }
  // `qwen auth <method>`: Qwen Code's verbs (coding-plan, qwen-oauth; api-key is its name for openai), and
  // any installed sign-in plugin's id, sign in with that method.
  const bool auth_verb = login->parsed() || logout->parsed() || status->parsed() || token->parsed() ||
                         list->parsed() || switch_->parsed();
  const bool method_word = !unknown_auth_word.empty() && !auth_verb;
  if (method_word) {
    const std::string id = unknown_auth_word == "api-key" ? "openai" : unknown_auth_word;
    if (o.auth_type && *o.auth_type != id) {
      result.usage_error = "`qwen auth " + unknown_auth_word + "` and --auth-type " + *o.auth_type + " disagree";
      result.usage_hint = "Run 'qwen auth --help' for the details.";
      result.requested_format = o.output_format;
      result.exit_code = QWEN_EXIT_BAD_INPUT;
      return result;
    }
    o.auth_type = id;
  } else if (auth->parsed() && !auth_verb) {
    std::string what = "`qwen auth` needs a subcommand";
    result.usage_error = what + ": use login, logout, status, token, list, switch, or a sign-in method (coding-plan, "
                                "api-key, qwen-oauth, ...)";
    result.usage_hint = "Run 'qwen auth --help' for the details.";
    result.requested_format = o.output_format;
    result.exit_code = QWEN_EXIT_BAD_INPUT;
    return result;
  }
  if (acp) o.frontend = "acp";
  if (plugins->parsed()) o.command = Command::Plugins;
  if (models->parsed()) o.command = Command::Models;
  if (login->parsed() || method_word) o.command = Command::AuthLogin;
  if (logout->parsed()) o.command = Command::AuthLogout;
  if (status->parsed()) o.command = Command::AuthStatus;
  if (token->parsed()) o.command = Command::AuthToken;
  if (list->parsed()) o.command = Command::AuthList;
  if (switch_->parsed()) {
    o.command = Command::AuthSwitch;
    if (o.switch_method && *o.switch_method == "api-key") o.switch_method = "openai";
  }
  if (trust->parsed()) o.command = Command::Trust;
  return result;
}

}  // namespace qwen::cli
