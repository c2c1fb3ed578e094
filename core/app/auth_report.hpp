// auth_report.hpp — what `qwen auth status` says, for a person or a script
// (gh's conventions): the selected method's pairs, or every method's with
// --all, as text or as one JSON object, and whether sign-in is still needed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace qwen::app {

struct MethodStatus {
  std::string id;
  std::string name;
  bool selected = false;
  bool usable = false;  // credentials a question would use are there (README "usable")
  // The login's account (plugin.h "Accounts"): "" is the default one. Shown only for a method that keeps
  // several (account_aware), as "login"; a plugin's own "account" pair is who the login belongs to.
  std::string account;
  bool account_aware = false;
  std::vector<std::pair<std::string, std::string>> pairs;  // the plugin's, already scrubbed of secrets
};

// "usable" from the plugin's own pair (plugin.h 1.3 status key "signed_in": "yes" or "no"), else from
// whether get_credentials answered (`credentials_ok`).
bool usable_from(const std::vector<std::pair<std::string, std::string>> &pairs, bool credentials_ok);

// Text: "method: ID", "name: NAME", "login: ACCOUNT" (a method with accounts), "signed_in: yes|no", then
// the pairs; methods separated by a blank line, the selected one marked. `terminal`: control characters in values made visible.
std::string status_text(const std::vector<MethodStatus> &methods, bool terminal);

// {"selected": ID, "login": ACCOUNT, "signed_in": bool,
//  "methods": [{"method", "name", "login", "selected", "signed_in", "details": {...}}]}
// ("login" only for a method with accounts)
nlohmann::ordered_json status_json(const std::vector<MethodStatus> &methods);

// `qwen auth list`: one line per method and account, the active one marked with '*', its state and expiry.
std::string account_list_text(const std::vector<MethodStatus> &logins, bool terminal);
// {"active": {"method", "login"}, "logins": [{"method", "login", "active", "signed_in", "expires"?}]}
nlohmann::ordered_json account_list_json(const std::vector<MethodStatus> &logins);

}  // namespace qwen::app
