// sign_in.hpp — choosing and signing in to a method, for /auth and for the
// first run: select it with the host ("auth.select"), check its credentials
// ("auth.check"), and when they are missing run its login ("auth.login": the
// device code for Qwen OAuth, the questions for an API key). The host
// remembers the choice once the method has credentials a later run finds too
// (not a typed key the user chose not to keep). A method with several logins
// (plugin.h "Accounts") offers them ("auth.accounts", "auth.account"). A failed
// or cancelled sign-in puts back the method that worked before, so the
// conversation can go on.
#pragma once

#include <string>
#include <vector>

#include "line_editor.hpp"
#include "menu.hpp"
#include "session_client.hpp"
#include "ui_requests.hpp"

namespace tty_frontend {

// The seed recommends Qwen OAuth; it is listed first.
inline constexpr const char *kRecommendedMethod = "qwen-oauth";

// The menu of `methods`: the recommended one first, unavailable ones listed but not selectable.
std::vector<MenuItem> sign_in_menu(const std::vector<AuthMethod> &methods);

class SignIn {
 public:
  SignIn(SessionClient &session, LineEditor &editor, UiRequests &ui) : session_(session), editor_(editor), ui_(ui) {}

  // Shows the methods and signs in with the one picked. `first_run`: nobody is signed in yet, the
  // recommended method is the default. True when a method with usable credentials is selected afterwards.
  bool choose(bool first_run);
  // Switches to `id` (and to its login `login`, when given) and signs in if needed.
  bool use(const std::string &id, const std::string &login = "");

 private:
  bool ensure_credentials(const AuthMethod &method);
  // Makes `login` the method's active one; without it, offers the method's logins when it has several
  // ("auth.accounts"). False when the user cancelled or the host refused.
  bool choose_login(const AuthMethod &method, const std::string &login);

  SessionClient &session_;
  LineEditor &editor_;
  UiRequests &ui_;
};

}  // namespace tty_frontend
