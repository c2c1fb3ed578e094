#include "trust/project_review.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <qwen/sdk/safe_file.hpp>
#include <qwen/sdk/terminal_text.hpp>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "config/dotenv.hpp"
#include "util/redactor.hpp"

namespace qwen::trust {
namespace {

constexpr size_t kMaxReviewedBytes = 1u << 20;  // the loaders refuse larger files too

// A file that cannot be read gives nothing to review: its loader reports it (and refuses it the same way).
std::optional<std::string> read_small(const std::filesystem::path &p) {
  try {
    return qwen::sdk::read_regular_file(p.string(), kMaxReviewedBytes);
  } catch (const qwen::sdk::Error &) {
    return std::nullopt;
  }
}

std::string value_text(const toml::node &n) {
  if (auto s = n.as_string()) return s->get();
  std::ostringstream o;
  if (auto b = n.as_boolean())
    o << (b->get() ? "true" : "false");
  else if (auto i = n.as_integer())
    o << i->get();
  else
    o << "(" << n.type() << ")";
  return o.str();
}

std::string display_key(const std::vector<std::string> &path) {
  if (path.size() == 1) return path[0];
  std::string table;
  for (size_t i = 0; i + 1 < path.size(); ++i) table += (i ? "." : "") + path[i];
  return "[" + table + "] " + path.back();
}

std::string dotted(const std::vector<std::string> &path) {
  std::string out;
  for (const auto &p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

void walk(const toml::table &t, std::vector<std::string> &path, const ProjectFile &file,
          std::vector<SensitiveSetting> &out) {
  for (const auto &[key, node] : t) {
    path.emplace_back(key.str());
    if (auto sub = node.as_table()) {
      walk(*sub, path, file, out);
    } else if (auto level = classify_config_key(path); level != Sensitivity::Free) {
      out.push_back({file, dotted(path), display_key(path), value_text(node), level});
    }
    path.pop_back();
  }
}

void review_config(const ProjectFile &file, std::vector<SensitiveSetting> &out) {
  auto text = read_small(file.path);
  if (!text) return;
  toml::table t;
  try {
    t = toml::parse(*text, file.path.string());
  } catch (const toml::parse_error &) {
    return;
  }
  std::vector<std::string> path;
  walk(t, path, file, out);
}

void review_env(const ReviewInputs &in, const ProjectFile &file, std::vector<SensitiveSetting> &out) {
  auto text = read_small(file.path);
  if (!text) return;
  std::map<std::string, std::string> values;  // the last value of a repeated key wins, as when applied
  for (const auto &e : config::parse_dotenv(*text).entries) values[e.key] = e.value;
  auto applied_from_file = [&](const std::string &key) {
    auto it = values.find(key);
    if (it == values.end() || it->second.empty() || (in.getenv && in.getenv(key))) return false;
    return !(key == "OPENAI_API_KEY" && in.key_given_as_flag);
  };
  for (const auto &[key, value] : values) {
    Sensitivity level = classify_env_var(key);
    if (level == Sensitivity::Free) continue;
    if (in.getenv && in.getenv(key)) continue;  // the user's own environment wins; the file's value is not used
    if (level == Sensitivity::Trusted) {
      auto own_key = own_key_for(key);
      if (own_key && applied_from_file(*own_key)) continue;  // the project's own key goes to the project's server
    }
    out.push_back({file, key, key, value, level});
  }
}

// Qwen Code's workspace settings.json: what in it changes where credentials go (config/provider_settings.hpp
// reads the same keys). A modelProviders entry with a baseUrl sends a key to that server; security.auth.baseUrl
// and model.baseUrl do too; the env block is a .env by another name.
void review_settings(const ReviewInputs &in, const ProjectFile &file, std::vector<SensitiveSetting> &out) {
  auto text = read_small(file.path);
  if (!text) return;
  const auto j = nlohmann::json::parse(*text, nullptr, false, true);
  if (!j.is_object()) return;
  if (auto mp = j.find("modelProviders"); mp != j.end() && mp->is_object()) {
    for (const auto &[type, entries] : mp->items()) {
      if (!entries.is_array()) continue;
      for (const auto &e : entries)
        if (e.is_object() && e.contains("baseUrl")) {
          const auto &url = e["baseUrl"];
          out.push_back({file, "modelProviders", "modelProviders." + type + "[].baseUrl",
                         url.is_string() ? url.get<std::string>() : url.dump(), Sensitivity::Trusted});
          break;
        }
    }
  }
  for (const auto &[section, key] : {std::pair{"security", "auth"}, std::pair{"model", ""}}) {
    auto s = j.find(section);
    if (s == j.end() || !s->is_object()) continue;
    const nlohmann::json *holder = &*s;
    std::string prefix = section;
    if (*key) {
      auto sub = s->find(key);
      if (sub == s->end() || !sub->is_object()) continue;
      holder = &*sub;
      prefix += std::string(".") + key;
    }
    if (auto url = holder->find("baseUrl"); url != holder->end() && !url->is_null())
      out.push_back({file, prefix + ".baseUrl", prefix + ".baseUrl", url->is_string() ? url->get<std::string>() : url->dump(),
                     Sensitivity::Trusted});
  }
  if (auto env = j.find("env"); env != j.end() && env->is_object()) {
    for (const auto &[name, value] : env->items()) {
      Sensitivity level = classify_env_var(name);
      if (level == Sensitivity::Free) continue;
      if (in.getenv && in.getenv(name)) continue;  // the user's own environment wins
      out.push_back({file, "env." + name, "env." + name, value.is_string() ? value.get<std::string>() : value.dump(),
                     level});
    }
  }
}

// Values come from a stranger's file: shown on one line, with secrets redacted and control characters made
// visible (a newline in a value must not fake a line of the question).
std::string shown(const std::string &value) {
  std::string v = util::scrub(value);
  if (v.size() > 120) v = v.substr(0, 117) + "...";
  std::string one_line;
  for (char c : v) one_line += c == '\n' ? std::string("^J") : c == '\t' ? std::string("^I") : std::string(1, c);
  return qwen::sdk::terminal_safe(one_line);
}

std::string names_of(const std::vector<const SensitiveSetting *> &items) {
  std::string out;
  for (const auto *s : items) out += (out.empty() ? "" : ", ") + s->display;
  return out;
}

}  // namespace

std::vector<SensitiveSetting> find_sensitive_settings(const ReviewInputs &in) {
  std::vector<SensitiveSetting> out;
  if (in.files.config) review_config(*in.files.config, out);
  if (in.files.env) review_env(in, *in.files.env, out);
  if (in.files.settings) review_settings(in, *in.files.settings, out);
  return out;
}

std::vector<ProjectFile> ProjectFiles::present() const {
  std::vector<ProjectFile> out;
  for (const auto *f : {&config, &env, &settings})
    if (*f) out.push_back(**f);
  return out;
}

TrustDecision decide(const std::vector<SensitiveSetting> &settings, const ProjectFiles &files, TrustStore &store,
                     const Asker &ask, const std::function<void(const std::string &)> &warn) {
  TrustDecision d;
  auto drop = [&d](const SensitiveSetting &s) {
    (s.file.relative == ".qwen/config.toml"     ? d.drop_config_keys
     : s.file.relative == ".qwen/settings.json" ? d.drop_settings_keys
                                                : d.drop_env_vars)
        .insert(s.key);
  };
  // Per file, in order: what is never allowed, and what waits for trust.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const SensitiveSetting *>> never, pending;
  for (const auto &s : settings) {
    const std::string f = s.file.path.string();
    if (std::find(order.begin(), order.end(), f) == order.end()) order.push_back(f);
    if (s.level == Sensitivity::Never) {
      never[f].push_back(&s);
      drop(s);
    } else if (!store.is_trusted(s.file)) {
      pending[f].push_back(&s);
    }
  }
  for (const auto &f : order)
    if (!never[f].empty())
      warn(f + ": ignoring " + names_of(never[f]) + ": " + why_sensitive(Sensitivity::Never) + ".");
  if (pending.empty()) return d;

  bool trusted = false;
  if (ask) {
    std::string question;
    std::filesystem::path root;
    for (const auto &f : order)
      for (const auto *s : pending[f]) {
        question += "  " + f + " sets " + s->display + " = " + shown(s->value) + "\n";
        root = s->file.root;
      }
    question = "This project's files change where your credentials are sent:\n" + question + "Trust " +
               root.string() + " (recorded in " + store.file().string() + "; a changed file asks again)? [y/N] ";
    if (ask(question)) {
      try {
        store.trust(files.present());
        trusted = true;
      } catch (const std::exception &e) {
        warn(std::string("cannot record the trust: ") + e.what() + "; it serves this run only.");
        trusted = true;
      }
    }
  }
  if (trusted) return d;
  for (const auto &f : order) {
    if (pending[f].empty()) continue;
    for (const auto *s : pending[f]) drop(*s);
    if (!ask)
      warn(f + ": ignoring " + names_of(pending[f]) + ": " + why_sensitive(Sensitivity::Trusted) +
           " (run `qwen trust` in " + pending[f].front()->file.root.string() + " to allow it).");
  }
  return d;
}

}  // namespace qwen::trust
