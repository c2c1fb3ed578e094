#include "app/auth_report.hpp"

#include <algorithm>

#include <qwen/sdk/terminal_text.hpp>

#include "config/account_name.hpp"

namespace qwen::app {

using config::account_label;

bool usable_from(const std::vector<std::pair<std::string, std::string>> &pairs, bool credentials_ok) {
  for (const auto &[k, v] : pairs)
    if (k == "signed_in") return v == "yes";
  return credentials_ok;
}

std::string status_text(const std::vector<MethodStatus> &methods, bool terminal) {
  std::string out;
  for (const auto &m : methods) {
    if (!out.empty()) out += "\n";
    out += "method: " + m.id + (methods.size() > 1 && m.selected ? "  (selected)" : "") + "\n";
    out += "name: " + m.name + "\n";
    if (m.account_aware) out += "login: " + account_label(m.account) + "\n";
    out += std::string("signed_in: ") + (m.usable ? "yes" : "no") + "\n";
    for (const auto &[k, v] : m.pairs) {
      if (k == "signed_in") continue;
      out += k + ": " + (terminal ? qwen::sdk::terminal_safe(v) : v) + "\n";
    }
  }
  return out;
}

nlohmann::ordered_json status_json(const std::vector<MethodStatus> &methods) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  auto list = nlohmann::ordered_json::array();
  for (const auto &m : methods) {
    if (m.selected) {
      out["selected"] = m.id;
      if (m.account_aware) out["login"] = account_label(m.account);
      out["signed_in"] = m.usable;
    }
    nlohmann::ordered_json details = nlohmann::ordered_json::object();
    for (const auto &[k, v] : m.pairs)
      if (k != "signed_in") details[k] = v;
    nlohmann::ordered_json entry = {{"method", m.id}, {"name", m.name}};
    if (m.account_aware) entry["login"] = account_label(m.account);
    entry["selected"] = m.selected;
    entry["signed_in"] = m.usable;
    entry["details"] = std::move(details);
    list.push_back(std::move(entry));
  }
  out["methods"] = std::move(list);
  return out;
}

namespace {

std::string pair_value(const MethodStatus &m, const std::string &key) {
  for (const auto &[k, v] : m.pairs)
    if (k == key) return v;
  return "";
}

std::string padded(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string account_list_text(const std::vector<MethodStatus> &logins, bool terminal) {
  size_t method_width = 6, login_width = 5;  // "METHOD", "LOGIN"
  for (const auto &m : logins) {
    method_width = std::max(method_width, m.id.size());
    login_width = std::max(login_width, account_label(m.account).size());
  }
  std::string out = "  " + padded("METHOD", method_width) + "  " + padded("LOGIN", login_width) + "  STATE\n";
  for (const auto &m : logins) {
    std::string state = m.usable ? "signed in" : "not signed in";
    if (const std::string expires = pair_value(m, "expires"); !expires.empty())
      state += ", expires " + (terminal ? qwen::sdk::terminal_safe(expires) : expires);
    out += std::string(m.selected ? "* " : "  ") + padded(m.id, method_width) + "  " +
           padded(account_label(m.account), login_width) + "  " + state + "\n";
  }
  return out;
}

nlohmann::ordered_json account_list_json(const std::vector<MethodStatus> &logins) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  auto list = nlohmann::ordered_json::array();
  for (const auto &m : logins) {
    if (m.selected) out["active"] = {{"method", m.id}, {"login", account_label(m.account)}};
    nlohmann::ordered_json entry = {{"method", m.id}, {"login", account_label(m.account)}, {"active", m.selected},
                                    {"signed_in", m.usable}};
    if (const std::string expires = pair_value(m, "expires"); !expires.empty()) entry["expires"] = expires;
    list.push_back(std::move(entry));
  }
  out["logins"] = std::move(list);
  return out;
}

}  // namespace qwen::app
