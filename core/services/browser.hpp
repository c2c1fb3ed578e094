// browser.hpp — opening a URL in the user's browser without waiting for it.
//
// NO_BROWSER set to any non-empty value ("1", "x", even "0", as Qwen Code and
// the NO_COLOR convention read it) means: open nothing, the URL is printed.
// Otherwise $BROWSER, when set, is the user's explicit choice and is run; if
// not, the platform opener (xdg-open) is used, except where Qwen Code also
// suppresses it: CI, DEBIAN_FRONTEND=noninteractive, BROWSER=www-browser, or
// no DISPLAY, WAYLAND_DISPLAY or MIR_SOCKET. The URL is passed as one
// argument, never through a shell. The program gets an allow-listed
// environment (display, session bus, desktop, locale, home, path, XDG
// directories, terminal), not qwen's: it needs none of the user's keys.
#pragma once

#include <string>
#include <vector>

namespace qwen::services {

// Whether open_in_browser would start a program here (nothing is started); `why_not` says why not.
bool browser_available(std::string &why_not);

// true when a browser program was started; `why_not` says why not otherwise.
bool open_in_browser(const std::string &url, std::string &why_not);

// The environment a browser program is given: the allow-listed variables of `environment` ("NAME=value"
// entries), minus any whose value holds a registered secret.
std::vector<std::string> browser_environment(const std::vector<std::string> &environment);

}  // namespace qwen::services
