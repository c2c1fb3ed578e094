#include "app/auth_report.hpp"

#include <qwen/sdk/terminal_text.hpp>

namespace qwen::app {

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
      out["signed_in"] = m.usable;
    }
    nlohmann::ordered_json details = nlohmann::ordered_json::object();
    for (const auto &[k, v] : m.pairs)
      if (k != "signed_in") details[k] = v;
    list.push_back({{"method", m.id}, {"name", m.name}, {"selected", m.selected}, {"signed_in", m.usable},
                    {"details", std::move(details)}});
  }
  out["methods"] = std::move(list);
  return out;
}

}  // namespace qwen::app
