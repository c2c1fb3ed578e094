// browser.hpp — opening a URL in the user's browser without waiting for it.
//
// $BROWSER, when set, is the user's explicit choice and is run (only
// NO_BROWSER stops it). Otherwise the platform opener (xdg-open) is used,
// except where Qwen Code also suppresses it: NO_BROWSER, CI,
// DEBIAN_FRONTEND=noninteractive, BROWSER=www-browser, or no DISPLAY,
// WAYLAND_DISPLAY or MIR_SOCKET. The URL is passed as one argument, never
// through a shell.
#pragma once

#include <string>

namespace qwen::services {

// true when a browser program was started; `why_not` says why not otherwise.
bool open_in_browser(const std::string &url, std::string &why_not);

}  // namespace qwen::services
