#include "config/config.hpp"

#include <sstream>

#include "config/account_name.hpp"
#include "config/config_file_safety.hpp"
#include "config/paths.hpp"
#include "plugin_host/plugin_id.hpp"
#include "util/strings.hpp"

namespace qwen::config {
namespace {

toml::table parse_file(const std::filesystem::path &path, Owner owner) {
  const std::string text = read_config_file(path, owner);  // a regular file only: a FIFO must not hang us
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error &e) {
    const auto &where = e.source().begin;
    std::ostringstream msg;
    msg << path.string() << ":" << where.line << ":" << where.column << ": " << e.description();
    throw ConfigError(msg.str());
  }
}

// Tables merge key by key; any other value from `over` replaces the one in `base`.
void merge_into(toml::table &base, const toml::table &over) {
  for (const auto &[key, node] : over) {
    auto *base_table = base[key].as_table();
    if (base_table && node.is_table()) {
      merge_into(*base_table, *node.as_table());
    } else {
      base.insert_or_assign(key, node);
    }
  }
}

}  // namespace

std::string describe_toml_value(const toml::node &node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

namespace {

std::string where(const toml::node &node) {
  const auto &src = node.source();
  std::ostringstream s;
  if (src.path) s << *src.path << ":";
  s << src.begin.line << ":" << src.begin.column;
  return s.str();
}

std::optional<std::string> get_string(const toml::table &t, const char *key) {
  const toml::node *node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) throw ConfigError(where(*node) + ": `" + key + "` must be a string, not " + describe_toml_value(*node));
  return node->as_string()->get();
}

// A [network] number within [min, max]; anything else (a string, a float, a negative or absurd value) is an
// error naming file:line, never silently capped: a setting that does not do what it says must not pass quietly.
void read_long(const toml::table &t, const char *key, long &out, long min, long max, const char *unit) {
  const toml::node *node = t.get(key);
  if (!node) return;
  const auto *value = node->as_integer();
  if (!value || value->get() < min || value->get() > max)
    throw ConfigError(where(*node) + ": `network." + key + "` must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max) + unit +
                      (value ? ", not " + std::to_string(value->get()) : ", not " + describe_toml_value(*node)));
  out = static_cast<long>(value->get());
}

NetworkSettings read_network(const toml::table &root) {
  NetworkSettings n;
  const toml::node *node = root.get("network");
  if (!node) return n;
  if (!node->is_table()) throw ConfigError(where(*node) + ": `network` must be a table");
  const auto &t = *node->as_table();
  long retries = n.max_retries;
  read_long(t, "max_retries", retries, 0, NetworkSettings::kMaxRetries, "");
  n.max_retries = static_cast<int>(retries);
  constexpr long kDay = NetworkSettings::kMaxMs;
  read_long(t, "retry_base_ms", n.retry_base_ms, 0, kDay, " (milliseconds)");
  read_long(t, "retry_max_wait_ms", n.retry_max_wait_ms, 0, kDay, " (milliseconds)");
  // libcurl reads a connect timeout of 0 as its own default (300 s), so 0 cannot mean "none" there.
  read_long(t, "connect_timeout_ms", n.connect_timeout_ms, 1, kDay, " (milliseconds)");
  read_long(t, "idle_timeout_ms", n.idle_timeout_ms, 0, kDay, " (milliseconds; 0 = none)");
  read_long(t, "request_timeout_ms", n.request_timeout_ms, 0, kDay, " (milliseconds; 0 = none)");
  if (const toml::node *ca = t.get("ca_bundle")) {
    if (!ca->is_string())
      throw ConfigError(where(*ca) + ": `network.ca_bundle` must be a string, not " + describe_toml_value(*ca));
    std::string path = ca->as_string()->get();
    if (path.rfind("~/", 0) == 0) path = (user_home() / path.substr(2)).string();
    if (path.empty() || path.front() != '/')
      throw ConfigError(where(*ca) + ": `network.ca_bundle` must be an absolute path (or start with ~/)");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw ConfigError(where(*ca) + ": `network.ca_bundle`: no such file " + path);
    n.ca_bundle = path;
  }
  return n;
}

// [secrets] store: one of the three words, else a ConfigError naming the line.
std::string read_secrets_store(const toml::table &root, std::string fallback) {
  const toml::node *secrets = root.get("secrets");
  if (!secrets) return fallback;
  if (!secrets->is_table()) throw ConfigError(where(*secrets) + ": `secrets` must be a table ([secrets])");
  const toml::node *store = secrets->as_table()->get("store");
  if (!store) return fallback;
  const auto *text = store->as_string();
  if (!text || (text->get() != "auto" && text->get() != "keyring" && text->get() != "file"))
    throw ConfigError(where(*store) + ": `secrets.store` must be \"auto\", \"keyring\" or \"file\"");
  return text->get();
}

std::vector<std::string> read_excluded(const toml::table &root, std::vector<std::string> fallback) {
  const toml::node *node = root.get("excluded_env_vars");
  if (!node) return fallback;
  const auto *arr = node->as_array();
  if (!arr) throw ConfigError(where(*node) + ": `excluded_env_vars` must be an array of strings");
  std::vector<std::string> out;
  for (const auto &item : *arr) {
    if (!item.is_string()) throw ConfigError(where(item) + ": `excluded_env_vars` must hold strings only");
    out.push_back(item.as_string()->get());
  }
  return out;
}

std::string node_text(const toml::node &node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto f = node.as_floating_point()) {
    std::ostringstream s;
    s << f->get();
    return s.str();
  }
  std::ostringstream s;
  if (auto a = node.as_array())
    s << *a;
  else if (auto t = node.as_table())
    s << *t;
  return s.str();
}

}  // namespace

std::optional<std::string> Config::lookup(const std::string &dotted_key) const {
  const toml::node *node = &merged;
  for (const auto &part : util::split(dotted_key, '.')) {
    const auto *table = node->as_table();
    if (!table) return std::nullopt;
    node = table->get(part);
    if (!node) return std::nullopt;
  }
  return node_text(*node);
}

std::optional<std::filesystem::path> find_project_config(const std::filesystem::path &start_dir,
                                                         const std::filesystem::path &qwen_home) {
  std::error_code ec;
  // Neither the qwen home nor ~/.qwen is a project: with QWEN_HOME set, ~/.qwen/config.toml is an old or
  // another client's user file, and must not override $QWEN_HOME/config.toml as if it were a project's.
  const auto home_canonical = std::filesystem::weakly_canonical(qwen_home, ec);
  const auto user_qwen_canonical = std::filesystem::weakly_canonical(user_home() / ".qwen", ec);
  for (auto dir = start_dir;; dir = dir.parent_path()) {
    auto qwen_dir = dir / ".qwen";
    auto candidate = qwen_dir / "config.toml";
    const auto qwen_dir_canonical = std::filesystem::weakly_canonical(qwen_dir, ec);
    if (qwen_dir_canonical != home_canonical && qwen_dir_canonical != user_qwen_canonical &&
        std::filesystem::is_regular_file(candidate, ec))
      return candidate;
    if (dir == dir.parent_path() || dir.empty()) break;
  }
  return std::nullopt;
}

// `frontend`, `auth` and `default_auth` name plugins: ids only, never paths (a path would be joined to the plugin folders).
static void check_plugin_id(const toml::table &t, const char *key) {
  const toml::node *node = t.get(key);
  if (node && node->is_string() && !plugin_host::is_plugin_id(node->as_string()->get()))
    throw ConfigError(where(*node) + ": `" + key + "` must be " + plugin_host::kPluginIdRule);
}

// `account` names one of the user's logins (plugin.h "Accounts"); "default" is the default account.
static std::optional<std::string> get_account(const toml::table &t) {
  auto value = get_string(t, "account");
  if (!value) return std::nullopt;
  auto name = parse_account_name(*value);
  if (!name) throw ConfigError(where(*t.get("account")) + ": `account` must be \"default\" or " + kAccountNameRule);
  return name;
}

Config load_config(const std::filesystem::path &user_file, const std::optional<std::filesystem::path> &project_file,
                   const std::function<void(toml::table &)> &vet_project) {
  Config config;
  config.user_file = user_file;
  std::error_code ec;
  check_qwen_home(user_file.parent_path());  // StrictModes: the user's settings live there
  std::vector<std::filesystem::path> sources;
  if (std::filesystem::exists(user_file, ec)) sources.push_back(user_file);
  if (project_file) sources.push_back(*project_file);
  for (const auto &file : sources) {
    toml::table t = parse_file(file, file == user_file ? Owner::User : Owner::Project);
    if (project_file && file == *project_file && vet_project) vet_project(t);
    // Check each file's own types, so an error names the file that has it.
    get_string(t, "frontend");
    (project_file && file == *project_file ? config.project_auth : config.user_auth) = get_string(t, "auth");
    (project_file && file == *project_file ? config.project_account : config.user_account) = get_account(t);
    get_string(t, "model");
    check_plugin_id(t, "frontend");
    check_plugin_id(t, "auth");
    get_string(t, "default_auth");
    check_plugin_id(t, "default_auth");
    read_network(t);
    config.excluded_env_vars = read_excluded(t, config.excluded_env_vars);
    read_secrets_store(t, config.secrets_store);
    if (const toml::node *plugins = t.get("plugins"); plugins && !plugins->is_table())
      throw ConfigError(where(*plugins) + ": `plugins` must be a table of [plugins.<id>] tables");
    merge_into(config.merged, t);
    config.files.push_back(file);
  }
  config.frontend = get_string(config.merged, "frontend");
  config.auth = get_string(config.merged, "auth");
  config.default_auth = get_string(config.merged, "default_auth");
  config.model = get_string(config.merged, "model");
  config.network = read_network(config.merged);
  config.secrets_store = read_secrets_store(config.merged, config.secrets_store);
  return config;
}

}  // namespace qwen::config
