#include "config/config_lint.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

#include "config/config.hpp"

namespace qwen::config {
namespace {

// The host's own keys (config.cpp reads them; the README's example shows each one).
const std::vector<std::string> kTopLevelKeys = {"frontend", "auth", "model", "excluded_env_vars", "network", "plugins", "default_auth", "secrets", "account"};
const std::vector<std::string> kNetworkKeys = {"max_retries",        "retry_base_ms",   "retry_max_wait_ms",
                                               "connect_timeout_ms", "idle_timeout_ms", "request_timeout_ms",
                                               "ca_bundle"};

// The settings qwen's plugins share by convention, with the one type each may have.
struct SharedKey {
  const char *name;
  toml::node_type type;
  const char *type_words;
  const char *when_ignored;  // what applies instead
};
const SharedKey kSharedPluginKeys[] = {
    {"allow_insecure_http", toml::node_type::boolean, "a boolean (true or false)", "the default, false, applies"},
    {"base_url", toml::node_type::string, "a string", "the plugin's default applies"},
    {"model", toml::node_type::string, "a string", "the plugin's default applies"},
};

// One warning, kept with its place so the list can be given in file order.
struct Finding {
  toml::source_region at;
  std::string text;
};
using Findings = std::vector<Finding>;

// Where a key was written; a key made by a dotted header ([plugins.x]) may have no position of its own,
// then its value's is used.
toml::source_region where(const toml::key &key, const toml::node &value) {
  return key.source().begin.line ? key.source() : value.source();
}

std::string located(const Finding &f) {
  std::ostringstream s;
  if (f.at.path) s << *f.at.path << ":";
  s << f.at.begin.line << ":" << f.at.begin.column << ": " << f.text;
  return s.str();
}

// Keys compared for typos: case and '-' versus '_' are the most common slips.
std::string folded(const std::string &s) {
  std::string out = s;
  for (char &c : out) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// How many typos a key of this length may hold and still be taken for `known`.
size_t typo_budget(const std::string &known) {
  return known.size() >= 8 ? 2 : 1;
}

std::optional<std::string> closest(const std::string &word, const std::vector<std::string> &known) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const auto &k : known) {
    size_t d = edit_distance(folded(word), folded(k), typo_budget(k));
    if (d <= typo_budget(k) && (!best || d < best_distance)) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

std::string listed(const std::vector<std::string> &words) {
  std::string out;
  for (const auto &w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

void lint_host_table(const toml::table &t, const std::string &table_name, const std::vector<std::string> &known,
                     Findings &out) {
  for (const auto &[key, node] : t) {
    const std::string k(key.str());
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string text = "unknown setting `" + k + "`" +
                       (table_name.empty() ? std::string(" at the top level") : " in [" + table_name + "]");
    if (auto guess = closest(k, known)) {
      text += " (did you mean `" + *guess + "`?)";
    } else if (table_name.empty() && std::find(kNetworkKeys.begin(), kNetworkKeys.end(), k) != kNetworkKeys.end()) {
      text += " (it belongs in [network])";
    } else {
      text += " (known: " + listed(known) + ")";
    }
    out.push_back({where(key, node), text + "; it is ignored"});
  }
}

// One plugin's table: the shared keys' types, and likely misspellings of them.
void lint_plugin_table(toml::table &t, const std::string &id, Findings &out) {
  std::vector<std::string> shared_names;
  for (const auto &s : kSharedPluginKeys) shared_names.emplace_back(s.name);
  std::vector<std::string> drop;
  for (const auto &[key, node] : t) {
    const std::string k(key.str());
    const toml::source_region at = where(key, node);
    const std::string named = "`" + k + "` in [plugins." + id + "]";
    const auto shared = std::find_if(std::begin(kSharedPluginKeys), std::end(kSharedPluginKeys),
                                     [&k](const SharedKey &s) { return k == s.name; });
    if (shared != std::end(kSharedPluginKeys)) {
      if (node.type() != shared->type) {
        out.push_back({at, named + " must be " + shared->type_words + ", not " + describe_toml_value(node) +
                               "; it is ignored (" + shared->when_ignored + ")"});
        drop.push_back(k);
      }
      continue;
    }
    auto guess = closest(k, shared_names);
    if (guess && !t.contains(*guess))
      out.push_back({at, named + ": did you mean `" + *guess + "`? As written it is not that setting, and " +
                             *guess + " keeps its default"});
  }
  for (const auto &k : drop) t.erase(k);
}

void lint_plugins(toml::table &plugins, const std::vector<std::string> &plugin_ids, Findings &out) {
  std::vector<std::string> drop;
  for (auto &&[key, node] : plugins) {
    const std::string id(key.str());
    if (!node.is_table()) {
      out.push_back({where(key, node), "`plugins." + id + "` must be a table ([plugins." + id + "]), not " +
                                           describe_toml_value(node) + "; it is ignored"});
      drop.push_back(id);
      continue;
    }
    // A table for a plugin that is not installed may be meant for another machine; one that is a typo
    // away from an installed plugin's id is most likely meant for that plugin.
    if (std::find(plugin_ids.begin(), plugin_ids.end(), id) == plugin_ids.end()) {
      if (auto guess = closest(id, plugin_ids))
        out.push_back({where(key, node), "[plugins." + id + "]: no installed plugin has the id '" + id +
                                             "' (did you mean [plugins." + *guess + "]?); its settings are not used"});
    }
    lint_plugin_table(*node.as_table(), id, out);
  }
  for (const auto &id : drop) plugins.erase(id);
}

}  // namespace

size_t edit_distance(const std::string &a, const std::string &b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  // Optimal string alignment distance: Levenshtein plus the swap of two neighbours ("retires").
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return std::min(d[n][m], limit + 1);
}

std::vector<std::string> lint_config(toml::table &merged, const std::vector<std::string> &plugin_ids) {
  Findings found;
  lint_host_table(merged, "", kTopLevelKeys, found);
  if (auto *network = merged["network"].as_table()) lint_host_table(*network, "network", kNetworkKeys, found);
  if (auto *plugins = merged["plugins"].as_table()) lint_plugins(*plugins, plugin_ids, found);
  // Grouped by file, in the order of the lines (a table iterates by key).
  std::stable_sort(found.begin(), found.end(), [](const Finding &a, const Finding &b) {
    const std::string pa = a.at.path ? *a.at.path : "", pb = b.at.path ? *b.at.path : "";
    if (pa != pb) return pa < pb;
    return a.at.begin.line != b.at.begin.line ? a.at.begin.line < b.at.begin.line
                                              : a.at.begin.column < b.at.begin.column;
  });
  std::vector<std::string> out;
  for (const auto &f : found) out.push_back(located(f));
  return out;
}

}  // namespace qwen::config
