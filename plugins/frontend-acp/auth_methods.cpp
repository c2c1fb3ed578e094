#include "auth_methods.hpp"

namespace acp {

namespace {

std::vector<std::string> split_tabs(const std::string &s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = s.find('\t', start);
    out.push_back(s.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::string joined(const std::vector<std::string> &items, const char *sep) {
  std::string out;
  for (const auto &i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// What the editor shows under the button: the plugin's line, then what to do when it needs the environment.
std::string description_of(const AuthMethodInfo &m, bool as_terminal) {
  std::string d = m.description;
  auto add = [&d](const std::string &s) { d += (d.empty() ? "" : " ") + s; };
  if (m.login == "none" || (m.login == "asks" && !as_terminal)) {
    if (!m.env.empty()) add("Set " + joined(m.env, " or ") + " in the agent's environment.");
  }
  if (!m.setup_url.empty() && m.login != "browser") add("Get a key at " + m.setup_url + ".");
  if (!m.unavailable.empty()) add("(" + m.unavailable + ")");
  return d;
}

}  // namespace

std::vector<AuthMethodInfo> read_auth_methods(const CommandFn &command) {
  std::vector<AuthMethodInfo> methods;
  Pairs list;
  if (command("auth.list", "", &list, nullptr) != QWEN_OK) return methods;
  for (const auto &entry : list) {
    AuthMethodInfo m;
    m.id = entry.name;
    auto fields = split_tabs(entry.value);
    m.name = fields.empty() || fields[0].empty() ? entry.name : fields[0];
    if (fields.size() > 2 && fields[2].rfind("unavailable", 0) == 0) m.unavailable = fields[2];
    if (fields.size() > 3) m.description = fields[3];
    m.login = "none";
    Pairs about;
    if (command("auth.describe", m.id, &about, nullptr) == QWEN_OK) {
      for (const auto &p : about) {
        if (p.name == "name" && !p.value.empty())
          m.name = p.value;
        else if (p.name == "description" && !p.value.empty())
          m.description = p.value;
        else if (p.name == "login")
          m.login = p.value;
        else if (p.name == "env" && !p.value.empty())
          m.env.push_back(p.value);
        else if (p.name == "setup_url")
          m.setup_url = p.value;
        else if (p.name == "configured")
          m.environment_configured = p.value == "environment";
      }
    }
    methods.push_back(std::move(m));
  }
  return methods;
}

json auth_methods_json(const std::vector<AuthMethodInfo> &methods, bool client_has_terminal_auth) {
  json out = json::array();
  for (const auto &m : methods) {
    const bool as_terminal = m.login == "asks" && client_has_terminal_auth;
    json j{{"id", m.id}, {"name", m.name}};
    if (as_terminal) {
      j["type"] = "terminal";
      j["args"] = json::array({"auth", "login", "--auth-type", m.id});
    }
    std::string d = description_of(m, as_terminal);
    if (!d.empty()) j["description"] = d;
    json meta{{"login", m.login}, {"env", m.env}};
    if (!m.setup_url.empty()) meta["setupUrl"] = m.setup_url;
    j["_meta"] = json{{"qwen", std::move(meta)}};
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace acp
