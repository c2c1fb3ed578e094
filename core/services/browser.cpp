#include "services/browser.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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

// Starts argv detached (double fork), so the browser outlives nothing of ours and leaves no zombie. The
// browser gets our environment minus every variable that holds a secret (OPENAI_API_KEY, or anything a
// .env file set to a key): it needs none of them, and it is a program we did not choose.
bool spawn_detached(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char *> envp;
  for (char **e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : entry.substr(eq + 1);
    if (value.empty() || util::scrub(value) == value) envp.push_back(*e);
  }
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

bool open_in_browser(const std::string &url, std::string &why_not) {
  if (util::is_truthy(env("NO_BROWSER"))) {
    why_not = "NO_BROWSER is set";
    return false;
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
    if (!why_not.empty()) return false;
    command = {"xdg-open"};
  }
  if (command.empty() || !find_in_path(command[0])) {
    why_not = "cannot find the browser program '" + (command.empty() ? browser : command[0]) + "'";
    return false;
  }
  command.push_back(url);
  util::log_debug("opening the browser with " + command[0]);
  if (!spawn_detached(command)) {
    why_not = "cannot start '" + command[0] + "'";
    return false;
  }
  return true;
}

}  // namespace qwen::services
