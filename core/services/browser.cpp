#include "services/browser.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "util/log.hpp"
#include "util/redactor.hpp"
#include "util/strings.hpp"

namespace qwen::services {
namespace {

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

bool find_in_path(const std::string &program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  for (const auto &dir : util::split(env("PATH"), ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

bool allowed_in_browser_environment(std::string_view name) {
  static const char *const kNames[] = {
      // the display and the session
      "DISPLAY", "WAYLAND_DISPLAY", "MIR_SOCKET", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS",
      "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "XDG_DATA_HOME", "XDG_DATA_DIRS",
      "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CURRENT_DESKTOP", "XDG_SESSION_DESKTOP", "XDG_SESSION_TYPE",
      "XDG_SEAT", "XDG_VTNR", "DESKTOP_SESSION", "KDE_FULL_SESSION", "KDE_SESSION_VERSION",
      "GNOME_DESKTOP_SESSION_ID", "BROWSER",
      // who and where
      "HOME", "USER", "LOGNAME", "PATH", "SHELL", "TMPDIR", "TZ",
      // the locale and the terminal (a text browser)
      "LANG", "LANGUAGE", "TERM", "COLORTERM"};
  if (name.rfind("LC_", 0) == 0) return true;
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Starts argv detached (double fork), so the browser outlives nothing of ours and leaves no zombie. It is a
// program we did not choose: it gets only what a browser needs from our environment (browser_environment).
bool spawn_detached(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> ours;
  for (char **e = environ; e && *e; ++e) ours.emplace_back(*e);
  const std::vector<std::string> theirs = browser_environment(ours);
  std::vector<char *> envp;
  for (const auto &entry : theirs) envp.push_back(const_cast<char *>(entry.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execvpe(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::vector<std::string> browser_environment(const std::vector<std::string> &environment) {
  std::vector<std::string> out;
  for (const auto &entry : environment) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || !allowed_in_browser_environment(std::string_view(entry).substr(0, eq))) continue;
    const std::string_view value = std::string_view(entry).substr(eq + 1);
    if (util::scrub(value) == value) out.push_back(entry);
  }
  return out;
}

namespace {

// The program that would open a URL here, or empty with `why_not` (browser.hpp's rules).
std::vector<std::string> browser_command(std::string &why_not) {
  if (!env("NO_BROWSER").empty()) {  // any value: browser.hpp
    why_not = "NO_BROWSER is set";
    return {};
  }
  std::vector<std::string> command;
  std::string browser = env("BROWSER");
  if (!browser.empty() && browser != "www-browser") {
    for (const auto &part : util::split(browser, ' '))
      if (!part.empty()) command.push_back(part);
  } else {
    if (!env("CI").empty())
      why_not = "running in CI";
    else if (env("DEBIAN_FRONTEND") == "noninteractive")
      why_not = "DEBIAN_FRONTEND=noninteractive";
    else if (browser == "www-browser")
      why_not = "BROWSER=www-browser (a text browser)";
    else if (env("DISPLAY").empty() && env("WAYLAND_DISPLAY").empty() && env("MIR_SOCKET").empty())
      why_not = "no graphical display";
    if (!why_not.empty()) return {};
    command = {"xdg-open"};
  }
  if (command.empty() || !find_in_path(command[0])) {
    why_not = "cannot find the browser program '" + (command.empty() ? browser : command[0]) + "'";
    return {};
  }
  return command;
}

}  // namespace

bool browser_available(std::string &why_not) {
  return !browser_command(why_not).empty();
}

bool open_in_browser(const std::string &url, std::string &why_not) {
  std::vector<std::string> command = browser_command(why_not);
  if (command.empty()) return false;
  command.push_back(url);
  util::log_debug("opening the browser with " + command[0]);
  if (!spawn_detached(command)) {
    why_not = "cannot start '" + command[0] + "'";
    return false;
  }
  return true;
}

}  // namespace qwen::services
