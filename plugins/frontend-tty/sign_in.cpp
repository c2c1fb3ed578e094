#include "sign_in.hpp"

#include "terminal.hpp"

namespace tty_frontend {

std::vector<MenuItem> sign_in_menu(const std::vector<AuthMethod> &methods) {
  std::vector<MenuItem> items;
  auto add = [&items](const AuthMethod &m) {
    MenuItem item{m.id, m.name, "", m.available, m.description};
    if (m.id == kRecommendedMethod) item.note = "(recommended)";
    if (m.selected) item.note += std::string(item.note.empty() ? "" : " ") + "(current)";
    if (m.ready && m.available) item.note += std::string(item.note.empty() ? "" : " ") + "(ready: set in the environment)";
    if (!m.available)
      item.note += std::string(item.note.empty() ? "" : " ") + "(unavailable: " + m.unavailable_reason + ")";
    items.push_back(std::move(item));
  };
  for (const auto &m : methods)
    if (m.id == kRecommendedMethod) add(m);
  for (const auto &m : methods)
    if (m.id != kRecommendedMethod) add(m);
  return items;
}

bool SignIn::choose(bool first_run) {
  auto methods = session_.auth_methods();
  // A method the environment already configures needs nothing more: say so (auth.describe, ABI 1.2).
  for (auto &m : methods) m.ready = session_.run("auth.describe", m.id).value("configured") == "environment";
  if (methods.empty()) {
    write_out("No sign-in method is installed (no auth plugin was found; see `qwen plugins`).\n");
    return false;
  }
  const auto items = sign_in_menu(methods);
  std::string default_id;
  for (const auto &m : methods)
    if (first_run ? m.id == kRecommendedMethod : m.selected) default_id = m.id;
  if (default_id.empty() || !pick_menu_item("", items, default_id)) {
    for (const auto &item : items)
      if (item.enabled && default_id.empty()) default_id = item.id;
  }
  auto id = run_menu(editor_, first_run ? "How do you want to sign in?" : "Sign-in methods:", items, default_id);
  if (!id) {
    write_out("No change.\n");
    return false;
  }
  return use(*id);
}

bool SignIn::use(const std::string &id, const std::string &login) {
  const auto methods = session_.auth_methods();
  const AuthMethod *method = nullptr;
  for (const auto &m : methods)
    if (m.id == id) method = &m;
  if (!method) {
    std::string known;
    for (const auto &m : methods) known += (known.empty() ? "" : ", ") + m.id;
    write_out("There is no sign-in method '" + id + "'" + (known.empty() ? "" : " (installed: " + known + ")") + ".\n");
    return false;
  }
  if (!method->available) {
    write_out(method->name + " cannot be used now: " + shown(method->unavailable_reason) + "\n");
    return false;
  }
  const std::string previous = session_.current_auth();
  const bool previous_usable = !previous.empty() && previous != id && session_.run("auth.check").ok();
  {
    // Also when it is the current one: choosing it is what the user wants remembered.
    CommandResult r = session_.run("auth.select", id);
    if (!r.ok()) {
      write_out("Cannot switch to " + method->name + ": " + shown(r.error) + "\n");
      return false;
    }
  }
  if (choose_login(*method, login) && ensure_credentials(*method)) return true;
  if (previous_usable && session_.run("auth.select", previous).ok()) {
    std::string name = previous;
    for (const auto &m : methods)
      if (m.id == previous) name = m.name;
    write_out("Still signed in with " + name + ".\n");
  }
  return false;
}

bool SignIn::choose_login(const AuthMethod &method, const std::string &login) {
  std::string pick = login;
  if (pick.empty()) {
    const CommandResult logins = session_.run("auth.accounts");
    if (!logins.ok() || logins.pairs.size() < 2) return true;  // one login (or an older host): nothing to choose
    std::vector<MenuItem> items;
    std::string active;
    for (const auto &login : parse_auth_accounts(logins.pairs)) {
      if (login.active) active = login.name;
      std::string note = login.active ? "(current)" : "";
      if (!login.signed_in) note += std::string(note.empty() ? "" : " ") + "(not signed in)";
      items.push_back(MenuItem{login.name, login.name, note, true, ""});
    }
    auto chosen = run_menu(editor_, "Logins of " + method.name + ":", items, active);
    if (!chosen) {
      write_out("No change.\n");
      return false;
    }
    if (*chosen == active) return true;
    pick = *chosen;
  }
  const CommandResult r = session_.run("auth.account", pick);
  if (!r.ok()) {
    write_out("Cannot use login " + shown(pick) + " of " + method.name + ": " + shown(r.error) + "\n");
    return false;
  }
  return true;
}

bool SignIn::ensure_credentials(const AuthMethod &method) {
  CommandResult check = session_.run("auth.check");
  auto signed_in = [&](const CommandResult &c) {
    const std::string model = c.value("model"), login = c.value("login");
    write_out("Signed in with " + method.name + (login.empty() || login == "default" ? "" : " (login " + login + ")") +
              (model.empty() ? "" : "; model " + model) + ".\n");
    return true;
  };
  if (check.ok()) return signed_in(check);
  if (check.status != QWEN_ERR_AUTH_REQUIRED && check.status != QWEN_ERR_AUTH_REJECTED) {
    write_out(method.name + " is not usable now: " + shown(check.error) + "\n");
    return false;
  }
  write_out("Signing in with " + method.name + "...\n");
  CommandResult login = session_.run("auth.login", method.id);
  ui_.end_progress();
  if (login.status == QWEN_ERR_UNSUPPORTED) {
    write_out(method.name + " has no sign-in here: " + shown(check.error) + "\n");
    return false;
  }
  if (login.status == QWEN_ERR_CANCELLED) {
    write_out("Sign-in cancelled.\n");
    return false;
  }
  if (!login.ok()) {
    write_out("Sign-in failed: " + shown(login.error) + "\n");
    return false;
  }
  check = session_.run("auth.check");
  if (check.ok()) return signed_in(check);
  write_out(method.name + " still has no usable credentials: " + shown(check.error) + "\n");
  return false;
}

}  // namespace tty_frontend
